/**
 * IPFS figures on one 1 GiB file, in one run: `openssl dgst -sha256` and `-sha1` (the hash
 * functions' own speed: the CPU has SHA extensions), the pilot pass (npm run prepare-pilot: torrent
 * pieces + root CID + CAR shards on disk, one read) as a ratio to openssl sha256, and the Storacha
 * client's encoder for comparison (what npm run pin ran before the pass). Each encoding runs in a
 * process of its own, so its peak resident memory (worker threads included) is its own.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { formatBytes } from "../../site/lib/format.ts";
import { progress } from "../lib/cli.ts";
import { writeNonRepeatingFile } from "../lib/non-repeating-bytes.ts";
import { markdownTable } from "./stats.ts";

const run = promisify(execFile);
const MIB = 1024 * 1024;
const FILE_MIB = 1024;

interface Encoding {
  seconds: number;
  root: string;
  shards: number;
  maxRssBytes: number;
}

async function encodeInChild(mode: "pass" | "client", file: string, carDir?: string): Promise<Encoding> {
  const worker = resolve("scripts/bench/ipfs-encode-worker.ts");
  const { stdout } = await run(
    resolve("node_modules/.bin/tsx"),
    [worker, mode, file, ...(carDir === undefined ? [] : [carDir])],
    { maxBuffer: MIB },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Encoding;
}

async function timed(command: string, args: string[]): Promise<number> {
  const started = performance.now();
  await run(command, args, { maxBuffer: MIB });
  return (performance.now() - started) / 1000;
}

export interface IpfsFigures {
  fileMiB: number;
  sha256Seconds: number;
  sha1Seconds: number;
  pass: Encoding;
  client: Encoding;
}

export async function measureIpfs(): Promise<IpfsFigures> {
  const dir = await mkdtemp(join(tmpdir(), "peerpilot-bench-ipfs-"));
  try {
    const file = join(dir, "pilot.bin");
    progress(`ipfs: writing a ${FILE_MIB} MiB file…`);
    await writeNonRepeatingFile(file, FILE_MIB * MIB, 1);
    // Warm the page cache for every contender: all of them then read from memory.
    await run("sh", ["-c", 'cat "$0" > /dev/null', file]);
    progress("ipfs: openssl dgst -sha256 and -sha1…");
    const sha256Seconds = await timed("openssl", ["dgst", "-sha256", file]);
    const sha1Seconds = await timed("openssl", ["dgst", "-sha1", file]);
    progress("ipfs: the pilot pass (torrent pieces, root CID, CAR shards on disk)…");
    const pass = await encodeInChild("pass", file, join(dir, "car-pass"));
    await rm(join(dir, "car-pass"), { recursive: true, force: true });
    progress("ipfs: the client's encoder (root CID and CAR shards on disk)…");
    const client = await encodeInChild("client", file, join(dir, "car-client"));
    if (pass.root !== client.root)
      throw new Error(`the pass and the client's encoder gave ${pass.root} and ${client.root}`);
    return { fileMiB: FILE_MIB, sha256Seconds, sha1Seconds, pass, client };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function ipfsTable(figures: IpfsFigures): string {
  const speed = (seconds: number) => `${(figures.fileMiB / seconds).toFixed(0)} MiB/s`;
  const ratio = (seconds: number) => `${(seconds / figures.sha256Seconds).toFixed(2)}×`;
  const row = (what: string, encoding: Encoding) => [
    what,
    `${encoding.seconds.toFixed(2)} s`,
    speed(encoding.seconds),
    ratio(encoding.seconds),
    formatBytes(encoding.maxRssBytes),
  ];
  return markdownTable(
    [`${figures.fileMiB} MiB file`, "time", "speed", "vs openssl sha256", "peak memory (RSS)"],
    [
      [
        "openssl dgst -sha256",
        `${figures.sha256Seconds.toFixed(2)} s`,
        speed(figures.sha256Seconds),
        "1.00×",
        "–",
      ],
      [
        "openssl dgst -sha1",
        `${figures.sha1Seconds.toFixed(2)} s`,
        speed(figures.sha1Seconds),
        ratio(figures.sha1Seconds),
        "–",
      ],
      row(
        `pilot pass: torrent + root CID + ${figures.pass.shards} CAR shards written (target ≤ 2.00×, ≤ 256 MiB)`,
        figures.pass,
      ),
      row(`the client's encoder: root CID + ${figures.client.shards} CAR shards written`, figures.client),
    ],
  );
}
