/**
 * `npm run bench`: prints the project's benchmark figures (docs/benchmarks.md's tables come from here).
 */
import { gasTable, measureGas } from "./bench/gas.ts";
import { ipfsTable, measureIpfs } from "./bench/ipfs.ts";
import { measurePages, pagesTable } from "./bench/pages.ts";
import { measurePlayer, playerTable } from "./bench/player.ts";
import { measureSwarm, SWARM_DEFAULTS, swarmTable } from "./bench/swarm.ts";
import { measureTorrent, torrentTable } from "./bench/torrent.ts";
import { parseCli, progress, runCli, UserError } from "./lib/cli.ts";

const USAGE = `
Usage: npm run bench [-- options]

Measures and prints (all sections unless --only):
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
           first 10 MB (Node) and completion; writes the chart docs/swarm.svg

Options:
  --eth-price <usd>   ETH price in USD for the cost columns (default 3000)
  --l1-gwei <gwei>    L1 gas price (default 10)
  --l2-gwei <gwei>    L2 gas price (default 0.01)
  --only <section>    one section: gas, torrent, ipfs, player, pages or swarm (repeatable)
  --runs <n>          player runs to take the median of (default 5)
  --fans <n>          swarm: fans (default ${SWARM_DEFAULTS.fans})
  --chromium <n>      swarm: how many of them are Chromium pages (default ${SWARM_DEFAULTS.chromiumFans})
  --arrival <s>       swarm: seconds between two fans' arrivals (default ${SWARM_DEFAULTS.arrivalSeconds})
  --up <MiB/s>        swarm: each fan's upload cap (default ${SWARM_DEFAULTS.upMiBs})
  --down <MiB/s>      swarm: each fan's download cap (default ${SWARM_DEFAULTS.downMiBs})
  --seeder-up <MiB/s> swarm: the seeder's upload cap (default ${SWARM_DEFAULTS.seederUpMiBs})
  --minutes <m>       swarm: time limit of the run (default ${SWARM_DEFAULTS.limitMinutes})
  --sample            swarm: the 4 MB sample pilot instead of the full-size one (development; chart in .peerpilot/)
  -h, --help          this help
`;

const SECTIONS = ["gas", "torrent", "ipfs", "player", "pages", "swarm"];

function positive(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new UserError(`${flag} "${value}" must be a positive number.`);
  return number;
}

async function main(): Promise<void> {
  const { values } = parseCli(USAGE, {
    "eth-price": { type: "string", default: "3000" },
    "l1-gwei": { type: "string", default: "10" },
    "l2-gwei": { type: "string", default: "0.01" },
    only: { type: "string", multiple: true },
    runs: { type: "string", default: "5" },
    fans: { type: "string", default: String(SWARM_DEFAULTS.fans) },
    chromium: { type: "string", default: String(SWARM_DEFAULTS.chromiumFans) },
    arrival: { type: "string", default: String(SWARM_DEFAULTS.arrivalSeconds) },
    up: { type: "string", default: String(SWARM_DEFAULTS.upMiBs) },
    down: { type: "string", default: String(SWARM_DEFAULTS.downMiBs) },
    "seeder-up": { type: "string", default: String(SWARM_DEFAULTS.seederUpMiBs) },
    minutes: { type: "string", default: String(SWARM_DEFAULTS.limitMinutes) },
    sample: { type: "boolean", default: false },
  });
  const sections = new Set(values.only ?? SECTIONS);
  for (const section of sections) {
    if (!SECTIONS.includes(section))
      throw new UserError(
        `--only "${section}": use ${SECTIONS.slice(0, -1).join(", ")} or ${SECTIONS.at(-1)}.`,
      );
  }
  const runs = positive(values.runs, "--runs");
  const prices = {
    ethUsd: positive(values["eth-price"], "--eth-price"),
    l1Gwei: positive(values["l1-gwei"], "--l1-gwei"),
    l2Gwei: positive(values["l2-gwei"], "--l2-gwei"),
  };
  if (sections.has("gas")) {
    progress("gas: measuring every escrow function on the in-process EVM…");
    const samples = await measureGas();
    process.stdout.write(`\n## Escrow gas (ETH at $${prices.ethUsd})\n\n${gasTable(samples, prices)}\n`);
  }
  if (sections.has("torrent")) {
    const figures = await measureTorrent();
    process.stdout.write(`\n## BitTorrent\n\n${torrentTable(figures)}\n`);
  }
  if (sections.has("ipfs")) {
    const figures = await measureIpfs();
    process.stdout.write(`\n## The pilot pass (npm run prepare-pilot)\n\n${ipfsTable(figures)}\n`);
  }
  if (sections.has("player")) {
    const figures = await measurePlayer(Math.round(runs));
    process.stdout.write(`\n## The player (Chromium)\n\n${playerTable(figures)}\n`);
  }
  if (sections.has("pages")) {
    const figures = await measurePages();
    process.stdout.write(`\n## The pages (Chromium, Lighthouse)\n\n${pagesTable(figures)}\n`);
  }
  if (sections.has("swarm")) {
    const chromiumFans = Number(values.chromium);
    if (!Number.isInteger(chromiumFans) || chromiumFans < 0)
      throw new UserError(`--chromium "${values.chromium}" must be a whole number, 0 or more.`);
    const figures = await measureSwarm({
      fans: Math.round(positive(values.fans, "--fans")),
      chromiumFans,
      arrivalSeconds: positive(values.arrival, "--arrival"),
      upMiBs: positive(values.up, "--up"),
      downMiBs: positive(values.down, "--down"),
      seederUpMiBs: positive(values["seeder-up"], "--seeder-up"),
      limitMinutes: positive(values.minutes, "--minutes"),
      sample: values.sample,
    });
    process.stdout.write(`\n## The swarm (${figures.pilot})\n\n${swarmTable(figures)}\n`);
  }
}

runCli(main);
