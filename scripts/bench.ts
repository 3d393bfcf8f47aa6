/**
 * `npm run bench`: prints the project's benchmark figures (the README's tables come from here).
 */
import { gasTable, measureGas } from "./bench/gas.ts";
import { ipfsTable, measureIpfs } from "./bench/ipfs.ts";
import { measurePages, pagesTable } from "./bench/pages.ts";
import { measurePlayer, playerTable } from "./bench/player.ts";
import { measureTorrent, torrentTable } from "./bench/torrent.ts";
import { parseCli, progress, runCli, UserError } from "./lib/cli.ts";

const USAGE = `
Usage: npm run bench [-- options]

Measures and prints (all sections unless --only):
  gas      gas of every escrow function (min/median/max) and its cost in USD on L1 and L2
  torrent  seeder hashing speed vs sha1sum (1 GiB file), Node-to-Node TCP and WebRTC throughput
  ipfs     local CID + CAR encoding of a 1 GiB file vs sha256sum, and its peak memory
  player   click-to-first-frame with a seeding peer (WebRTC, in an unprivileged network namespace: unshare -rn) and
           with the web seed alone, share of bytes from peers, Node-to-browser throughput
  pages    JavaScript (gzip) the watch and back pages fetch before any interaction, the back page after
           Connect (a dev wallet, the local campaign) and the verify page until its verdict; the verify page's
           time to its verdict (from navigation start and from the load event); Lighthouse performance,
           accessibility and best-practices scores of the watch, back and verify pages (desktop and mobile
           presets) and every audit under 1

Options:
  --eth-price <usd>   ETH price in USD for the cost columns (default 3000)
  --l1-gwei <gwei>    L1 gas price (default 10)
  --l2-gwei <gwei>    L2 gas price (default 0.01)
  --only <section>    one section: gas, torrent, ipfs, player or pages (repeatable)
  --runs <n>          player runs to take the median of (default 5)
  -h, --help          this help
`;

const SECTIONS = ["gas", "torrent", "ipfs", "player", "pages"];

function positive(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UserError(`${flag} "${value}" must be a positive number.`);
  return number;
}

async function main(): Promise<void> {
  const { values } = parseCli(USAGE, {
    "eth-price": { type: "string", default: "3000" },
    "l1-gwei": { type: "string", default: "10" },
    "l2-gwei": { type: "string", default: "0.01" },
    only: { type: "string", multiple: true },
    runs: { type: "string", default: "5" },
  });
  const sections = new Set(values.only ?? SECTIONS);
  for (const section of sections) {
    if (!SECTIONS.includes(section)) throw new UserError(`--only "${section}": use ${SECTIONS.slice(0, -1).join(", ")} or ${SECTIONS.at(-1)}.`);
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
    process.stdout.write(`\n## IPFS encoding (npm run pin, before any upload)\n\n${ipfsTable(figures)}\n`);
  }
  if (sections.has("player")) {
    const figures = await measurePlayer(Math.round(runs));
    process.stdout.write(`\n## The player (Chromium)\n\n${playerTable(figures)}\n`);
  }
  if (sections.has("pages")) {
    const figures = await measurePages();
    process.stdout.write(`\n## The pages (Chromium, Lighthouse)\n\n${pagesTable(figures)}\n`);
  }
}

runCli(main);
