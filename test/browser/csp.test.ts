/**
 * The site under its Content-Security-Policy (site/lib/csp.ts, written by site/layouts/Base.astro)
 * in a real Chromium: the local stack (a Hardhat chain with the escrow, tracker, web seed, two
 * gateways, the site built from that manifest) works with no violation, and whatever the
 * manifest does not name is blocked: another origin, an injected inline script.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startLocalStack, type LocalStack } from "../../scripts/lib/local-stack.ts";
import { cspDirectives } from "../../site/lib/csp.ts";
import { launchChromium, NO_WEBRTC_UDP, watchCspViolations } from "../helpers/browser.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";
import { playsPast, pressPlay } from "./player-page.ts";

const BACK_PAGE = existsSync("site/pages/back.astro");

interface Watched {
  page: Page;
  /** Every `securitypolicyviolation` event and every console error that mentions the policy, in order. */
  violations: () => Promise<string[]>;
  /** The `securitypolicyviolation` events alone. */
  cspEvents: () => Promise<string[]>;
}

/** Opens `url` in a new page that records CSP violations from before its first script runs. */
async function openWatched(browser: Browser, url: string): Promise<Watched> {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /content security policy|refused to/i.test(message.text()))
      consoleErrors.push(message.text());
  });
  const cspViolations = await watchCspViolations(page);
  await page.goto(url);
  return {
    page,
    cspEvents: cspViolations,
    violations: async () => [...(await cspViolations()), ...consoleErrors],
  };
}

/** An HTTP server on 127.0.0.1 that any origin may read (CORS *), counting the requests it gets. */
async function startOtherOrigin(): Promise<{ server: Server; url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((_request, response) => {
    requests++;
    response
      .writeHead(200, { "Access-Control-Allow-Origin": "*", "Content-Type": "text/plain" })
      .end("not in the manifest");
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests: () => requests,
  };
}

describe.skipIf(missing(CHROMIUM))(
  "the site under its Content-Security-Policy (Chromium, the local stack)",
  () => {
    let dir: string;
    let stack: LocalStack;
    let browser: Browser;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "peerpilot-csp-"));
      stack = await startLocalStack({ dir, goalBackers: 2 });
      browser = await launchChromium([NO_WEBRTC_UDP]);
    });

    afterAll(async () => {
      await browser?.close();
      await stack?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("carries the policy the manifest gives, with Astro's script-src and style-src", async () => {
      const { page } = await openWatched(browser, stack.siteUrl);
      const policy =
        (await page.locator('meta[http-equiv="content-security-policy"]').getAttribute("content")) ?? "";
      const directives = policy.split(";").map((text) => text.trim());
      for (const directive of cspDirectives(stack.manifest))
        assert.ok(directives.includes(directive), `missing: ${directive}\nin: ${policy}`);
      assert.ok(
        directives.some((text) => text.startsWith("script-src 'self'")),
        policy,
      );
      assert.ok(!policy.includes("unsafe-inline"), policy);
      await page.close();
    });

    it("reads the live progress from the local chain with no violation", async () => {
      const { page, violations } = await openWatched(browser, stack.siteUrl);
      const rpcAnswer = page.waitForResponse(
        (response) => response.url().startsWith(stack.chain.url) && response.ok(),
      );
      await rpcAnswer;
      await page.waitForFunction(
        () => /funding/i.test(document.querySelector('[data-field="outcome"]')?.textContent ?? ""),
        null,
        { timeout: 30_000 },
      );
      assert.match((await page.locator('[data-field="backers"]').textContent()) ?? "", /^\s*0\b/);
      assert.deepEqual(await violations(), []);
      await page.close();
    });

    it("plays the pilot through WebTorrent and the web seed with no violation", async () => {
      const { page, violations } = await openWatched(browser, stack.siteUrl);
      await pressPlay(page);
      await playsPast(page, 2);
      assert.equal(await page.locator("[data-player]").getAttribute("data-route"), "webtorrent");
      assert.deepEqual(await violations(), []);
      await page.close();
    });

    it("blocks a request to an origin the manifest does not name, before it leaves the browser", async () => {
      const other = await startOtherOrigin();
      try {
        const { page, violations, cspEvents } = await openWatched(browser, stack.siteUrl);
        const outcome = await page.evaluate(
          (url) =>
            fetch(url).then(
              () => "answered",
              (error: unknown) => `refused: ${String(error)}`,
            ),
          other.url,
        );
        assert.match(outcome, /^refused: TypeError/);
        assert.equal(other.requests(), 0);
        assert.deepEqual(await cspEvents(), [`connect-src ${other.url}`]);
        assert.ok((await violations()).length >= 1);
        await page.close();
      } finally {
        await new Promise((closed) => other.server.close(closed));
      }
    });

    it("does not run an inline script injected into the page", async () => {
      const { page } = await openWatched(browser, stack.siteUrl);
      const ran = await page.evaluate(() => {
        const script = document.createElement("script");
        script.textContent = "globalThis.injectedScriptRan = true;";
        document.body.append(script);
        return (globalThis as unknown as { injectedScriptRan?: boolean }).injectedScriptRan === true;
      });
      assert.equal(ran, false);
      assert.deepEqual(
        await page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations),
        ["script-src-elem inline"],
      );
      await page.close();
    });

    it.skipIf(!BACK_PAGE)("loads the back page with no violation", async () => {
      const { page, violations } = await openWatched(browser, new URL("back.html", stack.siteUrl).href);
      await page.getByRole("heading", { name: "Back the season", level: 1 }).waitFor();
      await page.getByRole("heading", { name: "No wallet found" }).waitFor();
      await page.waitForLoadState("networkidle");
      assert.deepEqual(await violations(), []);
      await page.close();
    });
  },
);
