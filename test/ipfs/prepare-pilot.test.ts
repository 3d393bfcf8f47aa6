/**
 * `prepareToPublish()`, what `npm run prepare-pilot` does (a real manifest, real files, in
 * process), and what `pinContent()` does with its pass. (The command's flags and exit codes:
 * prepare-pilot-cli.test.ts.)
 */
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import parseTorrent from "parse-torrent";
import { UserError } from "../../scripts/lib/cli.ts";
import { encodeFile } from "../../scripts/lib/ipfs/encode.ts";
import { fileFromPath } from "../../scripts/lib/ipfs/files.ts";
import { CAPTIONS_DEFAULTS } from "../../scripts/lib/pilot/cli-options.ts";
import { pinContent } from "../../scripts/lib/pilot/pin.ts";
import {
  prepareToPublish,
  type PrepareToPublishOptions,
} from "../../scripts/lib/pilot/prepare-to-publish.ts";
import { parseManifestJson } from "../../site/lib/manifest.ts";
import { PILOT } from "../helpers/pilot.ts";
import { pilotTorrent } from "../pilot/swarm.ts";

const GATEWAYS = ["http://127.0.0.1:9", "http://127.0.0.1:10"];

describe("prepareToPublish", () => {
  let dir: string;
  /** The options of a run with a manifest named `manifest` in the test's folder, with `changes`. */
  let options: (manifest: string, changes?: Partial<PrepareToPublishOptions>) => PrepareToPublishOptions;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-prepare-"));
    options = (manifest, changes = {}) => ({
      ...CAPTIONS_DEFAULTS,
      manifest: join(dir, manifest),
      carDir: join(dir, `${manifest}-car`),
      tracker: ["ws://127.0.0.1:9"],
      gateway: GATEWAYS,
      preparedDir: join(dir, "prepared"),
      ...changes,
    });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the .torrent, the CAR shards and both manifest sections from one read, with the gateway URLs as web seeds", async () => {
    await copyFile("test/fixtures/campaign.json", join(dir, "campaign.json"));
    const result = await prepareToPublish(PILOT, options("campaign.json"));
    const written = parseManifestJson(await readFile(join(dir, "campaign.json"), "utf8"));
    assert.deepEqual(written, result.manifest);
    const client = await encodeFile(await fileFromPath(PILOT));
    const hashed = await pilotTorrent();
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
      await readdir(join(dir, "campaign.json-car")),
      client.shards.map((shard) => `${shard.cid}.car`),
    );
  });

  it("is what pinContent then uses: the CAR shards on disk, without reading the pilot again", async () => {
    await copyFile("test/fixtures/campaign.json", join(dir, "pin-campaign.json"));
    const prepared = await prepareToPublish(PILOT, options("pin-campaign.json"));
    const logged: string[] = [];
    const pin = await pinContent(PILOT, {
      offline: true,
      carDir: join(dir, "pin-campaign.json-car"),
      manifest: join(dir, "pin-campaign.json"),
      gateway: GATEWAYS,
      preparedDir: join(dir, "prepared"),
      log: (line) => logged.push(line),
    });
    assert.equal(pin.fromPass, true);
    assert.match(
      logged.join("\n"),
      /sample-pilot\.mp4 was prepared \(npm run prepare-pilot\): its CAR shards in .* are used as they are, without reading the pilot again/,
    );
    assert.equal(pin.encoded.root, prepared.pilot.cid);
    assert.deepEqual(pin.carPaths, prepared.prepared.carPaths);
  });

  it("runs before npm run deploy too: with no manifest yet, it prepares and records nothing", async () => {
    const result = await prepareToPublish(PILOT, options("not-yet.json"));
    assert.equal(result.manifest, undefined);
    await assert.rejects(readFile(join(dir, "not-yet.json")), { code: "ENOENT" });
    assert.ok(result.report.some((line) => /not-yet\.json does not exist yet: nothing recorded/.test(line)));
    assert.equal(result.prepared.carPaths.length, 1, "the pass still wrote the CAR shards");
  });

  it("refuses a missing pilot file, naming it", async () => {
    await assert.rejects(
      prepareToPublish(join(dir, "no-such.mp4"), options("campaign.json")),
      (error: Error) =>
        error instanceof UserError && /pilot file not found: .*no-such\.mp4/.test(error.message),
    );
  });

  it("refuses a .torrent path outside the manifest's folder before reading the pilot", async () => {
    const outside = await mkdtemp(join(tmpdir(), "peerpilot-elsewhere-"));
    try {
      await assert.rejects(
        prepareToPublish(PILOT, options("outside.json", { out: join(outside, "pilot.torrent") })),
        /the \.torrent must be written inside the manifest's folder/,
      );
      await assert.rejects(
        readdir(join(dir, "outside.json-car")),
        { code: "ENOENT" },
        "no CAR shard written",
      );
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
