/**
 * A blockstore filled from CAR files, for the local gateway: it hands out a block only after
 * hashing it and comparing the hash with its CID, so nothing it serves can differ from what the
 * CID names, whatever the CAR held. A CAR given as a path stays on disk: only each block's offset
 * is kept, and the block is read with a positioned read when asked for (a 1.5 GB pilot costs an
 * index of a few thousand entries, not 1.5 GB of memory). CARs given as bytes are kept as bytes.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { CarBlockIterator, CarIndexer } from "@ipld/car";
import type { ReadableStorage } from "ipfs-unixfs-exporter";
import { equals } from "multiformats/bytes";
import type { CID } from "multiformats/cid";
import { identity } from "multiformats/hashes/identity";
import type { MultihashHasher } from "multiformats/hashes/interface";
import { sha256 } from "multiformats/hashes/sha2";

/** A CAR as bytes, a Blob, or a path on disk. */
export type CarSource = Blob | Uint8Array | string;

/** No block with this CID was added. */
export class BlockNotFoundError extends Error {
  override name = "BlockNotFoundError";
  constructor(cid: CID) {
    super(`no block ${cid.toString()}`);
  }
}

/** A block's bytes do not hash to its CID (a corrupted or forged CAR). */
export class BlockMismatchError extends Error {
  override name = "BlockMismatchError";
  constructor(cid: CID) {
    super(`block ${cid.toString()} does not hash to its CID`);
  }
}

const HASHERS = new Map<number, MultihashHasher>([
  [sha256.code, sha256],
  [identity.code, identity],
]);

/** Blocks are kept by multihash, as IPFS nodes keep them: a CIDv0 and a CIDv1 of one block are one block. */
function keyOf(cid: CID): string {
  return Buffer.from(cid.multihash.bytes).toString("hex");
}

/** Where a block lies in a CAR file on disk. */
interface OnDisk {
  path: string;
  offset: number;
  length: number;
}

async function readBlock(where: OnDisk): Promise<Uint8Array> {
  const handle = await open(where.path, "r");
  try {
    const bytes = new Uint8Array(where.length);
    for (let done = 0; done < where.length;) {
      const { bytesRead } = await handle.read(bytes, done, where.length - done, where.offset + done);
      if (bytesRead === 0) throw new Error(`${where.path} ended before a block it listed`);
      done += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/** Blocks from CAR files, each checked against its CID whenever it is read. */
export class CarBlockstore implements ReadableStorage {
  readonly #blocks = new Map<string, Uint8Array | OnDisk>();

  /** Adds every block of `car` (a path: indexed, left on disk); returns the CAR's root CIDs. */
  async add(car: CarSource): Promise<CID[]> {
    if (typeof car === "string") {
      const index = await CarIndexer.fromIterable(createReadStream(car));
      for await (const { cid, blockOffset, blockLength } of index)
        this.#blocks.set(keyOf(cid), { path: car, offset: blockOffset, length: blockLength });
      return await index.getRoots();
    }
    const blocks = await CarBlockIterator.fromBytes(
      car instanceof Blob ? new Uint8Array(await car.arrayBuffer()) : car,
    );
    for await (const { cid, bytes } of blocks) this.#blocks.set(keyOf(cid), bytes);
    return await blocks.getRoots();
  }

  /** Replaces a block's bytes without any check: for tests of what a forged block does. */
  corrupt(cid: CID, bytes: Uint8Array): void {
    this.#blocks.set(keyOf(cid), bytes);
  }

  /** The block's bytes, verified against `cid`'s multihash. */
  async block(cid: CID): Promise<Uint8Array> {
    const stored = this.#blocks.get(keyOf(cid));
    if (stored === undefined) throw new BlockNotFoundError(cid);
    const bytes = stored instanceof Uint8Array ? stored : await readBlock(stored);
    const hasher = HASHERS.get(cid.multihash.code);
    if (hasher === undefined) throw new BlockMismatchError(cid);
    const digest = await hasher.digest(bytes);
    if (!equals(digest.bytes, cid.multihash.bytes)) throw new BlockMismatchError(cid);
    return bytes;
  }

  /** The blockstore interface the UnixFS exporter reads through. */
  async *get(cid: CID): AsyncGenerator<Uint8Array> {
    yield await this.block(cid);
  }
}
