/**
 * The player in Chromium: time from the click on play to the first frame, with a seeding peer
 * (WebRTC, inside a network namespace) and with the web seed alone; the share of bytes from peers
 * when both are there; Node-to-browser throughput. Reuses the end-to-end harness in test/browser.
 */
import { rm } from "node:fs/promises";
import { buildPilotSite } from "../../test/browser/pilot-site.ts";
import { NAMESPACE_URLS, runInNamespace } from "../../test/browser/namespace.ts";
import type { DriverResults } from "../../test/browser/webrtc-driver.ts";
import { launchChromium } from "../../test/helpers/browser.ts";
import { startLocalTracker } from "../lib/p2p/tracker.ts";
import { startStaticServer, startWebSeed } from "../lib/static-server.ts";
import { progress } from "../lib/cli.ts";
import { markdownTable, median } from "./stats.ts";

const PILOT_MIB = 4031832 / (1024 * 1024);

/** First-frame times (ms) with only a web seed, on loopback, WebRTC kept off UDP. */
async function webSeedAlone(runs: number): Promise<number[]> {
  const tracker = await startLocalTracker(0);
  const webSeed = await startWebSeed("media/sample-pilot.mp4", 0);
  const site = await buildPilotSite([tracker.wsAnnounce], [`${webSeed.url}/sample-pilot.mp4`]);
  const server = await startStaticServer(site.outDir, 0);
  const browser = await launchChromium(["--force-webrtc-ip-handling-policy=disable_non_proxied_udp"]);
  const times: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      const clicked = performance.now();
      await page.getByRole("button", { name: /watch the pilot/i }).click();
      await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 0, null, { timeout: 30_000 });
      times.push(performance.now() - clicked);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
    await webSeed.close();
    await tracker.close();
    await rm(site.dir, { recursive: true, force: true });
  }
  return times;
}

export interface PlayerFigures {
  runs: number;
  peerFirstFrameMs: number;
  webSeedFirstFrameMs: number;
  peerShare: number;
  nodeToBrowserMiBs: number;
}

export async function measurePlayer(runs = 5): Promise<PlayerFigures> {
  progress(`player: ${runs} runs with a seeding peer over WebRTC (network namespace)…`);
  const site = await buildPilotSite([NAMESPACE_URLS.tracker], [NAMESPACE_URLS.webSeed]);
  let results: DriverResults;
  try {
    const output = await runInNamespace("test/browser/webrtc-driver.ts", [site.outDir, String(runs)], 60_000 * runs);
    results = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as DriverResults;
  } finally {
    await rm(site.dir, { recursive: true, force: true });
  }
  const failed = [...results.peersOnly, ...results.peerAndWebSeed].filter((run) => !run.played);
  if (failed.length > 0) throw new Error(`player runs failed: ${failed.map((run) => run.error).join("; ")}`);
  progress(`player: ${runs} runs with the web seed alone…`);
  const webSeedTimes = await webSeedAlone(runs);
  const both = results.peerAndWebSeed;
  const fromPeers = both.reduce((sum, run) => sum + run.fromPeers, 0);
  const total = both.reduce((sum, run) => sum + run.fromPeers + run.fromWebSeeds, 0);
  const complete = results.peersOnly.map((run) => run.completeMs).filter((ms) => ms > 0);
  return {
    runs,
    peerFirstFrameMs: median(results.peersOnly.map((run) => run.firstFrameMs)),
    webSeedFirstFrameMs: median(webSeedTimes),
    peerShare: total === 0 ? 0 : (fromPeers / total) * 100,
    nodeToBrowserMiBs: complete.length === 0 ? 0 : PILOT_MIB / (median(complete) / 1000),
  };
}

export function playerTable(figures: PlayerFigures): string {
  return markdownTable(
    ["measure", `value (median of ${figures.runs})`],
    [
      ["click → first frame, a seeding peer over WebRTC", `${figures.peerFirstFrameMs.toFixed(0)} ms`],
      ["click → first frame, web seed alone", `${figures.webSeedFirstFrameMs.toFixed(0)} ms`],
      ["bytes from peers, peer and web seed both available", `${figures.peerShare.toFixed(1)}%`],
      ["Node → browser over WebRTC (whole 3.8 MiB pilot, from the click)", `${figures.nodeToBrowserMiBs.toFixed(1)} MiB/s`],
    ],
  );
}
