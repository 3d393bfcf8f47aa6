/**
 * The one pass over the pilot: reads the file once, in big sequential chunks into a shared
 * buffer, and from those same bytes computes
 * - the BitTorrent v1 pieces (SHA-1, in a worker thread: sha1-worker.ts),
 * - the UnixFS DAG and its root CID (leaf SHA-256 and branch nodes here, tree.ts), and
 * - the CAR shards, written to disk and hashed into their CIDs (another worker: car-worker.ts),
 * exactly as the Storacha client's encoder and sharder would make them (encode.ts, which runs
 * the client's own code, is the reference the tests compare with).
 *
 * Memory stays at the shared buffer (a few slots of 8 MiB) plus one block or so in flight,
 * whatever the pilot's length.
 */
import { createHash } from "node:crypto";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { carHeader } from "../ipfs/car-files.ts";
import { varint } from "multiformats";
import type { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import * as Link from "multiformats/link";
import { sha256 } from "multiformats/hashes/sha2";
import { CAR_CODEC, UNIXFS_SETTINGS, type EncodeLayout, type Encoded } from "../ipfs/encode.ts";
import type { SealedShard } from "./car-worker.ts";
import { BalancedTree, type TreeBlock } from "./tree.ts";

export interface PassInput {
  file: string;
  /** Where the CAR shards go, as `<shard cid>.car`. */
  carDir: string;
  pieceLength: number;
  /** Default: the client's ({@link UNIXFS_SETTINGS}); tests narrow it. */
  layout?: EncodeLayout;
  /** Bytes read so far, of `total`. */
  onProgress?: (read: number, total: number) => void;
}

export interface PassOutput {
  length: number;
  /** SHA-1 of every piece, 20 bytes each. */
  pieces: Buffer;
  /** The IPFS encoding: root, bytes, shards in upload order. */
  encoded: Encoded;
  /** The CAR files, in shard order. */
  carPaths: string[];
}

const SLOT_BYTES = 8 * 1024 * 1024;
const SLOTS = 6;

const DEFAULT_LAYOUT: EncodeLayout = {
  chunkSize: UNIXFS_SETTINGS.chunkSize,
  width: UNIXFS_SETTINGS.maxChildrenPerNode,
  shardSize: UNIXFS_SETTINGS.shardSize,
};

function lcm(a: number, b: number): number {
  let [x, y] = [a, b];
  while (y !== 0) [x, y] = [y, x % y];
  return (a / x) * b;
}

/** A CAR section's prefix: the varint length of CID and data, then the CID. */
function sectionHead(cid: CID, size: number): Uint8Array {
  const length = cid.bytes.length + size;
  const prefix = varint.encodingLength(length);
  const head = new Uint8Array(prefix + cid.bytes.length);
  varint.encodeTo(length, head, 0);
  head.set(cid.bytes, prefix);
  return head;
}

/** Messages from a worker, as promises: each `kind` resolves in the order they arrive. */
function listen(worker: Worker, what: string) {
  let failure: Error | undefined;
  let onUnclaimed: ((message: Record<string, unknown>) => void) | undefined;
  const waiters: Array<{ kind: string; resolve: (value: unknown) => void; reject: (error: Error) => void }> =
    [];
  const fail = (error: Error) => {
    failure = error;
    for (const waiter of waiters.splice(0)) waiter.reject(error);
  };
  worker.on("message", (message: Record<string, unknown>) => {
    const index = waiters.findIndex((waiter) => waiter.kind in message);
    const waiter = index >= 0 ? waiters.splice(index, 1)[0] : undefined;
    if (waiter !== undefined) waiter.resolve(message[waiter.kind]);
    else onUnclaimed?.(message);
  });
  worker.on("error", (error: Error) => fail(new Error(`${what}: ${error.message}`)));
  return {
    next<T>(kind: string): Promise<T> {
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise<T>((resolve, reject) =>
        waiters.push({ kind, resolve: resolve as (value: unknown) => void, reject }),
      );
    },
    onMessage(handler: (message: Record<string, unknown>) => void) {
      onUnclaimed = handler;
    },
    get failure() {
      return failure;
    },
  };
}

/**
 * Reads `input.file` once and writes its CAR shards into `input.carDir`; returns the torrent
 * pieces and the IPFS encoding. The file must not change meanwhile (its size is checked).
 */
export async function runPass(input: PassInput): Promise<PassOutput> {
  const layout = input.layout ?? DEFAULT_LAYOUT;
  const handle = await open(input.file, "r");
  const workers: Worker[] = [];
  try {
    const length = (await handle.stat()).size;
    if (length === 0) throw new Error(`${input.file} is empty`);
    // A slot holds whole chunks and whole pieces, so neither ever spans two slots.
    const unit = lcm(layout.chunkSize, input.pieceLength);
    const slotSize = unit * Math.max(1, Math.round(SLOT_BYTES / unit));
    const buffer = new SharedArrayBuffer(slotSize * SLOTS);
    const bytes = new Uint8Array(buffer);
    const pieceCount = Math.ceil(length / input.pieceLength);
    const pieces = new SharedArrayBuffer(pieceCount * 20);
    await mkdir(input.carDir, { recursive: true });
    // The client collects content under one shard into a single CAR of any size.
    const shardSize = length < layout.shardSize ? Number.POSITIVE_INFINITY : layout.shardSize;

    const sha1 = new Worker(new URL("./sha1-worker.ts", import.meta.url), {
      workerData: { buffer, slotSize, pieceLength: input.pieceLength, pieces },
    });
    const car = new Worker(new URL("./car-worker.ts", import.meta.url), {
      workerData: { buffer, slotSize, dir: input.carDir, shardSize, header: carHeader([]) },
    });
    workers.push(sha1, car);
    const sha1Messages = listen(sha1, "hashing the pieces");
    const carMessages = listen(car, "writing the CAR shards");

    // A slot is free again once both workers are done with its bytes.
    const holds = new Array<number>(SLOTS).fill(0);
    const free: number[] = [...Array(SLOTS).keys()];
    let slotWaiter: (() => void) | undefined;
    const release = (message: Record<string, unknown>) => {
      if (typeof message.released !== "number") return;
      const slot = message.released;
      holds[slot] = (holds[slot] ?? 1) - 1;
      if (holds[slot] === 0) {
        free.push(slot);
        slotWaiter?.();
      }
    };
    sha1Messages.onMessage(release);
    carMessages.onMessage(release);
    const takeSlot = async (): Promise<number> => {
      while (free.length === 0) {
        const failure = sha1Messages.failure ?? carMessages.failure;
        if (failure !== undefined) throw failure;
        await new Promise<void>((resolve) => (slotWaiter = resolve));
        slotWaiter = undefined;
      }
      return free.shift() as number;
    };
    const failed = new Promise<never>((_, reject) => {
      sha1.once("error", (error: Error) => reject(new Error(`hashing the pieces: ${error.message}`)));
      car.once("error", (error: Error) => reject(new Error(`writing the CAR shards: ${error.message}`)));
    });
    failed.catch(() => undefined);

    const read = async (position: number): Promise<{ slot: number; position: number; size: number }> => {
      const slot = await takeSlot();
      holds[slot] = 2;
      const size = Math.min(slotSize, length - position);
      let done = 0;
      while (done < size) {
        const { bytesRead } = await handle.read(bytes, slot * slotSize + done, size - done, position + done);
        if (bytesRead === 0)
          throw new Error(
            `${input.file} ended at ${position + done} bytes, expected ${length}: was it changed while being read?`,
          );
        done += bytesRead;
      }
      return { slot, position, size };
    };

    type Ref = { slot: number; offset: number };
    const tree = new BalancedTree<Ref>(layout.width);
    const seen = new Set<string>();
    /** Leaves of each slot not emitted yet: a slot's bytes stay until all its leaves are written. */
    const unwritten = new Map<number, number>();
    const send = (blocks: Array<TreeBlock<Ref>>) => {
      for (const block of blocks) {
        if (block.kind === "leaf") unwritten.set(block.ref.slot, (unwritten.get(block.ref.slot) ?? 0) - 1);
        // The client's sharder sees each block once: a repeated chunk is stored once.
        const key = block.cid.toString();
        if (seen.has(key)) continue;
        seen.add(key);
        if (block.kind === "leaf")
          car.postMessage({
            head: sectionHead(block.cid, block.size),
            slot: block.ref.slot,
            offset: block.ref.offset,
            length: block.size,
          });
        else car.postMessage({ head: sectionHead(block.cid, block.bytes.length), body: block.bytes });
      }
    };
    const releaseWritten = (slots: Set<number>) => {
      for (const slot of slots) {
        if ((unwritten.get(slot) ?? 0) === 0) {
          slots.delete(slot);
          car.postMessage({ release: slot });
        }
      }
    };

    const readSlots = new Set<number>();
    let last: { digest: Uint8Array; size: number; ref: Ref } | undefined;
    type Read = { slot: number; position: number; size: number };
    let next: Promise<Read> | undefined = read(0);
    while (next !== undefined) {
      const current: Read = await Promise.race([next, failed]);
      const { slot, position, size } = current;
      const end: number = position + size;
      next = end < length ? read(end) : undefined;
      next?.catch(() => undefined);
      sha1.postMessage({ slot, position, length: size });
      const start = slot * slotSize;
      for (let offset = 0; offset < size; offset += layout.chunkSize) {
        const chunk = Math.min(layout.chunkSize, size - offset);
        const leaf = {
          digest: createHash("sha256")
            .update(bytes.subarray(start + offset, start + offset + chunk))
            .digest(),
          size: chunk,
          ref: { slot, offset },
        };
        unwritten.set(slot, (unwritten.get(slot) ?? 0) + 1);
        // A short chunk can only be the last: the client's chunker hands it over at the close.
        if (chunk < layout.chunkSize) last = leaf;
        else send(tree.push(leaf));
      }
      readSlots.add(slot);
      if (end < length) releaseWritten(readSlots);
      input.onProgress?.(end, length);
    }
    send(tree.close(last));
    releaseWritten(readSlots);
    const root = tree.root;

    car.postMessage({ end: carHeader([root]) });
    sha1.postMessage({ end: true });
    const [sealed] = await Promise.race([
      Promise.all([carMessages.next<SealedShard[]>("shards"), sha1Messages.next<boolean>("done")]),
      failed,
    ]);
    const shards: Encoded["shards"] = [];
    const carPaths: string[] = [];
    for (const shard of sealed) {
      const cid = Link.create(CAR_CODEC, Digest.create(sha256.code, shard.digest)).toString();
      const path = join(input.carDir, `${cid}.car`);
      await rename(shard.path, path);
      shards.push({ cid, size: shard.size });
      carPaths.push(path);
    }
    if ((await handle.stat()).size !== length)
      throw new Error(`${input.file} changed size while being read: prepare it again`);
    return {
      length,
      pieces: Buffer.from(new Uint8Array(pieces)),
      encoded: { root: root.toString(), bytes: length, shards },
      carPaths,
    };
  } catch (error) {
    const left = await readdir(input.carDir).catch(() => []);
    await Promise.all(
      left
        .filter((name) => /^\.shard-\d+\.car\.tmp$/.test(name))
        .map((name) => rm(join(input.carDir, name), { force: true })),
    );
    throw error;
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
    await handle.close();
  }
}
