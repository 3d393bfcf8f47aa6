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
export const BENCH_SECTIONS = ["gas", "torrent", "ipfs", "player", "pages", "swarm"] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

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
  const sections = new Set(options.sections ?? BENCH_SECTIONS);
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
