/**
 * The player in Chromium, with the full-size one-hour pilot (scripts/lib/full-pilot.ts): time
 * from the click on play to the first frame, with a seeding peer (WebRTC, inside a network
 * namespace) and with the web seed alone; seeks to 45:00 and to the last minute, to the first
 * frame shown; the share of bytes from peers when both are there; the whole pilot from a Node
 * seeder over WebRTC, with the peak memory of every Chromium process meanwhile. Reuses the
 * end-to-end harness in test/browser. `PEERPILOT_PLAYER_PILOT=sample` takes the same figures
 * with the 4 MB sample instead (quick, for development).
 */
import { rm, stat } from "node:fs/promises";
import { buildPilotSite, type PilotSite } from "../../test/browser/pilot-site.ts";
import { NAMESPACE_URLS, namespaceWebSeedUrl, runInNamespace } from "../../test/browser/namespace.ts";
import { playerMarks, seekToFrame } from "../../test/browser/player-page.ts";
import type { DriveOptions, DriverResults, SeekResult } from "../../test/browser/webrtc-driver.ts";
import { launchChromium, NO_WEBRTC_UDP } from "../../test/helpers/browser.ts";
import { startLocalTracker } from "../lib/p2p/tracker.ts";
import { startStaticServer, startWebSeed } from "../lib/static-server.ts";
import { formatBytes } from "../../site/lib/format.ts";
import { progress } from "../lib/cli.ts";
import { fullPilot } from "../lib/full-pilot.ts";
import { markdownTable, median } from "./stats.ts";

const MIB = 1024 * 1024;

interface BenchPilot {
  file: string;
  captions: string;
  length: number;
  /** Seconds. */
  duration: number;
  label: string;
}

async function benchPilot(): Promise<BenchPilot> {
  if (process.env.PEERPILOT_PLAYER_PILOT === "sample") {
    const file = "media/sample-pilot.mp4";
    return {
      file,
      captions: "media/sample-pilot.vtt",
      length: (await stat(file)).size,
      duration: 180,
      label: "the 3-minute sample",
    };
  }
  const full = await fullPilot();
  return {
    file: full.video,
    captions: full.captions,
    length: full.length,
    duration: full.duration,
    label: "the one-hour pilot",
  };
}

/** Where the benchmark seeks: 45:00 (or halfway, in the sample) and the last minute. */
function seekTargets(duration: number): number[] {
  return [duration > 50 * 60 ? 45 * 60 : Math.round(duration / 2), duration - 45];
}

/** First frame and seeks with only a web seed, on loopback, WebRTC kept off UDP. */
async function webSeedAlone(
  pilot: BenchPilot,
  runs: number,
): Promise<{ firstFrameMs: number[]; seeks: SeekResult[][]; marks: Record<string, number>[] }> {
  const tracker = await startLocalTracker(0);
  const webSeed = await startWebSeed(pilot.file, 0);
  let site: PilotSite | undefined;
  const firstFrameMs: number[] = [];
  const seeks: SeekResult[][] = [];
  const marks: Record<string, number>[] = [];
  try {
    site = await buildPilotSite([tracker.wsAnnounce], [webSeed.fileUrl], {
      pilot: { file: pilot.file, captions: pilot.captions },
    });
    const server = await startStaticServer(site.outDir, 0);
    const browser = await launchChromium([NO_WEBRTC_UDP]);
    try {
      for (let run = 0; run < runs; run++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${server.url}/`);
        const clicked = performance.now();
        await page.getByRole("button", { name: /watch the pilot/i }).click();
        await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 0, null, {
          timeout: 30_000,
          polling: "raf",
        });
        firstFrameMs.push(performance.now() - clicked);
        await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 2, null, {
          timeout: 30_000,
        });
        const runSeeks: SeekResult[] = [];
        for (const to of seekTargets(pilot.duration)) runSeeks.push({ to, ms: await seekToFrame(page, to) });
        seeks.push(runSeeks);
        marks.push(await page.evaluate(playerMarks));
        await context.close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    await webSeed.close();
    await tracker.close();
    if (site) await rm(site.dir, { recursive: true, force: true });
  }
  return { firstFrameMs, seeks, marks };
}

export interface PlayerFigures {
  runs: number;
  pilot: string;
  pilotBytes: number;
  peerFirstFrameMs: number;
  webSeedFirstFrameMs: number;
  /**
   * Seek target (s) → median ms to the first frame there, with a seeding peer and with the web seed alone.
   */
  peerSeekMs: [number, number][];
  webSeedSeekMs: [number, number][];
  peerShare: number;
  nodeToBrowserMiBs: number;
  /** Peak over the whole-pilot download, every Chromium process, in bytes. */
  peakRss: number;
  peakPss: number;
  /** The same, with the page loaded before the click: what Chromium takes before any piece. */
  beforeRss: number;
  beforePss: number;
  date: string;
}

/**
 * "step +ms, …": the median of each of the player's marks over the runs, in time order (where the first
 * frame's time goes).
 */
function markMedians(runs: Record<string, number>[]): string {
  const steps = [...new Set(runs.flatMap((marks) => Object.keys(marks)))];
  return steps
    .map((step): [string, number] => [
      step,
      median(runs.map((marks) => marks[step]).filter((ms): ms is number => ms !== undefined)),
    ])
    .sort((a, b) => a[1] - b[1])
    .map(([step, ms]) => `${step} +${ms.toFixed(0)} ms`)
    .join(", ");
}

/** Median time per seek target over the runs; a seek that never showed a frame counts as infinite. */
function seekMedians(runs: SeekResult[][]): [number, number][] {
  const targets = runs[0]?.map((seek) => seek.to) ?? [];
  return targets.map((to, index) => [
    to,
    median(runs.map((run) => ((run[index]?.ms ?? -1) < 0 ? Infinity : run[index].ms))),
  ]);
}

export async function measurePlayer(runs = 5): Promise<PlayerFigures> {
  const pilot = await benchPilot();
  progress(`player: ${pilot.label}, ${runs} runs with a seeding peer over WebRTC (network namespace)…`);
  const site = await buildPilotSite([NAMESPACE_URLS.tracker], [namespaceWebSeedUrl(pilot.file)], {
    pilot: { file: pilot.file, captions: pilot.captions },
  });
  let results: DriverResults;
  try {
    const options: DriveOptions = {
      pilot: pilot.file,
      waitComplete: false,
      seeks: seekTargets(pilot.duration),
      wholeFile: true,
    };
    const output = await runInNamespace(
      "test/browser/webrtc-driver.ts",
      [site.outDir, String(runs), JSON.stringify(options)],
      90_000 * runs + 20 * 60_000,
    );
    results = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as DriverResults;
  } finally {
    await rm(site.dir, { recursive: true, force: true });
  }
  const failed = [...results.peersOnly, ...results.peerAndWebSeed].filter((run) => !run.played);
  if (failed.length > 0) throw new Error(`player runs failed: ${failed.map((run) => run.error).join("; ")}`);
  const whole = results.wholeFile;
  if (whole === undefined || whole.completeMs < 0)
    throw new Error(`the whole pilot did not arrive over WebRTC: ${whole?.error ?? "no result"}`);
  progress(`player: ${runs} runs with the web seed alone…`);
  const alone = await webSeedAlone(pilot, runs);
  progress(`player: marks with a seeding peer: ${markMedians(results.peersOnly.map((run) => run.marks))}`);
  progress(`player: marks with the web seed alone: ${markMedians(alone.marks)}`);
  const both = results.peerAndWebSeed;
  const fromPeers = both.reduce((sum, run) => sum + run.fromPeers, 0);
  const total = both.reduce((sum, run) => sum + run.fromPeers + run.fromWebSeeds, 0);
  return {
    runs,
    pilot: pilot.label,
    pilotBytes: pilot.length,
    peerFirstFrameMs: median(results.peersOnly.map((run) => run.firstFrameMs)),
    webSeedFirstFrameMs: median(alone.firstFrameMs),
    peerSeekMs: seekMedians(results.peersOnly.map((run) => run.seeks)),
    webSeedSeekMs: seekMedians(alone.seeks),
    peerShare: total === 0 ? 0 : (fromPeers / total) * 100,
    nodeToBrowserMiBs: whole.bytes / MIB / (whole.completeMs / 1000),
    peakRss: whole.peak.rss,
    peakPss: whole.peak.pss,
    beforeRss: whole.before.rss,
    beforePss: whole.before.pss,
    date: new Date().toISOString().slice(0, 10),
  };
}

function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export function playerTable(figures: PlayerFigures): string {
  const seekRows = (label: string, seeks: [number, number][]) =>
    seeks.map(([to, ms]): [string, string] => [
      `seek to ${clock(to)} → frame shown, ${label}`,
      Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : "no frame",
    ]);
  return markdownTable(
    [
      "measure",
      `value (median of ${figures.runs}; ${figures.pilot}, ${formatBytes(figures.pilotBytes)}; ${figures.date})`,
    ],
    [
      ["click → first frame, a seeding peer over WebRTC", `${figures.peerFirstFrameMs.toFixed(0)} ms`],
      ["click → first frame, web seed alone", `${figures.webSeedFirstFrameMs.toFixed(0)} ms`],
      ...seekRows("a seeding peer", figures.peerSeekMs),
      ...seekRows("web seed alone", figures.webSeedSeekMs),
      [
        "bytes from peers, peer and web seed both available (first seconds and seeks)",
        `${figures.peerShare.toFixed(1)}%`,
      ],
      [
        "Node seeder → Chromium over WebRTC, the whole pilot from the click (one run)",
        `${figures.nodeToBrowserMiBs.toFixed(1)} MiB/s`,
      ],
      [
        "Chromium's peak memory meanwhile, all processes: sum of RSS (sum of PSS)",
        `${formatBytes(figures.peakRss)} (${formatBytes(figures.peakPss)})`,
      ],
      [
        "the same with the page loaded, before the click",
        `${formatBytes(figures.beforeRss)} (${formatBytes(figures.beforePss)})`,
      ],
    ],
  );
}
