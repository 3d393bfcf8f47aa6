/**
 * The swarm benchmark's byte accounting: the web seed counts the body bytes it sends per fan (by
 * the `fan` query parameter), and a Node fan's store holds only pieces WebTorrent handed it after
 * their hash check, serving their bytes from the original file.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { VerifiedPiecesStore } from "../../scripts/bench/swarm-store.ts";
import { startCountingWebSeed, UNNAMED, type CountingWebSeed } from "../../scripts/bench/swarm-web-seed.ts";

const SIZE = 10_000;
const BODY = Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 7) % 256));
let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "peerpilot-swarm-"));
  file = join(dir, "pilot.mp4");
  await writeFile(file, BODY);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the counting web seed", () => {
  let seed: CountingWebSeed;
  beforeAll(async () => {
    seed = await startCountingWebSeed(file);
  });
  afterAll(() => seed.close());

  it("counts each fan's ranged bytes under its name, and unnamed requests apart", async () => {
    const get = (query: string, range: string) =>
      fetch(`${seed.fileUrl}${query}`, { headers: { range } }).then(async (r) =>
        Buffer.from(await r.arrayBuffer()),
      );
    const first = await get("?fan=3", "bytes=0-999");
    const second = await get("?fan=3", "bytes=5000-5499");
    const other = await get("?fan=4", "bytes=9000-");
    const unnamed = await get("", "bytes=100-199");
    assert.deepEqual(first, BODY.subarray(0, 1000));
    assert.deepEqual(second, BODY.subarray(5000, 5500));
    assert.deepEqual(other, BODY.subarray(9000));
    assert.deepEqual(unnamed, BODY.subarray(100, 200));
    assert.equal(seed.served.get("3"), 1500);
    assert.equal(seed.served.get("4"), 1000);
    assert.equal(seed.served.get(UNNAMED), 100);
    assert.equal(seed.total(), 2600);
  });

  it("serves nothing but its one file", async () => {
    const response = await fetch(seed.fileUrl.replace("pilot.mp4", "other.mp4"));
    assert.equal(response.status, 404);
  });
});

describe("a Node fan's piece store", () => {
  const get = (
    store: VerifiedPiecesStore,
    index: number,
    options: { offset?: number; length?: number } = {},
  ) =>
    new Promise<Buffer>((resolve, reject) =>
      store.get(index, options, (error, buffer) => (error ? reject(error) : resolve(Buffer.from(buffer!)))),
    );
  const put = (store: VerifiedPiecesStore, index: number, buffer: Uint8Array) =>
    new Promise<void>((resolve, reject) =>
      store.put(index, buffer, (error) => (error ? reject(error) : resolve())),
    );

  it("has no piece it was not given", async () => {
    const store = new VerifiedPiecesStore(4096, { length: SIZE, original: file });
    await assert.rejects(get(store, 0), /piece 0 is not held yet/);
    store.close();
  });

  it("serves a piece it holds from the original file, offsets and the short last piece included", async () => {
    const store = new VerifiedPiecesStore(4096, { length: SIZE, original: file });
    await put(store, 1, BODY.subarray(4096, 8192));
    await put(store, 2, BODY.subarray(8192));
    assert.deepEqual(await get(store, 1), BODY.subarray(4096, 8192));
    assert.deepEqual(await get(store, 1, { offset: 100, length: 50 }), BODY.subarray(4196, 4246));
    assert.deepEqual(await get(store, 2), BODY.subarray(8192));
    assert.equal(store.held, 2);
    store.close();
  });

  it("refuses a piece of the wrong length", async () => {
    const store = new VerifiedPiecesStore(4096, { length: SIZE, original: file });
    await assert.rejects(put(store, 2, BODY.subarray(0, 4096)), /piece 2 has 4096 bytes, not 1808/);
    store.close();
  });
});
