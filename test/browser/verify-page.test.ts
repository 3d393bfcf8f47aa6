/**
 * verify.html in a real Chromium on the real local stack (a Hardhat chain with the escrow as
 * `npm start` deploys it, the site built from that manifest): exact match with every row agreeing,
 * the code's first differing byte once other code is at the address (`hardhat_setCode`), a partial
 * match once only the code's metadata trailer differs, a second RPC the verifier types in, two
 * RPCs that disagree (a proxy on 127.0.0.1 in front of the chain that alters one answer), the
 * site's CID read from a gateway's `/ipfs/<cid>/` address, a campaign whose RPC does not answer,
 * and in each state no axe-core violation
 * and no Content-Security-Policy violation; and a layout that the report does not push around
 * (the form and the table are in the HTML from the start).
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { text } from "node:stream/consumers";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { id, toBeHex } from "ethers";
import { buildSite } from "../../scripts/lib/build-site.ts";
import { answerCors } from "../../scripts/lib/http.ts";
import { startLocalStack, type LocalStack } from "../../scripts/lib/local-stack.ts";
import { startStaticServer } from "../../scripts/lib/static-server.ts";
import { parseManifestJson } from "../../site/lib/manifest.ts";
import { launchChromium, watchCspViolations } from "../helpers/browser.ts";
import { closedPort } from "../helpers/ports.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";

/** Where the verify page first shows a verdict: the checks read the chain. */
const VERDICT_TIMEOUT_MS = 30_000;

interface VerifyPage {
  context: BrowserContext;
  page: Page;
  /** Every `securitypolicyviolation` so far. */
  violations: () => Promise<string[]>;
}

/**
 * Opens `url` in a fresh context (axe-core needs one), recording CSP violations from the start, and waits for
 * the verdict.
 */
async function openVerify(
  browser: Browser,
  url: string,
  viewport?: { width: number; height: number },
): Promise<VerifyPage> {
  const context = await browser.newContext(viewport === undefined ? {} : { viewport });
  const page = await context.newPage();
  const cspViolations = await watchCspViolations(page);
  await page.goto(url);
  await page.locator("pp-verify[data-verdict]").waitFor({ timeout: VERDICT_TIMEOUT_MS });
  return {
    context,
    page,
    violations: cspViolations,
  };
}

async function axeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
  );
}

/** Each row's check and status, in order. */
function rowStatuses(page: Page): Promise<{ check: string; status: string }[]> {
  return page.locator("pp-verify tbody tr").evaluateAll((rows) =>
    rows.map((row) => ({
      check: (row as HTMLElement).dataset.check ?? "",
      status: (row as HTMLElement).dataset.status ?? "",
    })),
  );
}

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  assert.equal(body.error, undefined, `${method} failed`);
  return body.result;
}

/** The escrow's `backers()` call, as `eth_call` data. */
const BACKERS_CALL = id("backers()").slice(0, 10);

/** solc's CBOR trailer starts `{"ipfs": bytes(34)` with a sha2-256 multihash: `a2 64 "ipfs" 58 22 12 20`. */
const IPFS_TRAILER = "a264697066735822" + "1220";

/** `code` with one byte of the metadata hash in its CBOR trailer changed: the same code, other metadata. */
function withOtherMetadata(code: string): string {
  const at = code.lastIndexOf(IPFS_TRAILER);
  assert.ok(at > 0, "the code ends with solc's metadata trailer");
  const byte = at + IPFS_TRAILER.length;
  const changed = ((Number.parseInt(code.slice(byte, byte + 2), 16) + 1) % 256).toString(16).padStart(2, "0");
  return `${code.slice(0, byte)}${changed}${code.slice(byte + 2)}`;
}

interface LyingRpc {
  url: string;
  host: string;
  close(): Promise<void>;
}

/**
 * A JSON-RPC proxy on 127.0.0.1 in front of `target` that passes every call through but answers
 * `backers()` on the escrow with `backers`: an RPC that lies about one value. It allows
 * cross-origin requests, as public endpoints do.
 */
async function startLyingRpc(target: string, escrow: string, backers: bigint): Promise<LyingRpc> {
  const server = createServer((request, response) => {
    if (answerCors(request, response)) return;
    void (async () => {
      const body = await text(request);
      const calls = [JSON.parse(body) as unknown].flat() as {
        id?: unknown;
        method?: string;
        params?: [{ to?: string; data?: string }];
      }[];
      const upstream = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      const answers = [(await upstream.json()) as unknown].flat() as { id?: unknown; result?: unknown }[];
      const lied = new Set(
        calls
          .filter(
            (call) =>
              call.method === "eth_call" &&
              call.params?.[0]?.to?.toLowerCase() === escrow.toLowerCase() &&
              call.params[0].data === BACKERS_CALL,
          )
          .map((call) => call.id),
      );
      const altered = answers.map((answer) =>
        lied.has(answer.id) && "result" in answer ? { ...answer, result: toBeHex(backers, 32) } : answer,
      );
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(Array.isArray(JSON.parse(body)) ? altered : altered[0]));
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${host}/`,
    host,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

describe.skipIf(missing(CHROMIUM))("verify.html (Chromium, the local stack)", () => {
  let dir: string;
  let stack: LocalStack;
  let browser: Browser;
  let verifyUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-verify-page-"));
    stack = await startLocalStack({ dir, goalBackers: 3 });
    browser = await launchChromium();
    verifyUrl = new URL("verify.html", stack.siteUrl).href;
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("says Exact match, and every check agrees, for the deployed escrow", async () => {
    const { context, page, violations } = await openVerify(browser, verifyUrl);
    assert.equal((await page.locator('[data-field="verdict"]').textContent())?.trim(), "Exact match");
    const rows = await rowStatuses(page);
    for (const check of [
      "code",
      "metadata",
      "compiler",
      "parameter:token",
      "parameter:beneficiary",
      "parameter:goalBackers",
      "parameter:minPledge",
      "parameter:deadline",
      "token:name",
      "rpcs",
    ]) {
      assert.ok(
        rows.some((row) => row.check === check),
        `a row for ${check}`,
      );
    }
    assert.ok(rows.filter((row) => row.check.startsWith("source:")).length > 1, "a row for each source");
    assert.deepEqual(
      rows.filter((row) => row.status !== "ok" && row.status !== "info"),
      [],
    );
    assert.equal(await page.locator('tr[data-check="parameter:goalBackers"] td').nth(2).textContent(), "3");
    assert.deepEqual(await violations(), []);
    await context.close();
  });

  it("has no axe-core violation once it says Exact match", async () => {
    const { context, page } = await openVerify(browser, verifyUrl);
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });

  it("says the code differs, from which byte, once other code is at the escrow's address", async () => {
    const original = (await rpc(stack.chain.url, "eth_getCode", [stack.escrow, "latest"])) as string;
    const offset = 10;
    const bytes = original.slice(2).match(/../g)!;
    bytes[offset] = ((Number.parseInt(bytes[offset], 16) + 1) % 256).toString(16).padStart(2, "0");
    await rpc(stack.chain.url, "hardhat_setCode", [stack.escrow, `0x${bytes.join("")}`]);
    try {
      const { context, page, violations } = await openVerify(browser, verifyUrl);
      assert.equal(await page.locator("pp-verify").getAttribute("data-verdict"), "mismatch");
      assert.equal(
        (await page.locator('[data-field="verdict"]').textContent())?.trim(),
        `Mismatch: the code differs from byte ${offset} on`,
      );
      const code = page.locator('tr[data-check="code"]');
      assert.equal(await code.getAttribute("data-status"), "differs");
      assert.match((await code.textContent()) ?? "", /✗ differs/);
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(await violations(), []);
      await context.close();
    } finally {
      await rpc(stack.chain.url, "hardhat_setCode", [stack.escrow, original]);
    }
  });

  it("says Partial match, named as such, once the same code commits to other metadata", async () => {
    const original = (await rpc(stack.chain.url, "eth_getCode", [stack.escrow, "latest"])) as string;
    await rpc(stack.chain.url, "hardhat_setCode", [stack.escrow, withOtherMetadata(original)]);
    try {
      const { context, page, violations } = await openVerify(browser, verifyUrl);
      assert.equal(await page.locator("pp-verify").getAttribute("data-verdict"), "partial-match");
      assert.equal(
        (await page.locator('[data-field="verdict"]').textContent())?.trim(),
        "Partial match: same code, other metadata",
      );
      const code = page.locator('tr[data-check="code"]');
      assert.equal(await code.getAttribute("data-status"), "differs");
      assert.match(
        (await code.textContent()) ?? "",
        /Partial match: the code at the escrow address .* commits to other metadata/,
      );
      assert.equal(await page.locator('tr[data-check="metadata"]').getAttribute("data-status"), "differs");
      const parameters = await page
        .locator('tr[data-check^="parameter:"]')
        .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.status));
      assert.deepEqual(new Set(parameters), new Set(["ok"]), "every parameter still agrees");
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(await violations(), []);
      await context.close();
    } finally {
      await rpc(stack.chain.url, "hardhat_setCode", [stack.escrow, original]);
    }
  });

  it("shows where two RPCs disagree, and each one's value, once the verifier adds an RPC that alters one answer", async () => {
    const backers = BigInt(
      (await rpc(stack.chain.url, "eth_call", [
        { to: stack.escrow, data: BACKERS_CALL },
        "latest",
      ])) as string,
    );
    const lying = await startLyingRpc(stack.chain.url, stack.escrow, backers + 1000n);
    try {
      const { context, page, violations } = await openVerify(browser, verifyUrl);
      await page.getByLabel("Your own RPC URL").fill(lying.url);
      await page.getByRole("button", { name: "Check again with this RPC too" }).click();
      const row = page.locator('tr[data-check="backers"]');
      await row.locator(".per-rpc").waitFor({ timeout: VERDICT_TIMEOUT_MS });
      assert.equal(await row.getAttribute("data-status"), "differs");
      const chainHost = new URL(stack.chain.url).host;
      assert.deepEqual(await row.locator(".per-rpc li").allTextContents(), [
        `${chainHost}: ${backers}`,
        `${lying.host}: ${backers + 1000n}`,
      ]);
      assert.match(
        (await row.textContent()) ?? "",
        new RegExp(
          `The RPCs disagree on backers: ${chainHost} says ${backers}; ${lying.host} says ${backers + 1000n}\\.`,
        ),
      );
      assert.equal(await page.locator("pp-verify").getAttribute("data-verdict"), "mismatch");
      assert.equal(
        (await page.locator('[data-field="verdict"]').textContent())?.trim(),
        "Mismatch: Backers differs",
      );
      assert.match(
        (await page.locator('tr[data-check="rpcs"]').textContent()) ?? "",
        /The RPCs disagree at block \d+ on: backers\./,
      );
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(await violations(), []);
      await context.close();
    } finally {
      await lying.close();
    }
  });

  it("checks again with an RPC the verifier types in, keeping the focus where it was", async () => {
    const { context, page, violations } = await openVerify(browser, verifyUrl);
    const input = page.getByLabel("Your own RPC URL");
    await input.focus();
    // The same node by another URL: a second RPC, by its own host entry.
    await page.keyboard.type(`${stack.chain.url}/?apikey=not-shown`);
    await page.keyboard.press("Enter");
    await page
      .locator('tr[data-check="rpcs"]')
      .filter({ hasText: "The 2 RPCs that answered agree" })
      .waitFor({ timeout: VERDICT_TIMEOUT_MS });
    assert.equal((await page.locator('[data-field="verdict"]').textContent())?.trim(), "Exact match");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "own-rpc");
    assert.doesNotMatch((await page.locator("pp-verify").textContent()) ?? "", /not-shown/);
    assert.deepEqual(await violations(), []);
    await context.close();
  });

  it("shows its own CID, read from a gateway's /ipfs/<cid>/ address, and still says Exact match there", async () => {
    const manifest = parseManifestJson(await readFile(stack.manifestFile, "utf8"), stack.manifestFile);
    const cid = manifest.ipfs?.site?.cid;
    assert.ok(cid !== undefined, "the stack pinned the site");
    const { context, page, violations } = await openVerify(
      browser,
      new URL("verify.html", stack.siteOnIpfs).href,
    );
    assert.equal((await page.locator('[data-field="verdict"]').textContent())?.trim(), "Exact match");
    assert.match(
      (await page.locator('[data-field="site-cid"]').textContent()) ?? "",
      new RegExp(`This page's IPFS CID is ${cid}\\.`),
    );
    assert.deepEqual(await violations(), []);
    await context.close();
  });

  it("fits a 360 px wide screen: only the table scrolls, in its own region", async () => {
    const { context, page } = await openVerify(browser, verifyUrl, { width: 360, height: 740 });
    assert.ok(
      await page.evaluate(() => document.documentElement.scrollWidth <= 360),
      "no page-wide horizontal scroll",
    );
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });

  it("holds the RPC form (disabled until its script runs) and the table of checks in its HTML, so nothing is inserted above the rest later", async () => {
    const html = await readFile(join(stack.siteDir, "verify.html"), "utf8");
    assert.match(html, /<form class="rpc-form" data-rpc-form[^>]*>\s*<fieldset[^>]*\bdisabled\b/);
    assert.doesNotMatch(html, /<form[^>]*\bhidden\b/);
    const checks = /<section[^>]*data-field="checks"[^>]*>/.exec(html)?.[0];
    assert.ok(
      checks !== undefined && !/\bhidden\b/.test(checks),
      "the checks section is shown from the start",
    );
    assert.match(html, /<tr class="placeholder"[^>]*>\s*<td colspan="4"[^>]*>Checking…<\/td>/);
  });

  it("says it could not reach the RPC, naming its host, when the campaign's only RPC does not answer", async () => {
    // The same campaign, its manifest next to the stack's (its files are relative to it), with an RPC on a
    // closed port.
    const manifest = JSON.parse(await readFile(stack.manifestFile, "utf8")) as {
      chain: { rpcUrls: string[] };
    };
    const port = await closedPort();
    manifest.chain.rpcUrls = [`http://127.0.0.1:${port}/`];
    const manifestFile = join(dirname(stack.manifestFile), "campaign-unreachable.json");
    await writeFile(manifestFile, JSON.stringify(manifest));
    const siteDir = join(dir, "unreachable-site");
    await buildSite(manifestFile, siteDir);
    const site = await startStaticServer(siteDir, 0);
    try {
      const { context, page, violations } = await openVerify(browser, `${site.url}/verify.html`);
      assert.equal(await page.locator("pp-verify").getAttribute("data-verdict"), "unreachable");
      assert.equal(
        (await page.locator('[data-field="verdict"]').textContent())?.trim(),
        `Could not reach the RPC: 127.0.0.1:${port}`,
      );
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(await violations(), []);
      await context.close();
    } finally {
      await site.close();
    }
  });

  it("is linked from every page", async () => {
    for (const file of ["index.html", "back.html"]) {
      const html = await readFile(join(stack.siteDir, file), "utf8");
      assert.match(html, /<a href="\.\/verify\.html">Verify the escrow<\/a>/, file);
    }
  });
});
