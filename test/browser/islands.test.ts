/**
 * The watch page's live elements in a real Chromium, on loopback: each stops its work when it
 * leaves the page, and a moved element runs one copy of it. The progress reads a hostile RPC
 * endpoint (test/helpers/hostile-rpc.ts) whose every answer is an error, so it retries on its
 * fixed first-failure pace (15 s), which Playwright's clock advances without waiting for it.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { StaticServer } from "../../scripts/lib/static-server.ts";
import { POLL_MS, BACKOFF_MAX_MS } from "../../site/lib/poll-schedule.ts";
import { startHostileRpc, type HostileRpc } from "../helpers/hostile-rpc.ts";
import { waitFor } from "../helpers/wait.ts";
import { startLoopbackWatch, type LoopbackWatch } from "./pilot-site.ts";
import { playsPast, pressPlay } from "./player-page.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";

const MESSAGE = '[data-progress] [data-field="message"]';
const SENTINEL = "sentinel";

describe.skipIf(missing(CHROMIUM))(
  "the watch page's live elements, removed or moved (Chromium, loopback)",
  () => {
    let rpc: HostileRpc;
    let watch: LoopbackWatch;
    let server: StaticServer;
    let browser: Browser;

    beforeAll(async () => {
      rpc = await startHostileRpc();
      watch = await startLoopbackWatch({ rpcUrls: [rpc.url("rpc-error")] });
      ({ server, browser } = watch);
    });

    afterAll(async () => {
      await watch?.close();
      await rpc?.close();
    });

    /** A page on the watch page with a clock the test advances, and the count of its requests to the RPC. */
    interface WatchPage {
      page: Page;
      /** Requests the page has sent to the RPC endpoint so far. */
      rpcRequests(): number;
      /** Waits until the progress has reported a failed read (again, after `clearMessage`). */
      readFailed(): Promise<void>;
      clearMessage(): Promise<void>;
      /** Waits until every request the page sent before this call has been counted. */
      settled(): Promise<void>;
    }

    async function openWatchPage(): Promise<WatchPage> {
      const page = await browser.newPage();
      let rpcRequests = 0;
      let sentinels = 0;
      page.on("request", (request) => {
        const url = new URL(request.url());
        if (url.host === rpc.host) rpcRequests++;
        else if (url.searchParams.has(SENTINEL)) sentinels++;
      });
      await page.clock.install();
      await page.goto(`${server.url}/`);
      const watch: WatchPage = {
        page,
        rpcRequests: () => rpcRequests,
        readFailed: () =>
          page
            .waitForFunction(
              (selector) => (document.querySelector(selector)?.textContent ?? "") !== "",
              MESSAGE,
              {
                timeout: 30_000,
              },
            )
            .then(() => undefined),
        clearMessage: () =>
          page.evaluate((selector) => {
            document.querySelector(selector)!.textContent = "";
          }, MESSAGE),
        async settled() {
          const before = sentinels;
          await page.evaluate((name) => fetch(`./?${name}=${Date.now()}`).then(() => undefined), SENTINEL);
          await waitFor(() => sentinels > before, { what: "the sentinel request" });
        },
      };
      await watch.readFailed();
      return watch;
    }

    it("reads the chain again when its retry is due, while on the page", async () => {
      const watch = await openWatchPage();
      const first = watch.rpcRequests();
      assert.ok(first > 0, "the first read reached the RPC");
      await watch.page.clock.runFor(POLL_MS);
      await waitFor(() => watch.rpcRequests() > first, { what: "the retry's requests" });
      await watch.page.close();
    });

    it("sends no more requests to the chain once the progress is removed from the page", async () => {
      const watch = await openWatchPage();
      await watch.page.locator("pp-progress").evaluate((element) => element.remove());
      await watch.settled();
      const removed = watch.rpcRequests();
      await watch.page.clock.runFor(BACKOFF_MAX_MS);
      await watch.settled();
      assert.equal(watch.rpcRequests(), removed);
      await watch.page.close();
    });

    it("runs one read loop, not two, once the progress is moved elsewhere on the page", async () => {
      const watch = await openWatchPage();
      await watch.settled();
      const perRead = watch.rpcRequests();
      await watch.clearMessage();
      // A move is a disconnect and a connect: the element reads at once in its new place.
      await watch.page
        .locator("pp-progress")
        .evaluate((element) => document.querySelector("main")!.append(element));
      await watch.readFailed();
      await watch.settled();
      assert.equal(watch.rpcRequests(), 2 * perRead, "the moved element read once on arrival");
      await watch.page.clock.runFor(POLL_MS);
      await waitFor(() => watch.rpcRequests() >= 3 * perRead, { what: "the retry's requests" });
      await watch.settled();
      assert.equal(watch.rpcRequests(), 3 * perRead, "one retry, from one loop");
      await watch.page.close();
    });

    it("stops the player's client when the player is removed, and offers Watch again once it is back", async () => {
      const page = await browser.newPage();
      await page.goto(`${server.url}/`);
      await pressPlay(page);
      await playsPast(page, 1);
      const player = await page.locator("pp-player").elementHandle();
      const removed = await player.evaluate((element) => {
        const place = { parent: element.parentElement!, next: element.nextSibling };
        element.remove();
        const video = element.querySelector("video")!;
        (window as unknown as { playerPlace: typeof place }).playerPlace = place;
        return { stopped: element.dataset.stopped, paused: video.paused, src: video.getAttribute("src") };
      });
      assert.deepEqual(removed, { stopped: "true", paused: true, src: null });
      await player.evaluate((element) => {
        const { parent, next } = (
          window as unknown as { playerPlace: { parent: Element; next: Node | null } }
        ).playerPlace;
        parent.insertBefore(element, next);
      });
      await pressPlay(page);
      await playsPast(page, 1);
      assert.equal(await page.locator("pp-player").getAttribute("data-stopped"), null);
      await page.close();
    });
  },
);
