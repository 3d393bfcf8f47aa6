/**
 * `preparePilot()`: the pilot read once (pass.ts) into its torrent pieces, its IPFS root CID and
 * its CAR shards on disk, and a record of that pass, so that `npm run pin` uploads those shards
 * and `npm run seed` seeds those pieces without hashing the file again.
 *
 * The record lives in .peerpilot/prepared/, one per pilot path, and holds the file's size and
 * modification time: a pilot that changed since (or whose CAR files are gone) has no valid
 * record, and is prepared again.
 */
import { createHash } from "node:crypto";
import { access, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { Encoded } from "../ipfs/encode.ts";
import type { TorrentContent } from "../p2p/make-torrent.ts";
import { pieceLengthFor } from "../p2p/piece-length.ts";
import { runPass } from "./pass.ts";

/** Where the records go (relative to the working directory, like the CAR folder). */
export const PREPARED_DIR = ".peerpilot/prepared";

/** Where the pilot's CAR shards go unless told otherwise (relative to the working directory). */
export const CAR_DIR = ".peerpilot/car";

/** What one pass computed, and where it put the CAR shards. */
export interface PreparedPilot {
  /** The pilot's absolute path, size and modification time when it was read. */
  file: string;
  size: number;
  mtimeMs: number;
  /** The torrent's content: name, length, piece length and pieces. */
  torrent: TorrentContent;
  /** The IPFS encoding: root, bytes, shards in upload order. */
  encoded: Encoded;
  /** The CAR folder (absolute) and each shard's file in it, in shard order. */
  carDir: string;
  carPaths: string[];
}

interface RecordJson extends Omit<PreparedPilot, "torrent"> {
  version: 1;
  torrent: Omit<TorrentContent, "pieces"> & { pieces: string };
}

function recordPath(file: string, dir: string): string {
  const key = createHash("sha256").update(resolve(file)).digest("hex").slice(0, 16);
  return join(resolve(dir), `${basename(file)}.${key}.json`);
}

export interface PrepareOptions {
  /** Where the CAR shards go (default {@link CAR_DIR}). */
  carDir?: string;
  /** Where the record goes (default {@link PREPARED_DIR}). */
  preparedDir?: string;
  /** Bytes read so far, of `total`. */
  onProgress?: (read: number, total: number) => void;
}

/**
 * Reads `file` once: its torrent pieces, root CID and CAR shards (written to disk), recorded for pin and
 * seed.
 */
export async function preparePilot(file: string, options: PrepareOptions = {}): Promise<PreparedPilot> {
  const path = resolve(file);
  const before = await stat(path);
  const carDir = resolve(options.carDir ?? CAR_DIR);
  const pieceLength = pieceLengthFor(before.size);
  const pass = await runPass({
    file: path,
    carDir,
    pieceLength,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const after = await stat(path);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs)
    throw new Error(`${path} changed while it was being read: prepare it again.`);
  const prepared: PreparedPilot = {
    file: path,
    size: pass.length,
    mtimeMs: before.mtimeMs,
    torrent: { name: basename(path), length: pass.length, pieceLength, pieces: pass.pieces },
    encoded: pass.encoded,
    carDir,
    carPaths: pass.carPaths,
  };
  const record: RecordJson = {
    version: 1,
    ...prepared,
    torrent: { ...prepared.torrent, pieces: pass.pieces.toString("base64") },
  };
  const dir = resolve(options.preparedDir ?? PREPARED_DIR);
  await mkdir(dir, { recursive: true });
  await writeFile(recordPath(path, dir), `${JSON.stringify(record)}\n`);
  return prepared;
}

/** Why there is no usable record of a pass over the file: none, or a stale one (said how). */
export interface NotPrepared {
  reason: string;
}

/**
 * The record of the last pass over `file`, if it still describes the file as it is (same size
 * and modification time) and its CAR files are all there (in `carDir`, when one is asked for).
 */
export async function readPreparedPilot(
  file: string,
  options: { carDir?: string; preparedDir?: string } = {},
): Promise<PreparedPilot | NotPrepared> {
  const path = resolve(file);
  let record: RecordJson;
  try {
    record = JSON.parse(
      await readFile(recordPath(path, options.preparedDir ?? PREPARED_DIR), "utf8"),
    ) as RecordJson;
  } catch {
    return { reason: "it has not been prepared (npm run prepare-pilot)" };
  }
  const now = await stat(path);
  if (record.version !== 1 || record.file !== path)
    return { reason: "its record is of another version or file" };
  if (record.size !== now.size || record.mtimeMs !== now.mtimeMs)
    return { reason: "it changed since it was prepared (another size or modification time)" };
  if (options.carDir !== undefined && resolve(options.carDir) !== record.carDir)
    return { reason: `its CAR shards were written to ${record.carDir}, not ${resolve(options.carDir)}` };
  for (const car of record.carPaths) {
    const present = await access(car).then(
      () => true,
      () => false,
    );
    if (!present) return { reason: `its CAR shard ${car} is gone` };
  }
  return { ...record, torrent: { ...record.torrent, pieces: Buffer.from(record.torrent.pieces, "base64") } };
}

export function isPrepared(value: PreparedPilot | NotPrepared): value is PreparedPilot {
  return !("reason" in value);
}
