/**
 * The CIDs `npm run pin` computes are the ones any IPFS implementation computes with the same
 * settings: checked against Helia's importer (ipfs-unixfs-importer), written independently of
 * the Storacha encoder the pin uses.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";
import { importer, type ImporterOptions } from "ipfs-unixfs-importer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import {
  encodeDirectory,
  encodeFile,
  UNIXFS_SETTINGS,
  type EncoderBlob,
} from "../../scripts/lib/ipfs/encode.ts";
import { directoryFiles, fileFromPath } from "../../scripts/lib/ipfs/files.ts";
import { nonRepeatingChunks, writeNonRepeatingFile } from "../../scripts/lib/non-repeating-bytes.ts";
import { runPass } from "../../scripts/lib/pilot/pass.ts";

const MIB = 1024 * 1024;

/** The pin's settings, spelled out the way Helia takes them. */
const HELIA_OPTIONS: ImporterOptions = {
  cidVersion: 1,
  rawLeaves: true,
  reduceSingleLeafToSelf: true,
  chunker: fixedSize({ chunkSize: UNIXFS_SETTINGS.chunkSize }),
  layout: balanced({ maxChildrenPerNode: UNIXFS_SETTINGS.maxChildrenPerNode }),
};

/** Helia's importer only needs somewhere to put blocks; the CID is all we compare. */
const discard = { put: (cid: unknown) => Promise.resolve(cid) } as unknown as Parameters<typeof importer>[1];

/** `size` bytes that never repeat, streamed as many times as asked. */
function generated(size: number): EncoderBlob & { chunks(): Iterable<Uint8Array> } {
  const chunks = () => nonRepeatingChunks(size, 7);
  return {
    size,
    chunks,
    stream: () => {
      const source = chunks();
      return new ReadableStream<Uint8Array<ArrayBuffer>>({
        pull(controller) {
          const next = source.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
      });
    },
  };
}

async function heliaFileCid(
  content: Iterable<Uint8Array> | Uint8Array,
  options: ImporterOptions = HELIA_OPTIONS,
): Promise<string> {
  let root: string | undefined;
  for await (const entry of importer([{ content }], discard, options)) root = entry.cid.toString();
  if (root === undefined) throw new Error("the importer returned nothing");
  return root;
}

describe("IPFS CIDs: the pin's encoder and Helia's importer agree", () => {
  it("a file of more than 1,024 chunks (a two-level tree) gets the same root CID", async () => {
    const blob = generated(1025 * MIB + 12_345);
    const ours = await encodeFile(blob);
    assert.equal(ours.bytes, blob.size);
    assert.ok(ours.shards.length > 1, "a file this size spans several CAR shards");
    assert.equal(ours.root, await heliaFileCid(blob.chunks()));
  });

  it("the sample pilot gets the same root CID, also under Helia's unixfs-v1-2025 profile", async () => {
    const pilot = await fileFromPath("media/sample-pilot.mp4");
    const ours = await encodeFile(pilot);
    const bytes = new Uint8Array(await pilot.arrayBuffer());
    assert.equal(ours.root, await heliaFileCid(bytes));
    assert.equal(ours.root, await heliaFileCid(bytes, { profile: "unixfs-v1-2025" }));
  });

  it("a file of one chunk is a single raw block, as in Helia", async () => {
    const small = generated(1000);
    const ours = await encodeFile(small);
    assert.match(ours.root, /^bafk/, "a raw-leaf CID");
    assert.equal(ours.root, await heliaFileCid(small.chunks()));
  });

  it("a directory (the site's shape: nested files) gets the same root CID", async () => {
    const files = await directoryFiles("test/fixtures/site-tree");
    const ours = await encodeDirectory(files);
    let root: string | undefined;
    const candidates = await Promise.all(
      files.map(async (file) => ({ path: file.name, content: new Uint8Array(await file.arrayBuffer()) })),
    );
    for await (const entry of importer(candidates, discard, { ...HELIA_OPTIONS, wrapWithDirectory: true }))
      root = entry.cid.toString();
    assert.equal(ours.root, root);
  });
});

/** The pilot pass (scripts/lib/pilot/pass.ts) on a file written for the test, in a folder removed after. */
async function passOn(write: (file: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), "peerpilot-cid-pass-"));
  try {
    const file = join(dir, "content.bin");
    await write(file);
    return await runPass({ file, carDir: join(dir, "car"), pieceLength: 1024 * 1024 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("IPFS CIDs: the pilot pass, the client's encoder and Helia's importer agree", () => {
  it("the sample pilot gets the same root CID and shards", async () => {
    const pass = await passOn(async (file) => {
      const { copyFile } = await import("node:fs/promises");
      await copyFile("media/sample-pilot.mp4", file);
    });
    const client = await encodeFile(await fileFromPath("media/sample-pilot.mp4"));
    assert.equal(pass.encoded.root, client.root);
    assert.deepEqual(pass.encoded.shards, client.shards);
    assert.equal(
      pass.encoded.root,
      await heliaFileCid(new Uint8Array(await readFile("media/sample-pilot.mp4"))),
    );
  });

  it("a file of one chunk is a single raw block, as in Helia", async () => {
    const small = generated(1000);
    const pass = await passOn((file) => writeNonRepeatingFile(file, 1000, 7));
    assert.match(pass.encoded.root, /^bafk/);
    assert.equal(pass.encoded.root, await heliaFileCid(small.chunks()));
  });

  // A gigabyte on disk and two full encodings (about a minute here): the one size that makes a
  // real two-level tree (narrow layouts cover deeper shapes in test/ipfs/pilot-pass.test.ts).
  it("a file of more than 1,024 chunks (a two-level tree, 9 shards) gets the same root CID and shards", async () => {
    const blob = generated(1025 * MIB + 12_345);
    const pass = await passOn((file) => writeNonRepeatingFile(file, blob.size, 7));
    const client = await encodeFile(blob);
    assert.equal(pass.encoded.root, client.root);
    assert.deepEqual(pass.encoded.shards, client.shards);
    assert.equal(pass.encoded.root, await heliaFileCid(blob.chunks()));
  }, 300_000);
});
