/**
 * IPFS figures: local CID + CAR encoding of a 1 GiB file (what `npm run pin` does before any
 * upload), as a ratio to `sha256sum` of the same file in the same run, with peak memory. Each
 * encoding runs in a process of its own, so its peak resident memory is its own.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
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

async function encodeInChild(file: string, carDir?: string): Promise<Encoding> {
  const worker = resolve("scripts/bench/ipfs-encode-worker.ts");
  const { stdout } = await run(resolve("node_modules/.bin/tsx"), [worker, file, ...(carDir === undefined ? [] : [carDir])], { maxBuffer: MIB });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Encoding;
}

export interface IpfsFigures {
  fileMiB: number;
  sha256sumSeconds: number;
  cidOnly: Encoding;
  cidAndCar: Encoding;
}

export async function measureIpfs(): Promise<IpfsFigures> {
  const dir = await mkdtemp(join(tmpdir(), "peerpilot-bench-ipfs-"));
  try {
    const file = join(dir, "pilot.bin");
    progress(`ipfs: writing a ${FILE_MIB} MiB file…`);
    await writeNonRepeatingFile(file, FILE_MIB * MIB, 1);
    await run("cat", [file]).catch(() => undefined); // warm the page cache for both contenders
    progress("ipfs: sha256sum…");
    const started = performance.now();
    await run("sha256sum", [file]);
    const sha256sumSeconds = (performance.now() - started) / 1000;
    progress("ipfs: CID only…");
    const cidOnly = await encodeInChild(file);
    progress("ipfs: CID and CAR shards written to disk…");
    const cidAndCar = await encodeInChild(file, join(dir, "car"));
    if (cidOnly.root !== cidAndCar.root) throw new Error(`two encodings of one file gave ${cidOnly.root} and ${cidAndCar.root}`);
    return { fileMiB: FILE_MIB, sha256sumSeconds, cidOnly, cidAndCar };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function ipfsTable(figures: IpfsFigures): string {
  const speed = (seconds: number) => `${(figures.fileMiB / seconds).toFixed(0)} MiB/s`;
  const row = (what: string, encoding: Encoding) => [
    what,
    `${encoding.seconds.toFixed(2)} s`,
    speed(encoding.seconds),
    `${(encoding.seconds / figures.sha256sumSeconds).toFixed(2)}×`,
    `${(encoding.maxRssBytes / MIB).toFixed(0)} MiB`,
  ];
  return markdownTable(
    [`${figures.fileMiB} MiB file`, "time", "speed", "vs sha256sum", "peak memory (RSS)"],
    [
      ["sha256sum", `${figures.sha256sumSeconds.toFixed(2)} s`, speed(figures.sha256sumSeconds), "1.00×", "–"],
      row("root CID (UnixFS, 1 MiB chunks, width 1024)", figures.cidOnly),
      row(`root CID + ${figures.cidAndCar.shards} CAR shards written`, figures.cidAndCar),
    ],
  );
}
