/** `npm run bench`: measures and prints the project's benchmark figures (scripts/lib/benchmarks.ts). */
import { SWARM_DEFAULTS } from "./bench/swarm.ts";
import { BENCH_SECTIONS, DEFAULT_GAS_PRICES, DEFAULT_PLAYER_RUNS, runBenchmarks } from "./lib/benchmarks.ts";
import { command, flag, Option, progress, repeatable, runCli } from "./lib/cli.ts";
import { parseChoice, parsePositiveInteger, parsePositiveNumber, parseWholeNumber } from "./lib/parsers.ts";

const SECTIONS_HELP = `
Sections (all unless --only):
  gas      gas of every escrow function (min/median/max) and its cost in USD on L1 and L2
  torrent  seeder hashing speed vs sha1sum (1 GiB file), Node-to-Node TCP and WebRTC throughput
  ipfs     the pilot pass (npm run prepare-pilot: torrent + root CID + CAR shards) on a 1 GiB file vs
           openssl dgst -sha256 and -sha1, and the client's encoder; time and peak memory
  player   the one-hour pilot in Chromium: click to first frame with a seeding peer (WebRTC, in an
           unprivileged network namespace: unshare -rn) and with the web seed alone, seeks to 45:00 and
           the last minute, share of bytes from peers, Node-to-browser throughput and Chromium's memory
           over the whole pilot
  pages    JavaScript (gzip) the watch and back pages fetch before any interaction, the back page after
           Connect (a dev wallet, the local campaign) and the verify page until its verdict; the verify page's
           time to its verdict (from navigation start and from the load event); Lighthouse performance,
           accessibility and best-practices scores of the watch, back and verify pages (desktop and mobile
           presets) and every audit under 1
  swarm    the full-size pilot shared by fans arriving one by one (Node WebTorrent fans running the player's
           web-seed policy, and Chromium pages, in a network namespace), one upload-capped seeder and a
           byte-counting web seed: web-seed bytes per fan, the seeder's share, each fan's first frame (Chromium) or
           first 10 MB (Node) and completion; writes the chart docs/swarm.svg`;

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
    `one section: ${BENCH_SECTIONS.join(", ")} (repeatable)`,
    repeatable(parseChoice(BENCH_SECTIONS, "section")),
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
  .addHelpText("after", SECTIONS_HELP)
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
