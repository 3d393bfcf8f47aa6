/**
 * The local gateway's blockstore with CAR files left on disk (a 1.5 GB pilot is never loaded):
 * blocks are found by offset, read when asked for, and still checked against their CIDs.
 */
import assert from "node:assert/strict";
import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { CarIndexer } from "@ipld/car";
import { exporter } from "ipfs-unixfs-exporter";
import { CID } from "multiformats/cid";
import { BlockMismatchError, CarBlockstore } from "../../scripts/lib/ipfs/car-blockstore.ts";
import { nonRepeatingBytes } from "../../scripts/lib/non-repeating-bytes.ts";
import { runPass, type PassOutput } from "../../scripts/lib/pilot/pass.ts";

describe("CAR files on disk in the gateway's blockstore", () => {
  let dir: string;
  let content: Uint8Array;
  let pass: PassOutput;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-disk-cars-"));
    content = nonRepeatingBytes(100_000, 4);
    await writeFile(join(dir, "content.bin"), content);
    pass = await runPass({
      file: join(dir, "content.bin"),
      carDir: join(dir, "car"),
      pieceLength: 16_384,
      layout: { chunkSize: 1024, width: 4, shardSize: 20_000 },
    });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("serves the file whole from several CAR shards on disk, naming the last shard's root", async () => {
    const store = new CarBlockstore();
    const roots = [];
    for (const path of pass.carPaths) roots.push(...(await store.add(path)));
    assert.deepEqual(roots.map(String), [pass.encoded.root]);
    const entry = await exporter(pass.encoded.root, store);
    assert.equal(entry.type, "file");
    const chunks: Uint8Array[] = [];
    for await (const chunk of (entry as { content(): AsyncIterable<Uint8Array> }).content())
      chunks.push(chunk);
    assert.deepEqual(Buffer.concat(chunks), Buffer.from(content));
  });

  it("refuses a block whose bytes on disk changed after it was indexed", async () => {
    const path = pass.carPaths[0];
    const store = new CarBlockstore();
    await store.add(path);
    const indexer = await CarIndexer.fromBytes(await readFile(path));
    const first = (await indexer[Symbol.asyncIterator]().next()).value as { cid: CID; blockOffset: number };
    const handle = await open(path, "r+");
    try {
      await handle.write(Buffer.from("forged"), 0, 6, first.blockOffset);
    } finally {
      await handle.close();
    }
    await assert.rejects(store.block(first.cid), BlockMismatchError);
  });
});
