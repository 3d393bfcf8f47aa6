/**
 * verify.html in a real Chromium on the real local stack (a Hardhat chain with the escrow as
 * `npm start` deploys it, the site built from that manifest): exact match with every row agreeing,
 * the code's first differing byte once other code is at the address (`hardhat_setCode`), a second
 * RPC the verifier types in, the site's CID read from a gateway's `/ipfs/<cid>/` address, and in
 * each state no axe-core violation and no Content-Security-Policy violation.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startLocalStack, type LocalStack } from "../../scripts/lib/local-stack.ts";
import { parseManifestJson } from "../../site/lib/manifest.ts";
import { launchChromium } from "../helpers/browser.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";

/** Where the verify page first shows a verdict: the checks read the chain. */
const VERDICT_TIMEOUT_MS = 30_000;

interface VerifyPage {
  context: BrowserContext;
  page: Page;
  /** Every `securitypolicyviolation` so far. */
  violations(): Promise<string[]>;
}

/** Opens `url` in a fresh context (axe-core needs one), recording CSP violations from the start, and waits for the verdict. */
async function openVerify(browser: Browser, url: string, viewport?: { width: number; height: number }): Promise<VerifyPage> {
  const context = await browser.newContext(viewport === undefined ? {} : { viewport });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
  });
  await page.goto(url);
  await page.locator("pp-verify[data-verdict]").waitFor({ timeout: VERDICT_TIMEOUT_MS });
  return {
    context,
    page,
    violations: () => page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations),
  };
}

async function axeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

/** Each row's check and status, in order. */
function rowStatuses(page: Page): Promise<{ check: string; status: string }[]> {
  return page.locator("pp-verify tbody tr").evaluateAll((rows) => rows.map((row) => ({ check: (row as HTMLElement).dataset.check ?? "", status: (row as HTMLElement).dataset.status ?? "" })));
}

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  assert.equal(body.error, undefined, `${method} failed`);
  return body.result;
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
    for (const check of ["code", "metadata", "compiler", "parameter:token", "parameter:beneficiary", "parameter:goalBackers", "parameter:minPledge", "parameter:deadline", "token:name", "rpcs"]) {
      assert.ok(rows.some((row) => row.check === check), `a row for ${check}`);
    }
    assert.ok(rows.filter((row) => row.check.startsWith("source:")).length > 1, "a row for each source");
    assert.deepEqual(rows.filter((row) => row.status !== "ok" && row.status !== "info"), []);
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
    bytes[offset] = ((Number.parseInt(bytes[offset]!, 16) + 1) % 256).toString(16).padStart(2, "0");
    await rpc(stack.chain.url, "hardhat_setCode", [stack.escrow, `0x${bytes.join("")}`]);
    try {
      const { context, page, violations } = await openVerify(browser, verifyUrl);
      assert.equal(await page.locator("pp-verify").getAttribute("data-verdict"), "mismatch");
      assert.equal((await page.locator('[data-field="verdict"]').textContent())?.trim(), `Mismatch: the code differs from byte ${offset} on`);
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

  it("checks again with an RPC the verifier types in, keeping the focus where it was", async () => {
    const { context, page, violations } = await openVerify(browser, verifyUrl);
    const input = page.getByLabel("Your own RPC URL");
    await input.focus();
    // The same node by another URL: a second RPC, by its own host entry.
    await page.keyboard.type(`${stack.chain.url}/?apikey=not-shown`);
    await page.keyboard.press("Enter");
    await page.locator('tr[data-check="rpcs"]').filter({ hasText: "The 2 RPCs that answered agree" }).waitFor({ timeout: VERDICT_TIMEOUT_MS });
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
    const { context, page, violations } = await openVerify(browser, new URL("verify.html", stack.siteOnIpfs).href);
    assert.equal((await page.locator('[data-field="verdict"]').textContent())?.trim(), "Exact match");
    assert.match((await page.locator('[data-field="site-cid"]').textContent()) ?? "", new RegExp(`This page's IPFS CID is ${cid}\\.`));
    assert.deepEqual(await violations(), []);
    await context.close();
  });

  it("fits a 360 px wide screen: only the table scrolls, in its own region", async () => {
    const { context, page } = await openVerify(browser, verifyUrl, { width: 360, height: 740 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), "no page-wide horizontal scroll");
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });

  it("is linked from every page", async () => {
    for (const file of ["index.html", "back.html"]) {
      const html = await readFile(join(stack.siteDir, file), "utf8");
      assert.match(html, /<a href="\.\/verify\.html">Verify the escrow<\/a>/, file);
    }
  });
});
