/**
 * The progress panel in a real Chromium, on loopback, reading from a hostile RPC endpoint
 * (test/helpers/hostile-rpc.ts) that answers every call with a JSON-RPC error whose message is
 * phishing text: the panel says what failed in the site's own words and never shows that text.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startStaticServer, type StaticServer } from "../../scripts/lib/static-server.ts";
import { launchChromium } from "../helpers/browser.ts";
import { carriesPhishing, startHostileRpc, type HostileRpc } from "../helpers/hostile-rpc.ts";
import { buildPilotSite, type PilotSite } from "./pilot-site.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";

/** Never contacted: these tests do not press play. */
const TRACKER = "ws://127.0.0.1:9/announce";
const MESSAGE = '[data-progress] [data-field="message"]';

describe.skipIf(missing(CHROMIUM))(
  "the progress panel against an RPC endpoint that answers with phishing text (Chromium, loopback)",
  () => {
    let rpc: HostileRpc;
    let site: PilotSite;
    let server: StaticServer;
    let browser: Browser;

    beforeAll(async () => {
      rpc = await startHostileRpc();
      site = await buildPilotSite([TRACKER], [], { rpcUrls: [rpc.url("rpc-error")] });
      server = await startStaticServer(site.outDir, 0);
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await rpc?.close();
      if (site) await rm(site.dir, { recursive: true, force: true });
    });

    /** Opens the page and waits until the panel has reported its first failed read. */
    async function openAfterFailedRead(): Promise<Page> {
      const page = await browser.newPage();
      await page.goto(`${server.url}/`);
      await page.waitForFunction(
        (selector) => (document.querySelector(selector)?.textContent ?? "") !== "",
        MESSAGE,
        { timeout: 30_000 },
      );
      return page;
    }

    it("says in its own words that the RPC answered with an error, naming the RPC's host and the error code", async () => {
      const page = await openAfterFailedRead();
      assert.equal(
        await page.locator(MESSAGE).textContent(),
        `The RPC ${rpc.host} refused eth_chainId (JSON-RPC code -32000). Retrying in 15 s.`,
      );
      await page.close();
    });

    it("never shows the RPC's error message: neither the plea nor the address", async () => {
      const page = await openAfterFailedRead();
      const panel = (await page.locator("[data-progress]").textContent()) ?? "";
      assert.ok(panel.includes(rpc.host), `the panel reports the failed read: ${panel}`);
      assert.ok(!carriesPhishing(panel), panel);
      assert.ok(!carriesPhishing(await page.locator("body").innerText()), "nowhere on the page");
      await page.close();
    });
  },
);
