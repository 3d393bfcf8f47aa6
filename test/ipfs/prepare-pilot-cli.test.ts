/**
 * `npm run prepare-pilot` as a producer runs it (a child process, a real manifest), and what
 * `npm run pin` does with its pass.
 */
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import parseTorrent from "parse-torrent";
import { encodeFile } from "../../scripts/lib/ipfs/encode.ts";
import { fileFromPath } from "../../scripts/lib/ipfs/files.ts";
import { makeTorrent } from "../../scripts/lib/p2p/make-torrent.ts";
import { pieceLengthFor } from "../../scripts/lib/p2p/piece-length.ts";
import { parseManifestJson } from "../../site/lib/manifest.ts";
import { runScript } from "../helpers/processes.ts";
import { PILOT, PILOT_BYTES } from "../pilot/swarm.ts";

const GATEWAYS = ["--gateway", "http://127.0.0.1:9", "--gateway", "http://127.0.0.1:10"];

describe("npm run prepare-pilot", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-prepare-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints its usage with --help and exits 0", async () => {
    const result = await runScript("prepare-pilot.ts", ["--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Reads the pilot once/);
  });

  it("writes the .torrent, the CAR shards and both manifest sections from one read, with the gateway URLs as web seeds", async () => {
    const manifest = join(dir, "campaign.json");
    await copyFile("test/fixtures/campaign.json", manifest);
    const carDir = join(dir, "car");
    const result = await runScript("prepare-pilot.ts", [
      PILOT,
      "--manifest",
      manifest,
      "--car-dir",
      carDir,
      "--tracker",
      "ws://127.0.0.1:9",
      ...GATEWAYS,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const written = parseManifestJson(await readFile(manifest, "utf8"));
    const client = await encodeFile(await fileFromPath(PILOT));
    const hashed = await makeTorrent({
      file: PILOT,
      length: PILOT_BYTES,
      pieceLength: pieceLengthFor(PILOT_BYTES),
      announce: [],
      urlList: [],
    });
    assert.equal(written.ipfs?.pilot?.cid, client.root);
    assert.deepEqual(
      written.ipfs?.pilot?.shards,
      client.shards.map((shard) => shard.cid),
    );
    assert.equal(written.torrent?.infoHash, hashed.infoHash);
    assert.deepEqual(written.torrent?.webSeeds, written.ipfs?.pilot?.urls);
    const torrent = await parseTorrent(await readFile(join(dir, written.torrent?.torrentFile ?? "")));
    assert.equal(torrent.infoHash, hashed.infoHash);
    assert.deepEqual(torrent.urlList, written.ipfs?.pilot?.urls);
    assert.deepEqual(
      await readdir(carDir),
      client.shards.map((shard) => `${shard.cid}.car`),
    );
  });

  it("is what npm run pin then uses: the CAR shards on disk, without reading the pilot again", async () => {
    const manifest = join(dir, "pin-campaign.json");
    await copyFile("test/fixtures/campaign.json", manifest);
    const carDir = join(dir, "pin-car");
    const prepared = await runScript("prepare-pilot.ts", [
      PILOT,
      "--manifest",
      manifest,
      "--car-dir",
      carDir,
      "--tracker",
      "ws://127.0.0.1:9",
      ...GATEWAYS,
    ]);
    assert.equal(prepared.code, 0, prepared.stderr);
    const pin = await runScript("pin.ts", [
      PILOT,
      "--offline",
      "--car-dir",
      carDir,
      "--manifest",
      manifest,
      ...GATEWAYS,
    ]);
    assert.equal(pin.code, 0, pin.stderr);
    assert.match(
      pin.stderr,
      /sample-pilot\.mp4 was prepared \(npm run prepare-pilot\): its CAR shards in .* are used as they are, without reading the pilot again/,
    );
    assert.doesNotMatch(pin.stderr, /^reading /m);
    assert.match(
      pin.stdout,
      new RegExp(`^root {5}${parseManifestJson(await readFile(manifest, "utf8")).ipfs?.pilot?.cid}$`, "m"),
    );
  });

  it("runs before npm run deploy too: with no manifest yet, it prepares and records nothing", async () => {
    const manifest = join(dir, "not-yet.json");
    const result = await runScript("prepare-pilot.ts", [
      PILOT,
      "--manifest",
      manifest,
      "--car-dir",
      join(dir, "car-early"),
      "--tracker",
      "ws://127.0.0.1:9",
      ...GATEWAYS,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /not-yet\.json does not exist yet: nothing recorded/);
  });

  it("refuses a missing pilot file, naming it, with exit code 2", async () => {
    const result = await runScript("prepare-pilot.ts", [
      join(dir, "no-such.mp4"),
      "--tracker",
      "ws://127.0.0.1:9",
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /pilot file not found: .*no-such\.mp4/);
  });
});
