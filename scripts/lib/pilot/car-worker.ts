/**
 * Worker thread of the pilot pass: writes the CAR shards and hashes them (a shard's CID is the
 * SHA-256 of its bytes), cutting them exactly where the Storacha client's sharder does
 * (`@storacha/upload-client/dist/sharding.js`): a shard is sealed when the next block would take
 * it past `shardSize` less the 18 bytes of a root-less header; only the last shard's header names
 * the root, and if that longer header makes it overflow, its last blocks move into one more shard.
 * Leaf bytes are read from the pass's shared buffer, never from the pilot file.
 *
 * The last shard is only known to be last at the end, and its header names the root, which comes
 * last: so it is written with a root-less header like the others, then copied behind the root
 * header and hashed again (at most one shard, from the page cache).
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";

interface Init {
  buffer: SharedArrayBuffer;
  slotSize: number;
  dir: string;
  /** Infinity: one shard whatever the size (the client's path for content under one shard). */
  shardSize: number;
  /** The CAR header with no root. */
  header: Uint8Array;
}
type Message =
  | { head: Uint8Array; slot: number; offset: number; length: number }
  | { head: Uint8Array; body: Uint8Array }
  | { release: number }
  | { end: Uint8Array };

/** A sealed shard: its file (named by the caller once it knows the CID), SHA-256 and size. */
export interface SealedShard {
  path: string;
  digest: Uint8Array;
  size: number;
}

interface Boundary {
  /** Where the block starts in the shard file. */
  at: number;
  /** The hash state before it. */
  hash: Hash;
}

const { buffer, slotSize, dir, shardSize, header } = workerData as Init;
const bytes = new Uint8Array(buffer);
const port = parentPort;
if (port === null) throw new Error("car-worker runs as a worker thread");
const maxBlocksLength = shardSize - header.length;
/** Enough block boundaries to undo the overflow of a root header (a few dozen bytes: one block or two). */
const KEPT_BOUNDARIES = 16;
const COPY_CHUNK = 8 * 1024 * 1024;

const sealed: SealedShard[] = [];
let count = 0;
let current:
  | { fd: number; path: string; hash: Hash; length: number; blocks: number; boundaries: Boundary[] }
  | undefined;

function open(): NonNullable<typeof current> {
  const path = join(dir, `.shard-${count++}.car.tmp`);
  const fd = openSync(path, "w+");
  const hash = createHash("sha256");
  writeSync(fd, header);
  hash.update(header);
  return { fd, path, hash, length: 0, blocks: 0, boundaries: [] };
}

function seal(shard: NonNullable<typeof current>): void {
  closeSync(shard.fd);
  sealed.push({ path: shard.path, digest: shard.hash.digest(), size: header.length + shard.length });
}

function write(head: Uint8Array, body: Uint8Array): void {
  const length = head.length + body.length;
  if (length > maxBlocksLength)
    throw new Error(`a block of ${length} bytes does not fit in a CAR shard of ${shardSize} bytes`);
  if (current !== undefined && current.blocks > 0 && current.length + length > maxBlocksLength) {
    seal(current);
    current = undefined;
  }
  current ??= open();
  current.boundaries.push({ at: header.length + current.length, hash: current.hash.copy() });
  if (current.boundaries.length > KEPT_BOUNDARIES) current.boundaries.shift();
  writeSync(current.fd, head);
  writeSync(current.fd, body);
  current.hash.update(head);
  current.hash.update(body);
  current.length += length;
  current.blocks++;
}

/** Writes `rootHeader` then bytes [from, to) of `source` into a new shard file, hashing them. */
function copyBehind(rootHeader: Uint8Array, source: number, from: number, to: number): SealedShard {
  const path = join(dir, `.shard-${count++}.car.tmp`);
  const fd = openSync(path, "w");
  const hash = createHash("sha256").update(rootHeader);
  writeSync(fd, rootHeader);
  const chunk = Buffer.allocUnsafe(Math.min(COPY_CHUNK, Math.max(to - from, 1)));
  for (let at = from; at < to;) {
    const read = readSync(source, chunk, 0, Math.min(chunk.length, to - at), at);
    if (read === 0) throw new Error("a CAR shard being written ended early");
    const part = chunk.subarray(0, read);
    writeSync(fd, part);
    hash.update(part);
    at += read;
  }
  closeSync(fd);
  return { path, digest: hash.digest(), size: rootHeader.length + (to - from) };
}

function end(rootHeader: Uint8Array): void {
  const last = current;
  if (last === undefined) throw new Error("the pilot produced no block");
  const total = header.length + last.length;
  if (rootHeader.length + last.length > shardSize) {
    // The root header does not fit: the last blocks go into a shard of their own, as the client does.
    const overage = rootHeader.length + last.length - shardSize;
    let index = last.boundaries.length;
    while (index > 0 && total - last.boundaries[index - 1].at < overage) index--;
    const cut = last.boundaries[index - 1];
    if (cut === undefined || cut.at === header.length)
      throw new Error("a block will cause a CAR shard to exceed the shard size");
    const overflow = copyBehind(rootHeader, last.fd, cut.at, total);
    ftruncateSync(last.fd, cut.at);
    closeSync(last.fd);
    sealed.push({ path: last.path, digest: cut.hash.digest(), size: cut.at }, overflow);
  } else {
    const shard = copyBehind(rootHeader, last.fd, header.length, total);
    closeSync(last.fd);
    unlinkSync(last.path);
    sealed.push(shard);
  }
  current = undefined;
}

// An exception here ends the worker with an "error" event, which fails the pass.
port.on("message", (message: Message) => {
  if ("release" in message) port.postMessage({ released: message.release });
  else if ("end" in message) {
    end(message.end);
    port.postMessage({ shards: sealed });
  } else if ("body" in message) write(message.head, message.body);
  else {
    const start = message.slot * slotSize + message.offset;
    write(message.head, bytes.subarray(start, start + message.length));
  }
});
