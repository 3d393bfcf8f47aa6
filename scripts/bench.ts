/** `npm run bench`: measures and prints the project's benchmark figures (scripts/lib/benchmarks.ts). */
import { SWARM_DEFAULTS } from "./bench/swarm.ts";
import {
  BENCH_SECTION_NAMES,
  BENCH_SECTIONS,
  DEFAULT_GAS_PRICES,
  DEFAULT_PLAYER_RUNS,
  runBenchmarks,
} from "./lib/benchmarks.ts";
import { command, flag, Option, progress, repeatable, runCli } from "./lib/cli.ts";
import { parseChoice, parsePositiveInteger, parsePositiveNumber, parseWholeNumber } from "./lib/parsers.ts";

/** A flag taking a number greater than zero, with its default. */
const positive = <N extends string>(flags: N, description: string, value: number) =>
  new Option(flags, description).default(value).argParser(flag((text) => parsePositiveNumber(text)));

const cli = command("npm run bench --", "Measures and prints the project's benchmark figures.")
  .addOption(
    positive("--eth-price <usd>", "ETH price in USD for the cost columns", DEFAULT_GAS_PRICES.ethUsd),
  )
  .addOption(positive("--l1-gwei <gwei>", "L1 gas price", DEFAULT_GAS_PRICES.l1Gwei))
  .addOption(positive("--l2-gwei <gwei>", "L2 gas price", DEFAULT_GAS_PRICES.l2Gwei))
  .option(
    "--only <section>",
    `one section: ${Object.keys(BENCH_SECTIONS).join(", ")} (repeatable)`,
    repeatable(parseChoice(BENCH_SECTION_NAMES, "section")),
  )
  .addOption(
    new Option("--runs <n>", "player runs to take the median of")
      .default(DEFAULT_PLAYER_RUNS)
      .argParser(flag((value) => parsePositiveInteger(value))),
  )
  .addOption(
    new Option("--fans <n>", "swarm: fans")
      .default(SWARM_DEFAULTS.fans)
      .argParser(flag((value) => parsePositiveInteger(value))),
  )
  .addOption(
    new Option("--chromium <n>", "swarm: how many of them are Chromium pages")
      .default(SWARM_DEFAULTS.chromiumFans)
      .argParser(flag((value) => parseWholeNumber(value))),
  )
  .addOption(
    positive("--arrival <s>", "swarm: seconds between two fans' arrivals", SWARM_DEFAULTS.arrivalSeconds),
  )
  .addOption(positive("--up <MiB/s>", "swarm: each fan's upload cap", SWARM_DEFAULTS.upMiBs))
  .addOption(positive("--down <MiB/s>", "swarm: each fan's download cap", SWARM_DEFAULTS.downMiBs))
  .addOption(positive("--seeder-up <MiB/s>", "swarm: the seeder's upload cap", SWARM_DEFAULTS.seederUpMiBs))
  .addOption(positive("--minutes <m>", "swarm: time limit of the run", SWARM_DEFAULTS.limitMinutes))
  .option(
    "--sample",
    "swarm: the 4 MB sample pilot instead of the full-size one (development; chart in .peerpilot/)",
  )
  .addHelpText("after", ({ command }) => {
    // The sections, each with what it measures, wrapped as commander wraps the flags.
    const help = command.createHelp();
    const items = Object.entries(BENCH_SECTIONS).map(([name, what]) => help.formatItem(name, 8, what, help));
    return `\nSections (all unless --only):\n${items.join("\n")}`;
  })
  .action(async (options) => {
    await runBenchmarks({
      sections: options.only,
      prices: { ethUsd: options.ethPrice, l1Gwei: options.l1Gwei, l2Gwei: options.l2Gwei },
      playerRuns: options.runs,
      swarm: {
        fans: options.fans,
        chromiumFans: options.chromium,
        arrivalSeconds: options.arrival,
        upMiBs: options.up,
        downMiBs: options.down,
        seederUpMiBs: options.seederUp,
        limitMinutes: options.minutes,
        sample: options.sample === true,
      },
      onProgress: progress,
    });
  });

runCli(cli);
