/**
 * An in-memory blockstore filled from CAR files, for the local gateway: it hands out a block only
 * after hashing it and comparing the hash with its CID, so nothing it serves can differ from
 * what the CID names, whatever the CAR held.
 */
import { readFile } from "node:fs/promises";
import { CarBlockIterator } from "@ipld/car";
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

/** A CAR's bytes (read whole: the local stack's and the tests' CARs are small). */
async function carBytes(car: CarSource): Promise<Uint8Array> {
  if (typeof car === "string") return readFile(car);
  return car instanceof Blob ? new Uint8Array(await car.arrayBuffer()) : car;
}

/** Blocks from CAR files, each checked against its CID whenever it is read. */
export class CarBlockstore implements ReadableStorage {
  readonly #blocks = new Map<string, Uint8Array>();

  /** Adds every block of `car`; returns the CAR's root CIDs. */
  async add(car: CarSource): Promise<CID[]> {
    const blocks = await CarBlockIterator.fromBytes(await carBytes(car));
    for await (const { cid, bytes } of blocks) this.#blocks.set(keyOf(cid), bytes);
    return blocks.getRoots();
  }

  /** Replaces a block's bytes without any check: for tests of what a forged block does. */
  corrupt(cid: CID, bytes: Uint8Array): void {
    this.#blocks.set(keyOf(cid), bytes);
  }

  /** The block's bytes, verified against `cid`'s multihash. */
  async block(cid: CID): Promise<Uint8Array> {
    const bytes = this.#blocks.get(keyOf(cid));
    if (bytes === undefined) throw new BlockNotFoundError(cid);
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
