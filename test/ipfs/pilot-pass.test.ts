/**
 * The pilot pass (scripts/lib/pilot/): one read of the file gives the same UnixFS blocks, in the
 * same order, the same CAR shards and the same torrent pieces as the Storacha client's encoder
 * and sharder and as make-torrent.ts. Narrow layouts (small chunks, trees a few links wide, small
 * shards) reach the shapes a pilot only reaches at gigabytes: trees of several levels, many shard
 * boundaries, a last chunk that is short or not.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import * as UnixFS from "@ipld/unixfs";
import { withMaxChunkSize } from "@ipld/unixfs/file/chunker/fixed";
import { withWidth } from "@ipld/unixfs/file/layout/balanced";
import { CarReader } from "@ipld/car";
import { createFileEncoderStream } from "@storacha/upload-client/unixfs";
import * as raw from "multiformats/codecs/raw";
import * as Link from "multiformats/link";
import { encodeFile, type EncodeLayout, type EncoderBlob } from "../../scripts/lib/ipfs/encode.ts";
import { fileFromPath } from "../../scripts/lib/ipfs/files.ts";
import { hashPieces } from "../../scripts/lib/p2p/make-torrent.ts";
import { nonRepeatingBytes } from "../../scripts/lib/non-repeating-bytes.ts";
import { runPass } from "../../scripts/lib/pilot/pass.ts";
import { isPrepared, preparePilot, readPreparedPilot } from "../../scripts/lib/pilot/prepare.ts";
import { BalancedTree } from "../../scripts/lib/pilot/tree.ts";
import { PILOT } from "../helpers/pilot.ts";

/** `bytes` streamed in pieces of `step` bytes, no bigger than a chunk, as the client reads a file. */
function streamed(bytes: Uint8Array, step: number): EncoderBlob {
  return {
    size: bytes.length,
    stream: () =>
      new ReadableStream<Uint8Array<ArrayBuffer>>({
        start(controller) {
          for (let offset = 0; offset < bytes.length; offset += step)
            controller.enqueue(bytes.slice(offset, offset + step));
          controller.close();
        },
      }),
  };
}

/** The client's encoder's blocks (CIDs, in order) for `bytes` under a narrow layout. */
async function encoderBlocks(bytes: Uint8Array, chunkSize: number, width: number): Promise<string[]> {
  const settings = UnixFS.configure({
    fileChunkEncoder: raw,
    smallFileEncoder: raw,
    chunker: withMaxChunkSize(chunkSize),
    fileLayout: withWidth(width),
  });
  const cids: string[] = [];
  const blocks = createFileEncoderStream(streamed(bytes, Math.max(1, chunkSize - 1)), {
    settings,
  }) as unknown as AsyncIterable<{ cid: { toString(): string } }>;
  for await (const block of blocks) cids.push(block.cid.toString());
  return cids;
}

/** The tree's blocks (CIDs, in order) for `bytes`. */
function treeBlocks(bytes: Uint8Array, chunkSize: number, width: number): { cids: string[]; root: string } {
  const tree = new BalancedTree<number>(width);
  const cids: string[] = [];
  const leaf = (offset: number, end: number) => ({
    digest: createHash("sha256").update(bytes.subarray(offset, end)).digest(),
    size: end - offset,
    ref: offset,
  });
  let offset = 0;
  for (; offset + chunkSize <= bytes.length; offset += chunkSize)
    cids.push(...tree.push(leaf(offset, offset + chunkSize)).map((block) => block.cid.toString()));
  cids.push(
    ...tree
      .close(offset < bytes.length ? leaf(offset, bytes.length) : undefined)
      .map((block) => block.cid.toString()),
  );
  return { cids, root: tree.root.toString() };
}

describe("the pilot pass's UnixFS tree", () => {
  it("emits the client encoder's blocks in its order, for trees up to four levels deep and every kind of last chunk", async () => {
    for (const width of [2, 3, 4]) {
      for (const size of [
        1,
        3,
        4,
        5,
        12,
        13,
        16,
        17,
        4 * width ** 2,
        4 * width ** 2 + 1,
        4 * width ** 3 - 1,
        4 * width ** 3 + 5,
        4 * width ** 4 + 2,
      ]) {
        const bytes = nonRepeatingBytes(size, size);
        const theirs = await encoderBlocks(bytes, 4, width);
        const ours = treeBlocks(bytes, 4, width);
        assert.deepEqual(ours.cids, theirs, `${size} bytes, width ${width}`);
        assert.equal(ours.root, theirs.at(-1));
      }
    }
  });
});

describe("the pilot pass", () => {
  let dir: string;
  let files = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-pass-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The pass and the client's encoder (encode.ts) on the same bytes, under `layout`. */
  async function bothOn(bytes: Uint8Array, layout: EncodeLayout, pieceLength = 16_384) {
    const file = join(dir, `content-${++files}`);
    await writeFile(file, bytes);
    const carDir = `${file}.car`;
    const pass = await runPass({ file, carDir, pieceLength, layout });
    const client = await encodeFile(streamed(bytes, Math.min(layout.chunkSize, 65_536)), { layout });
    return { pass, client, carDir, file };
  }

  it("gives the client's root and shard CIDs, shard boundaries and the last shard's root header included", async () => {
    const layout = { chunkSize: 1024, width: 4, shardSize: 20_000 };
    for (const size of [1, 1000, 1024, 5000, 16_384, 16_385, 20_000, 34_884, 65_536, 100_000, 300_001]) {
      const { pass, client } = await bothOn(nonRepeatingBytes(size, size % 251), layout);
      assert.equal(pass.encoded.root, client.root, `${size} bytes`);
      assert.deepEqual(pass.encoded.shards, client.shards, `${size} bytes`);
      assert.equal(pass.encoded.bytes, size);
    }
  });

  it("writes CAR files named by their CIDs whose bytes hash to them, the last one naming the root", async () => {
    const { pass, carDir } = await bothOn(nonRepeatingBytes(100_000, 5), {
      chunkSize: 1024,
      width: 4,
      shardSize: 20_000,
    });
    assert.deepEqual(
      (await readdir(carDir)).sort(),
      pass.encoded.shards.map((shard) => `${shard.cid}.car`).sort(),
      "nothing else is left in the folder",
    );
    for (const [index, shard] of pass.encoded.shards.entries()) {
      const bytes = await readFile(pass.carPaths[index]);
      assert.equal(bytes.length, shard.size);
      assert.deepEqual(
        Link.parse(shard.cid).multihash.digest,
        new Uint8Array(createHash("sha256").update(bytes).digest()),
      );
      const roots = (await (await CarReader.fromBytes(bytes)).getRoots()).map(String);
      assert.deepEqual(roots, index === pass.encoded.shards.length - 1 ? [pass.encoded.root] : []);
    }
  });

  it("hashes the same torrent pieces as make-torrent.ts, in the same read", async () => {
    const bytes = nonRepeatingBytes(3 * 1024 * 1024 + 777, 9);
    const { pass, file } = await bothOn(
      bytes,
      { chunkSize: 1024 * 1024, width: 1024, shardSize: 133_169_152 },
      262_144,
    );
    assert.deepEqual(pass.pieces, await hashPieces(file, bytes.length, 262_144));
  });

  it("gives the sample pilot the client encoder's root and shard CIDs", async () => {
    const pass = await runPass({ file: PILOT, carDir: join(dir, "sample-car"), pieceLength: 16_384 });
    const client = await encodeFile(await fileFromPath(PILOT));
    assert.equal(pass.encoded.root, client.root);
    assert.deepEqual(pass.encoded.shards, client.shards);
  });

  it("gives a file of two CAR shards at the client's settings the client's CIDs", async () => {
    // 140 MiB: the streaming sharder's path, the first shard full.
    const { pass, client } = await bothOn(
      nonRepeatingBytes(140 * 1024 * 1024, 3),
      { chunkSize: 1024 * 1024, width: 1024, shardSize: 133_169_152 },
      262_144,
    );
    assert.equal(pass.encoded.shards.length, 2);
    assert.equal(pass.encoded.root, client.root);
    assert.deepEqual(pass.encoded.shards, client.shards);
  });

  it("is recorded for pin and seed until the pilot changes", async () => {
    const file = join(dir, "recorded.bin");
    await writeFile(file, nonRepeatingBytes(50_000, 2));
    const options = { carDir: join(dir, "recorded-car"), preparedDir: join(dir, "prepared") };
    const prepared = await preparePilot(file, options);
    const read = await readPreparedPilot(file, options);
    assert.ok(isPrepared(read));
    assert.equal(read.encoded.root, prepared.encoded.root);
    assert.deepEqual(read.torrent.pieces, prepared.torrent.pieces);
    assert.ok(
      !isPrepared(await readPreparedPilot(file, { ...options, carDir: join(dir, "elsewhere") })),
      "CARs in another folder",
    );
    await writeFile(file, nonRepeatingBytes(50_001, 2));
    const stale = await readPreparedPilot(file, options);
    assert.ok(!isPrepared(stale));
    assert.match(stale.reason, /changed since it was prepared/);
  });
});
