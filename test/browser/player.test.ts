/**
 * The player in a real Chromium, on loopback: web seeds, seeking, the fallbacks. (WebRTC between
 * Chromium and a Node seeder needs a network namespace: see webrtc.test.ts.)
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Browser } from "playwright-core";
import type { StaticServer } from "../../scripts/lib/static-server.ts";
import { sourcesInWords } from "../../site/lib/player-stats.ts";
import { startLoopbackWatch, type LoopbackWatch } from "./pilot-site.ts";
import { playerState, playsPast, pressPlay, toldFigures, watchForProblems } from "./player-page.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";

describe.skipIf(missing(CHROMIUM))("the player in Chromium (loopback)", () => {
  let watch: LoopbackWatch;
  let webSeed: StaticServer;
  let server: StaticServer;
  let browser: Browser;
  let webSeedUrl: string;

  beforeAll(async () => {
    watch = await startLoopbackWatch();
    ({ webSeed, server, browser, webSeedUrl } = watch);
  });

  afterAll(() => watch?.close());

  it("ships no WebTorrent code before the fan presses play", async () => {
    const page = await browser.newPage();
    const scripts: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "script") scripts.push(request.url());
    });
    await page.goto(`${server.url}/`);
    await page.waitForLoadState("networkidle");
    assert.ok(scripts.length > 0, "the page loaded no script at all");
    assert.deepEqual(
      scripts.filter((url) => /webtorrent|\/player\./.test(url)),
      [],
    );
    await pressPlay(page);
    await page.waitForRequest(/webtorrent/);
    await page.close();
  });

  it("streams the pilot from the web seed alone through WebTorrent, and the stats say so", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await pressPlay(page);
    await playsPast(page, 2);
    await page.waitForFunction(() =>
      document.querySelector("[data-player-stats]")?.textContent?.includes("from web seeds"),
    );
    const state = await playerState(page);
    assert.equal(state.route, "webtorrent");
    assert.ok(state.fromWebSeeds > 0);
    assert.equal(state.fromPeers, 0);
    assert.match(state.stats, /0 peers/);
    assert.match(state.stats, /0% from peers, 100% from web seeds/);
    await page.close();
  });

  it("tells in the status line the same peers and share as the stats beside it, from the same moment", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await pressPlay(page);
    await playsPast(page, 1);
    await page.waitForFunction(() =>
      document.querySelector("[data-player-stats]")?.textContent?.includes("from web seeds"),
    );
    const told = toldFigures(await playerState(page));
    assert.equal(told.statsPeers, "0");
    assert.equal(told.statusPeers, told.statsPeers);
    if (told.statusShare !== undefined)
      assert.equal(told.statusShare, sourcesInWords(Number(told.statsShare), true));
    await page.close();
  });

  it("says, once the whole pilot is here, that the page keeps sharing it while it stays open, with the bytes shared", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await pressPlay(page);
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>("[data-player]")?.dataset.seeding === "true",
      null,
      { timeout: 60_000 },
    );
    const state = await playerState(page);
    assert.equal(
      state.status,
      "The whole pilot is here, and this page keeps sharing it with other fans while it stays open (0 peers connected; Shared says how much).",
    );
    assert.match(state.stats, /Shared\s*[\d.]+ (bytes?|KiB|MiB|GiB), still sharing/);
    await page.close();
  });

  it("meets no console error, failed request or HTTP error while it plays, after it stops, and after a hard reload (a page the service worker does not control)", async () => {
    const page = await browser.newPage();
    // The fixture campaign's chain RPC: no chain runs here, and the progress panel says so itself.
    const problems = watchForProblems(page, ["http://127.0.0.1:8545"]);
    await page.goto(`${server.url}/`);
    await pressPlay(page);
    await playsPast(page, 2);
    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent("pagehide")));
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>("[data-player]")?.dataset.stopped === "true",
    );
    // A reload starts the player's page afresh under the same (already active) service worker.
    await page.reload();
    await pressPlay(page);
    await playsPast(page, 1);
    // A hard reload leaves the page uncontrolled by that worker: the player must not send the
    // worker's URLs to the site then.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Page.reload", { ignoreCache: true });
    await page.waitForLoadState("load");
    await pressPlay(page);
    await playsPast(page, 1);
    await page.close({ runBeforeUnload: true });
    assert.deepEqual(problems.list, []);
  });

  it("seeks to the middle of the pilot and plays on from there", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await pressPlay(page);
    await playsPast(page, 1);
    await page.evaluate(() => {
      const video = document.querySelector("video");
      if (video) video.currentTime = 90;
    });
    await playsPast(page, 91);
    await page.close();
  });

  /**
   * Opens the page with `disable` run first, presses play, and checks it plays the web seed directly, saying
   * `reason` and that the bytes are unchecked.
   */
  async function assertPlaysDirectly(disable: () => void, reason: string): Promise<void> {
    const page = await browser.newPage();
    await page.addInitScript(disable);
    await page.goto(`${server.url}/`);
    await pressPlay(page);
    await playsPast(page, 2);
    const state = await playerState(page);
    assert.equal(state.route, "direct");
    assert.equal(state.currentSrc, webSeedUrl);
    assert.equal(
      state.status,
      `${reason} Playing directly from ${new URL(webSeedUrl).host} — these bytes are not checked against the torrent's piece hashes.`,
    );
    await page.close();
  }

  it("plays the web seed URL directly when the browser has no service worker, saying from which host and that the bytes are unchecked", async () => {
    await assertPlaysDirectly(() => {
      delete (Navigator.prototype as { serviceWorker?: unknown }).serviceWorker;
    }, "This browser cannot stream through a service worker here.");
  });

  it("plays the web seed URL directly when the browser has no WebRTC, saying from which host and that the bytes are unchecked", async () => {
    await assertPlaysDirectly(() => {
      delete (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
    }, "This browser has no WebRTC, so it cannot reach other fans.");
  });

  it("explains, with the .torrent and magnet links, when no source is reachable", async () => {
    const page = await browser.newPage();
    await page.route(`${webSeed.url}/**`, (route) => route.abort());
    await page.goto(`${server.url}/`);
    await pressPlay(page);
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: 60_000 });
    assert.match((await alert.textContent()) ?? "", /could not be reached/);
    assert.equal(
      await page.getByRole("link", { name: /download the \.torrent/i }).getAttribute("href"),
      "./pilot.torrent",
    );
    assert.match(
      (await page.getByRole("link", { name: /magnet link/i }).getAttribute("href")) ?? "",
      /^magnet:\?xt=urn:btih:/,
    );
    await page.close();
  });
});
