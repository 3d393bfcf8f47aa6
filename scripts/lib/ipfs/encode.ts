/**
 * Local UnixFS + CAR encoding, with the very encoder and sharder the Storacha upload client uses
 * (`@storacha/upload-client/unixfs`, `/sharding`): CIDv1, raw leaves, 1 MiB chunks, balanced
 * layout 1,024 links wide, CAR shards of at most 133,169,152 bytes. The root CID and the shard
 * CIDs computed here are therefore exactly the ones an upload registers with the service, and
 * they are known before a single byte leaves the machine.
 *
 * Shards are handed to `onShard` one at a time as they are sealed (the caller writes or uploads
 * them), so memory stays near one shard however long the pilot is.
 */
import { BlockDeduplicationStream, dedupe } from "@storacha/upload-client/deduplication";
import { defaultFileComparator, SHARD_SIZE, ShardingStream } from "@storacha/upload-client/sharding";
import type { BlobLike, FileLike, IndexedCARFile } from "@storacha/upload-client/types";
import * as UnixFS from "@storacha/upload-client/unixfs";
import * as UnixFSCore from "@ipld/unixfs";
import { withMaxChunkSize } from "@ipld/unixfs/file/chunker/fixed";
import { withWidth } from "@ipld/unixfs/file/layout/balanced";
import { createHash } from "node:crypto";
import * as raw from "multiformats/codecs/raw";
import * as Digest from "multiformats/hashes/digest";
import * as Link from "multiformats/link";
import { sha256 } from "multiformats/hashes/sha2";

/** Multicodec of a CAR file (what a shard's CID says it is). */
export const CAR_CODEC = 0x0202;

/** The settings the CIDs depend on, as any other IPFS implementation must be told them. */
export const UNIXFS_SETTINGS = {
  cidVersion: 1,
  rawLeaves: true,
  chunkSize: 1024 * 1024,
  layout: "balanced",
  maxChildrenPerNode: 1024,
  shardSize: SHARD_SIZE,
} as const;

/** One sealed CAR shard: its CID (`bag…`, sha-256 of the CAR bytes), its size and its bytes. */
export interface CarShard {
  cid: string;
  size: number;
  car: Blob;
}

/** The outcome of an encoding: the content's root CID and the CAR shards, in upload order. */
export interface Encoded {
  root: string;
  /** Bytes of content read (the file, or every file of the directory). */
  bytes: number;
  shards: Array<{ cid: string; size: number }>;
}

/**
 * Narrower UnixFS and CAR settings than the client's: for tests of the shapes a pilot only reaches at
 * gigabytes.
 */
export interface EncodeLayout {
  chunkSize: number;
  width: number;
  shardSize: number;
}

export interface EncodeOptions {
  /** Default: the client's (1 MiB chunks, 1,024 links wide, {@link SHARD_SIZE}). */
  layout?: EncodeLayout;
  /** Called with each shard as soon as it is sealed, in order; awaited before the next one. */
  onShard?: (shard: CarShard) => void | Promise<void>;
  /** Content bytes read so far. */
  onProgress?: (bytesRead: number) => void;
}

/** Content to encode: a size and a way to stream it (a `Blob`, or a generated stream). */
export type EncoderBlob = BlobLike & { size: number };

/** A file to encode in a directory: a name (its relative path inside the directory), a size and a stream. */
export type EncoderFile = FileLike & { size: number };

/** Wraps a blob so every chunk read from it is counted. */
function counted<T extends BlobLike>(file: T, count: (bytes: number) => void): T {
  return Object.assign(Object.create(file) as T, {
    stream: () =>
      file.stream().pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            count(chunk.byteLength);
            controller.enqueue(chunk);
          },
        }),
      ),
  });
}

/** A shard's CID: sha-256 of its CAR bytes, hashed as they stream (no second copy of the shard). */
async function sealShard(
  car: IndexedCARFile,
  options: EncodeOptions,
): Promise<{ cid: string; size: number }> {
  const hash = createHash("sha256");
  for await (const chunk of car.stream() as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
  const cid = Link.create(CAR_CODEC, Digest.create(sha256.code, hash.digest())).toString();
  await options.onShard?.({ cid, size: car.size, car });
  return { cid, size: car.size };
}

type Block = Parameters<typeof dedupe>[0] extends Iterable<infer B> ? B : never;

/**
 * Runs blocks through the client's sharder the way the client does: content smaller than one
 * shard is collected and written as a single CAR (`uploadBlocks`), larger content is streamed
 * into shards (`uploadBlockStream`). Both dedupe blocks first.
 */
async function shard(
  blocks: ReadableStream<Block>,
  small: boolean,
  options: EncodeOptions,
): Promise<Omit<Encoded, "bytes">> {
  const shardOptions = options.layout === undefined ? {} : { shardSize: options.layout.shardSize };
  const shards: Encoded["shards"] = [];
  let root: string | undefined;
  let source: ReadableStream<Block>;
  let sharding: ShardingStream;
  if (small) {
    const collected: Block[] = [];
    await blocks.pipeTo(new WritableStream({ write: (block) => void collected.push(block) }));
    const last = collected.at(-1);
    if (last === undefined) throw new Error("the encoder produced no block");
    const unique = [...dedupe(collected)];
    source = new ReadableStream({
      start(controller) {
        for (const block of unique) controller.enqueue(block);
        controller.close();
      },
    });
    sharding = new ShardingStream({ shardSize: Number.POSITIVE_INFINITY, rootCID: last.cid });
  } else {
    source = blocks.pipeThrough(new BlockDeduplicationStream());
    sharding = new ShardingStream(shardOptions);
  }
  await source.pipeThrough(sharding).pipeTo(
    new WritableStream<IndexedCARFile>({
      async write(car) {
        root ??= car.roots[0]?.toString();
        shards.push(await sealShard(car, options));
      },
    }),
  );
  // Only the last shard's CAR header names the root.
  if (root === undefined) throw new Error("the encoder produced no root CID");
  return { root, shards };
}

/**
 * Streams `files` (counting the bytes read) through `encoder` into shards. Content smaller than
 * one shard takes the client's single-CAR path.
 */
async function encodeCounted<T extends BlobLike>(
  files: T[],
  size: number,
  options: EncodeOptions,
  encoder: (files: T[]) => ReadableStream<Block>,
): Promise<Encoded> {
  let bytes = 0;
  const count = (n: number) => {
    bytes += n;
    options.onProgress?.(bytes);
  };
  const result = await shard(
    encoder(files.map((file) => counted(file, count))),
    size < (options.layout?.shardSize ?? SHARD_SIZE),
    options,
  );
  return { ...result, bytes };
}

/** The client's encoder settings with another chunk size and tree width. */
function layoutSettings(layout: EncodeLayout) {
  return UnixFSCore.configure({
    fileChunkEncoder: raw,
    smallFileEncoder: raw,
    chunker: withMaxChunkSize(layout.chunkSize),
    fileLayout: withWidth(layout.width),
  });
}

/**
 * Encodes one file (the pilot) as UnixFS and CAR shards.
 * @param file A blob with a size, e.g. `await fs.openAsBlob(path)`: read as a stream, never whole.
 */
export function encodeFile(file: EncoderBlob, options: EncodeOptions = {}): Promise<Encoded> {
  const settings = options.layout === undefined ? undefined : layoutSettings(options.layout);
  return encodeCounted([file], file.size, options, ([source]) =>
    UnixFS.createFileEncoderStream(source, settings === undefined ? undefined : { settings }),
  );
}

/**
 * Encodes files as one UnixFS directory (the built site), in the order the client uploads them
 * (sorted by name).
 * @param files Files whose `name` is their path inside the directory (`_astro/page.js`).
 */
export function encodeDirectory(files: EncoderFile[], options: EncodeOptions = {}): Promise<Encoded> {
  const size = files.reduce((sum, file) => sum + file.size, 0);
  return encodeCounted([...files].sort(defaultFileComparator), size, options, (entries) =>
    UnixFS.createDirectoryEncoderStream(entries),
  );
}
