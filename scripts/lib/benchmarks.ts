/**
 * What `npm run bench` does once its flags are parsed: measures the sections asked for, in order,
 * and writes each one's Markdown table (docs/benchmarks.md's tables come from here).
 */
import { gasTable, measureGas, type GasPrices } from "../bench/gas.ts";
import { ipfsTable, measureIpfs } from "../bench/ipfs.ts";
import { measurePages, pagesTable } from "../bench/pages.ts";
import { measurePlayer, playerTable } from "../bench/player.ts";
import { measureSwarm, swarmTable, type SwarmOptions } from "../bench/swarm.ts";
import { measureTorrent, torrentTable } from "../bench/torrent.ts";

/** The benchmark sections, in the order they run. */
/** The benchmark's sections, in the order they run, each with what it measures (for `--help`). */
export const BENCH_SECTIONS = {
  gas: "gas of every escrow function (min/median/max) and its cost in USD on L1 and L2",
  torrent: "seeder hashing speed vs sha1sum (1 GiB file), Node-to-Node TCP and WebRTC throughput",
  ipfs:
    "the pilot pass (npm run prepare-pilot: torrent + root CID + CAR shards) on a 1 GiB file vs openssl " +
    "dgst -sha256 and -sha1, and the client's encoder; time and peak memory",
  player:
    "the one-hour pilot in Chromium: click to first frame with a seeding peer (WebRTC, in an unprivileged " +
    "network namespace: unshare -rn) and with the web seed alone, seeks to 45:00 and the last minute, " +
    "share of bytes from peers, Node-to-browser throughput and Chromium's memory over the whole pilot",
  pages:
    "JavaScript (gzip) the watch and back pages fetch before any interaction, the back page after Connect " +
    "(a dev wallet, the local campaign) and the verify page until its verdict; the verify page's time to " +
    "its verdict; Lighthouse performance, accessibility and best-practices scores of the three pages " +
    "(desktop and mobile presets) and every audit under 1",
  swarm:
    "the full-size pilot shared by fans arriving one by one (Node WebTorrent fans running the player's " +
    "web-seed policy, and Chromium pages, in a network namespace), one upload-capped seeder and a " +
    "byte-counting web seed: web-seed bytes per fan, the seeder's share, each fan's first frame " +
    "(Chromium) or first 10 MB (Node) and completion; writes the chart docs/swarm.svg",
} as const;
export type BenchSection = keyof typeof BENCH_SECTIONS;
export const BENCH_SECTION_NAMES = Object.keys(BENCH_SECTIONS) as BenchSection[];

/** Gas prices the cost columns are computed at unless told otherwise. */
export const DEFAULT_GAS_PRICES: GasPrices = { ethUsd: 3000, l1Gwei: 10, l2Gwei: 0.01 };
/** Player runs the median is taken of. */
export const DEFAULT_PLAYER_RUNS = 5;

export interface BenchOptions {
  /** The sections to run (default all, {@link BENCH_SECTIONS}). */
  sections?: readonly BenchSection[];
  prices?: GasPrices;
  /** Player runs to take the median of. */
  playerRuns?: number;
  swarm?: SwarmOptions;
  /** Where the tables go (default stdout); progress goes to the sections' own stderr lines. */
  write?: (text: string) => void;
  onProgress?: (message: string) => void;
}

/** Runs the benchmark sections asked for and writes each table as it is measured. */
export async function runBenchmarks(options: BenchOptions = {}): Promise<void> {
  const sections = new Set(options.sections ?? BENCH_SECTION_NAMES);
  const prices = options.prices ?? DEFAULT_GAS_PRICES;
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const section = (title: string, table: string) => write(`\n## ${title}\n\n${table}\n`);
  if (sections.has("gas")) {
    options.onProgress?.("gas: measuring every escrow function on the in-process EVM…");
    section(`Escrow gas (ETH at $${prices.ethUsd})`, gasTable(await measureGas(), prices));
  }
  if (sections.has("torrent")) section("BitTorrent", torrentTable(await measureTorrent()));
  if (sections.has("ipfs")) section("The pilot pass (npm run prepare-pilot)", ipfsTable(await measureIpfs()));
  if (sections.has("player"))
    section(
      "The player (Chromium)",
      playerTable(await measurePlayer(options.playerRuns ?? DEFAULT_PLAYER_RUNS)),
    );
  if (sections.has("pages")) section("The pages (Chromium, Lighthouse)", pagesTable(await measurePages()));
  if (sections.has("swarm")) {
    const figures = await measureSwarm(options.swarm);
    section(`The swarm (${figures.pilot})`, swarmTable(figures));
  }
}
