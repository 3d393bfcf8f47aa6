/**
 * `npm run seed` as a producer runs it: a real child process, a real tracker, a real manifest.
 */
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import parseTorrent from "parse-torrent";
import { startLocalTracker, type LocalTracker } from "../../scripts/lib/p2p/tracker.ts";
import { parseManifestJson } from "../../site/lib/manifest.ts";
import { runScript, startScript } from "../helpers/processes.ts";
import { PILOT, PILOT_BYTES } from "./swarm.ts";

describe("npm run seed", () => {
  let dir: string;
  let manifestFile: string;
  let tracker: LocalTracker;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-seed-"));
    manifestFile = join(dir, "campaign.json");
    await copyFile("test/fixtures/campaign.json", manifestFile);
    tracker = await startLocalTracker(0);
  });

  afterAll(async () => {
    await tracker.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("prints its usage with --help and exits 0", async () => {
    const result = await runScript("seed.ts", ["--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: npm run seed -- <video file>/);
  });

  it("refuses a missing video file, naming it, with exit code 2", async () => {
    const result = await runScript("seed.ts", [join(dir, "no-such-pilot.mp4"), "--manifest", manifestFile]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /video file not found: .*no-such-pilot\.mp4/);
  });

  it("refuses a missing captions file, naming it, with exit code 2", async () => {
    const result = await runScript("seed.ts", [
      PILOT,
      "--captions",
      join(dir, "no-such.vtt"),
      "--manifest",
      manifestFile,
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /captions file not found: .*no-such\.vtt/);
  });

  it("refuses captions that are not WebVTT, naming them, with exit code 2 and the manifest untouched", async () => {
    const srt = join(dir, "captions.srt");
    await writeFile(srt, "1\n00:00:01,000 --> 00:00:02,000\nHello\n");
    const before = await readFile(manifestFile, "utf8");
    const result = await runScript("seed.ts", [
      PILOT,
      "--captions",
      srt,
      "--manifest",
      manifestFile,
      "--tracker",
      tracker.wsAnnounce,
      "--port",
      "0",
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /captions file .*captions\.srt is not WebVTT/);
    assert.equal(await readFile(manifestFile, "utf8"), before);
  });

  it("refuses a poster that is not a JPEG, PNG or WebP image, naming it, with exit code 2 and the manifest untouched", async () => {
    const before = await readFile(manifestFile, "utf8");
    const result = await runScript("seed.ts", [
      PILOT,
      "--poster",
      "media/sample-pilot.vtt",
      "--manifest",
      manifestFile,
      "--tracker",
      tracker.wsAnnounce,
      "--port",
      "0",
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /poster media\/sample-pilot\.vtt is not a JPEG, PNG or WebP image/);
    assert.equal(await readFile(manifestFile, "utf8"), before);
  });

  it("refuses a .torrent path outside the manifest's folder, with exit code 2 and the manifest untouched", async () => {
    const outside = await mkdtemp(join(tmpdir(), "peerpilot-elsewhere-"));
    try {
      const before = await readFile(manifestFile, "utf8");
      const out = join(outside, "pilot.torrent");
      const result = await runScript("seed.ts", [
        PILOT,
        "--out",
        out,
        "--manifest",
        manifestFile,
        "--tracker",
        tracker.wsAnnounce,
        "--port",
        "0",
      ]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /the \.torrent must be written inside the manifest's folder/);
      assert.equal(await readFile(manifestFile, "utf8"), before);
      await assert.rejects(readFile(out), { code: "ENOENT" });
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("refuses a malformed manifest, naming the bad field, with exit code 2", async () => {
    const broken = join(dir, "broken.json");
    const data = JSON.parse(await readFile(manifestFile, "utf8"));
    data.escrow.address = "0x1234";
    await writeFile(broken, JSON.stringify(data));
    const result = await runScript("seed.ts", [PILOT, "--manifest", broken, "--tracker", tracker.wsAnnounce]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /escrow\.address: expected a 0x-prefixed 20-byte hex address/);
  });

  it("refuses to seed without any tracker", async () => {
    const result = await runScript("seed.ts", [PILOT, "--manifest", manifestFile]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no tracker/);
  });

  it("uses the gateway URLs of the pilot pinned to IPFS as web seeds when none is given", async () => {
    const pinnedManifest = join(dir, "pinned.json");
    await copyFile("test/fixtures/campaign.json", pinnedManifest);
    const pin = await runScript("pin.ts", [
      PILOT,
      "--offline",
      "--car-dir",
      join(dir, "car"),
      "--manifest",
      pinnedManifest,
      "--gateway",
      "http://127.0.0.1:9",
      "--gateway",
      "http://127.0.0.1:10",
    ]);
    assert.equal(pin.code, 0, pin.stderr);
    const pinned = parseManifestJson(await readFile(pinnedManifest, "utf8")).ipfs?.pilot;
    assert.ok(pinned);
    const seeding = await startScript(
      "seed.ts",
      [
        PILOT,
        "--manifest",
        pinnedManifest,
        "--tracker",
        tracker.wsAnnounce,
        "--port",
        "0",
        "--out",
        join(dir, "pinned.torrent"),
      ],
      "Press Ctrl-C to stop.",
    );
    try {
      const manifest = parseManifestJson(await readFile(pinnedManifest, "utf8"));
      assert.deepEqual(manifest.torrent?.webSeeds, pinned.urls);
      assert.deepEqual(
        (await parseTorrent(await readFile(join(dir, "pinned.torrent")))).urlList,
        pinned.urls,
      );
    } finally {
      assert.equal(await seeding.interrupt(), 0);
    }
  });

  it("writes the .torrent and the manifest's torrent section, seeds, and stops cleanly on Ctrl-C", async () => {
    const webSeed = "http://127.0.0.1:9/sample-pilot.mp4";
    const seeding = await startScript(
      "seed.ts",
      [
        PILOT,
        "--manifest",
        manifestFile,
        "--tracker",
        tracker.wsAnnounce,
        "--tracker",
        tracker.httpAnnounce,
        "--web-seed",
        webSeed,
        "--captions",
        "media/sample-pilot.vtt",
        "--poster",
        "media/sample-pilot.jpg",
        "--port",
        "0",
      ],
      "Press Ctrl-C to stop.",
    );
    try {
      const manifest = parseManifestJson(await readFile(manifestFile, "utf8"));
      const section = manifest.torrent;
      assert.ok(section, "no torrent section written");
      assert.match(seeding.output(), new RegExp(`info hash  ${section.infoHash}`));
      assert.equal(manifest.escrow.goalBackers, 250_000, "other sections must be kept");
      const torrent = await parseTorrent(await readFile(join(dir, section.torrentFile)));
      assert.equal(torrent.infoHash, section.infoHash);
      assert.equal(torrent.name, "sample-pilot.mp4");
      assert.equal(torrent.length, PILOT_BYTES);
      assert.deepEqual(torrent.announce, [tracker.wsAnnounce, tracker.httpAnnounce]);
      assert.deepEqual(torrent.urlList, [webSeed]);
      assert.equal(section.captions?.srclang, "en");
      assert.equal(section.poster, "sample-pilot.jpg", "the poster is copied next to the manifest");
      assert.deepEqual(await readFile(join(dir, section.poster)), await readFile("media/sample-pilot.jpg"));
    } finally {
      assert.equal(await seeding.interrupt(), 0);
    }
  });
});
