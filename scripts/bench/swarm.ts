/**
 * The swarm: one upload-capped seeder, one byte-counting web seed and fans arriving one by one,
 * each capped up and down, some of them real Chromium pages of the built site and the rest Node
 * WebTorrent clients running the player's web-seed policy (scripts/bench/swarm-fan.ts). All of it
 * runs inside a network namespace (test/browser/swarm-driver.ts). Reports how much the web seed
 * and the seeder carried, each fan's start and finish, and writes a chart of bytes delivered over
 * time by source.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { NAMESPACE_PORTS, runInNamespace } from "../../test/browser/namespace.ts";
import { buildPilotSite } from "../../test/browser/pilot-site.ts";
import type { FanResult, SwarmConfig, SwarmResults } from "../../test/browser/swarm-driver.ts";
import { byteUnit, formatBytes } from "../../site/lib/format.ts";
import { progress } from "../lib/cli.ts";
import { fullPilot } from "../lib/full-pilot.ts";
import { FIRST_BYTES } from "./swarm-fan.ts";
import { markdownTable, median } from "./stats.ts";
import { stackedAreaChart } from "./svg-chart.ts";

const MiB = 1024 * 1024;

export interface SwarmOptions {
  fans?: number;
  chromiumFans?: number;
  /** Seconds between two fans' arrivals. */
  arrivalSeconds?: number;
  /** Per fan, MiB/s. */
  upMiBs?: number;
  downMiBs?: number;
  seederUpMiBs?: number;
  /** Overall limit on the run, minutes. */
  limitMinutes?: number;
  /** Development: the 4 MB sample pilot instead of the full-size one. */
  sample?: boolean;
  /** Where the SVG chart goes (default docs/swarm.svg; .peerpilot/swarm-sample.svg with `sample`). */
  chart?: string;
}

export const SWARM_DEFAULTS = {
  fans: 30,
  chromiumFans: 3,
  arrivalSeconds: 5,
  upMiBs: 1,
  downMiBs: 4,
  seederUpMiBs: 2,
  limitMinutes: 15,
} as const;

export interface SwarmFigures {
  pilot: string;
  settings: Required<Omit<SwarmOptions, "sample" | "chart">>;
  results: SwarmResults;
  chart: string;
}

async function durationOf(video: string): Promise<number> {
  const { stdout } = await promisify(execFile)("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "format=duration",
    "-of",
    "csv=p=0",
    video,
  ]);
  return Number(stdout.trim());
}

export async function measureSwarm(options: SwarmOptions = {}): Promise<SwarmFigures> {
  const settings = {
    fans: options.fans ?? SWARM_DEFAULTS.fans,
    chromiumFans: options.chromiumFans ?? SWARM_DEFAULTS.chromiumFans,
    arrivalSeconds: options.arrivalSeconds ?? SWARM_DEFAULTS.arrivalSeconds,
    upMiBs: options.upMiBs ?? SWARM_DEFAULTS.upMiBs,
    downMiBs: options.downMiBs ?? SWARM_DEFAULTS.downMiBs,
    seederUpMiBs: options.seederUpMiBs ?? SWARM_DEFAULTS.seederUpMiBs,
    limitMinutes: options.limitMinutes ?? SWARM_DEFAULTS.limitMinutes,
  };
  const pilot = options.sample
    ? {
        video: "media/sample-pilot.mp4",
        captions: "media/sample-pilot.vtt",
        duration: await durationOf("media/sample-pilot.mp4"),
      }
    : await fullPilot();
  const chart = options.chart ?? (options.sample ? ".peerpilot/swarm-sample.svg" : "docs/swarm.svg");
  const ports = NAMESPACE_PORTS;
  progress(`swarm: building the site for ${basename(pilot.video)} (hashes it once)…`);
  const site = await buildPilotSite(
    [`ws://127.0.0.1:${ports.tracker}`],
    [`http://127.0.0.1:${ports.webSeed}/${encodeURIComponent(basename(pilot.video))}`],
    {
      pilot: { file: pilot.video, captions: pilot.captions },
    },
  );
  const config: SwarmConfig = {
    siteDir: site.outDir,
    video: pilot.video,
    infoHash: site.infoHash,
    durationSeconds: pilot.duration,
    fans: settings.fans,
    chromiumFans: settings.chromiumFans,
    arrivalMs: settings.arrivalSeconds * 1000,
    upBytes: Math.round(settings.upMiBs * MiB),
    downBytes: Math.round(settings.downMiBs * MiB),
    seederUpBytes: Math.round(settings.seederUpMiBs * MiB),
    limitMs: settings.limitMinutes * 60_000,
    sampleMs: 2_000,
    processes: 2,
    resultsFile: join(site.dir, "swarm-results.json"),
  };
  progress(
    `swarm: ${settings.fans} fans (${settings.chromiumFans} in Chromium), one every ${settings.arrivalSeconds} s, ` +
      `${settings.upMiBs} MiB/s up and ${settings.downMiBs} MiB/s down each, at most ${settings.limitMinutes} min (network namespace)…`,
  );
  let results: SwarmResults;
  try {
    // The seeder hashes the pilot first; Chromium and teardown take a little more: 4 min of slack.
    const ran = await runInNamespace(
      "test/browser/swarm-driver.ts",
      [JSON.stringify(config)],
      config.limitMs + 240_000,
    ).then(
      () => undefined,
      (error: Error) => error,
    );
    // The driver writes its results before it tears the swarm down: a stuck teardown loses nothing.
    const written = await readFile(config.resultsFile, "utf8").catch(() => undefined);
    if (written === undefined) throw ran ?? new Error("the swarm driver wrote no results");
    if (ran !== undefined)
      progress(
        `swarm: the driver did not exit cleanly after writing its results (${ran.message.split("\n")[0]})`,
      );
    results = JSON.parse(written) as SwarmResults;
  } finally {
    await rm(site.dir, { recursive: true, force: true });
  }
  await mkdir(dirname(chart), { recursive: true });
  await writeFile(chart, swarmChart(results, basename(pilot.video)));
  // The raw samples and per-fan figures, for a second look (the cache folder is ignored by git).
  await mkdir(".peerpilot", { recursive: true });
  await writeFile(
    options.sample ? ".peerpilot/swarm-sample.json" : ".peerpilot/swarm-results.json",
    `${JSON.stringify({ settings, results }, null, 1)}\n`,
  );
  return { pilot: basename(pilot.video), settings, results, chart };
}

/** Running maximum: a cumulative count read from two ends (sent, received) must not dip. */
function cumulative(values: number[]): number[] {
  let most = 0;
  return values.map((value) => (most = Math.max(most, value)));
}

/** Delivered bytes by source at each sample, cumulative; `t` in seconds. */
function deliveredBySource(results: SwarmResults): {
  t: number[];
  seeder: number[];
  fans: number[];
  webSeed: number[];
} {
  const samples = results.samples;
  return {
    t: samples.map((s) => s.t / 1000),
    seeder: samples.map((s) => s.seeder),
    // What fans received from peers, less what the seeder sent, came from other fans.
    fans: cumulative(samples.map((s) => Math.max(0, s.fromPeers - s.seeder))),
    webSeed: samples.map((s) => s.webSeed),
  };
}

function swarmChart(results: SwarmResults, pilot: string): string {
  const delivered = deliveredBySource(results);
  const total =
    (delivered.seeder.at(-1) ?? 0) + (delivered.fans.at(-1) ?? 0) + (delivered.webSeed.at(-1) ?? 0);
  const { name: unit, size: scale } = byteUnit(total) ?? { name: "bytes", size: 1 };
  const fans = results.fans.length;
  const chromium = results.fans.filter((fan) => fan.kind === "chromium").length;
  return stackedAreaChart({
    title: `Bytes delivered to ${fans} fans (${chromium} in Chromium) by source: ${pilot}`,
    xLabel: "time since the first fan arrived (minutes)",
    yLabel: `delivered (${unit}, cumulative)`,
    x: delivered.t.map((seconds) => seconds / 60),
    series: [
      { label: "other fans", color: "#2563eb", values: delivered.fans.map((bytes) => bytes / scale) },
      { label: "seeder", color: "#d97706", values: delivered.seeder.map((bytes) => bytes / scale) },
      { label: "web seed", color: "#dc2626", values: delivered.webSeed.map((bytes) => bytes / scale) },
    ],
  });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const percent = (part: number, whole: number) =>
  whole === 0 ? "0.0%" : `${((part / whole) * 100).toFixed(1)}%`;

/** Ms from a fan's arrival to `at` (-1: never). */
function since(fan: FanResult, at: number): number {
  return at < 0 ? -1 : at - fan.joinedMs;
}

function spread(values: number[]): string {
  const done = values.filter((value) => value >= 0);
  if (done.length === 0) return "none";
  const prefix = done.length < values.length ? `${done.length} of ${values.length}: ` : "";
  return `${prefix}median ${seconds(median(done))}, max ${seconds(Math.max(...done))}`;
}

export function swarmTable(figures: SwarmFigures): string {
  const { results, settings } = figures;
  const length = results.length;
  const fans = results.fans;
  const node = fans.filter((fan) => fan.kind === "node");
  const chromium = fans.filter((fan) => fan.kind === "chromium");
  const delivered = deliveredBySource(results);
  const fromFans = delivered.fans.at(-1) ?? 0;
  const all = results.seederUploaded + fromFans + results.webSeedTotal;
  const shares = fans.map((fan) => fan.fromWebSeed / length);
  const cpu = results.samples.slice(1);
  const average = (values: number[]) =>
    values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
  const summary = markdownTable(
    ["measure", "value"],
    [
      ["pilot", `${figures.pilot}, ${formatBytes(length)}, ${formatBytes(results.pieceLength)} pieces`],
      [
        "swarm",
        `${fans.length} fans (${chromium.length} Chromium, ${node.length} Node), one every ${settings.arrivalSeconds} s; ` +
          `${settings.upMiBs} MiB/s up, ${settings.downMiBs} MiB/s down per Node fan; seeder ${settings.seederUpMiBs} MiB/s up`,
      ],
      [
        "run",
        `${seconds(results.durationMs)}, ended ${results.endedBy === "complete" ? "when every fan held the whole pilot" : `at the ${settings.limitMinutes} min limit`}`,
      ],
      [
        "web-seed bytes per fan, share of the file (target ≤ 10%)",
        `average ${percent(results.webSeedTotal / fans.length, length)}, max ${(Math.max(...shares) * 100).toFixed(1)}%; ` +
          `${node.filter((fan) => fan.webSeedAddedMs >= 0).length} of ${node.length} Node fans brought the web seed in`,
      ],
      [
        "all bytes delivered",
        `${formatBytes(all)}: other fans ${percent(fromFans, all)}, seeder ${percent(results.seederUploaded, all)}, web seed ${percent(results.webSeedTotal, all)}`,
      ],
      ["Chromium: arrival → first frame", spread(chromium.map((fan) => since(fan, fan.firstMs)))],
      [
        `Node: arrival → first ${FIRST_BYTES / 1e6} MB held`,
        spread(node.map((fan) => since(fan, fan.firstMs))),
      ],
      ["arrival → whole pilot held", spread(fans.map((fan) => since(fan, fan.completeMs)))],
      ["Node fans' playback stalls (total)", String(node.reduce((sum, fan) => sum + fan.stalls, 0))],
      [
        `CPU (${results.cores} cores)`,
        `machine ${(average(cpu.map((s) => s.machineCpu)) * 100).toFixed(0)}% average, ` +
          `${(Math.max(0, ...cpu.map((s) => s.machineCpu)) * 100).toFixed(0)}% peak (2 s samples); ` +
          `the Node processes (tracker, seeder, web seed; Node fans in ${results.processes} children) ${average(cpu.map((s) => s.nodeCpu)).toFixed(2)} cores; ` +
          `worst event-loop delay p99 ${results.eventLoopDelayP99Ms.toFixed(0)} ms, max ${results.eventLoopDelayMaxMs.toFixed(0)} ms`,
      ],
      ["chart", figures.chart],
    ],
  );
  const perFan = markdownTable(
    [
      "fan",
      "kind",
      "arrived",
      "first frame / 10 MB",
      "complete",
      "from web seed",
      "from seeder",
      "from other fans",
    ],
    fans.map((fan) => [
      String(fan.index + 1),
      fan.kind === "node" ? "Node" : `Chromium${fan.error === undefined ? "" : ` (${fan.error})`}`,
      seconds(fan.joinedMs),
      fan.firstMs < 0 ? "—" : `+${seconds(since(fan, fan.firstMs))}`,
      fan.completeMs < 0 ? "—" : `+${seconds(since(fan, fan.completeMs))}`,
      percent(fan.fromWebSeed, length),
      // The player counts peers' bytes together; only Node fans tell the seeder apart.
      ...(fan.kind === "node"
        ? [percent(fan.fromSeeder, length), percent(fan.fromFans, length)]
        : [`${percent(fan.fromPeers, length)} from peers`, `(${fan.peersMax} peers at most)`]),
    ]),
  );
  return `${summary}\n\nPer fan (shares of the file):\n\n${perFan}\n`;
}
