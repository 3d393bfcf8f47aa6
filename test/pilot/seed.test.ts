/**
 * `seedPilot()`, what `npm run seed` does: a real seeder, a real tracker, a real manifest, in
 * process. (The command's flags and exit codes: seed-cli.test.ts.)
 */
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import parseTorrent from "parse-torrent";
import { UserError } from "../../scripts/lib/cli.ts";
import { startLocalTracker, type LocalTracker } from "../../scripts/lib/p2p/tracker.ts";
import { CAPTIONS_DEFAULTS } from "../../scripts/lib/pilot/cli-options.ts";
import { pinContent } from "../../scripts/lib/pilot/pin.ts";
import { seedPilot, type SeedOptions } from "../../scripts/lib/pilot/seed.ts";
import { ManifestError, parseManifestJson } from "../../site/lib/manifest.ts";
import { PILOT, PILOT_BYTES, PILOT_CAPTIONS, PILOT_NAME, PILOT_POSTER } from "../helpers/pilot.ts";

describe("seedPilot", () => {
  let dir: string;
  let manifestFile: string;
  let tracker: LocalTracker;
  /** The options of a run that would seed, with `changes`. */
  let options: (changes?: Partial<SeedOptions>) => SeedOptions;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-seed-"));
    manifestFile = join(dir, "campaign.json");
    await copyFile("test/fixtures/campaign.json", manifestFile);
    tracker = await startLocalTracker(0);
    options = (changes = {}) => ({
      ...CAPTIONS_DEFAULTS,
      manifest: manifestFile,
      tracker: [tracker.wsAnnounce],
      port: 0,
      webrtcBindAddress: "127.0.0.1",
      preparedDir: join(dir, "prepared"),
      log: () => undefined,
      ...changes,
    });
  });

  afterAll(async () => {
    await tracker.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Asserts that seeding with `changes` is refused with `message`, the manifest untouched. */
  async function refused(changes: Partial<SeedOptions>, message: RegExp, video = PILOT): Promise<void> {
    const file = changes.manifest ?? manifestFile;
    const before = await readFile(file, "utf8");
    await assert.rejects(seedPilot(video, options(changes)), (error: Error) => {
      assert.ok(error instanceof UserError || error instanceof ManifestError, error.stack);
      assert.match(error.message, message);
      return true;
    });
    assert.equal(await readFile(file, "utf8"), before, "the manifest is untouched");
  }

  it("refuses a missing video file, naming it", async () => {
    await refused({}, /video file not found: .*no-such-pilot\.mp4/, join(dir, "no-such-pilot.mp4"));
  });

  it("refuses a missing captions file, naming it", async () => {
    await refused({ captions: join(dir, "no-such.vtt") }, /captions file not found: .*no-such\.vtt/);
  });

  it("refuses captions that are not WebVTT, naming them", async () => {
    const srt = join(dir, "captions.srt");
    await writeFile(srt, "1\n00:00:01,000 --> 00:00:02,000\nHello\n");
    await refused({ captions: srt }, /captions file .*captions\.srt is not WebVTT/);
  });

  it("refuses a poster that is not a JPEG, PNG or WebP image, naming it", async () => {
    await refused(
      { poster: PILOT_CAPTIONS },
      new RegExp(`poster ${PILOT_CAPTIONS} is not a JPEG, PNG or WebP image`),
    );
  });

  it("refuses a .torrent path outside the manifest's folder, and writes no .torrent", async () => {
    const outside = await mkdtemp(join(tmpdir(), "peerpilot-elsewhere-"));
    try {
      const out = join(outside, "pilot.torrent");
      await refused({ out }, /the \.torrent must be written inside the manifest's folder/);
      await assert.rejects(readFile(out), { code: "ENOENT" });
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("refuses a malformed manifest, naming the bad field", async () => {
    const broken = join(dir, "broken.json");
    const data = JSON.parse(await readFile(manifestFile, "utf8")) as { escrow: { address: string } };
    data.escrow.address = "0x1234";
    await writeFile(broken, JSON.stringify(data));
    await refused({ manifest: broken }, /escrow\.address: expected a 0x-prefixed 20-byte hex address/);
  });

  it("refuses to seed without any tracker", async () => {
    const { tracker: _none, ...withoutTracker } = options();
    await assert.rejects(
      seedPilot(PILOT, withoutTracker),
      (error: Error) => error instanceof UserError && /no tracker/.test(error.message),
    );
  });

  it("uses the gateway URLs of the pilot pinned to IPFS as web seeds when none is given", async () => {
    const pinnedManifest = join(dir, "pinned.json");
    await copyFile("test/fixtures/campaign.json", pinnedManifest);
    const pin = await pinContent(PILOT, {
      offline: true,
      carDir: join(dir, "car"),
      manifest: pinnedManifest,
      gateway: ["http://127.0.0.1:9", "http://127.0.0.1:10"],
      preparedDir: join(dir, "prepared"),
      log: () => undefined,
    });
    assert.ok("pilot" in pin.pinned);
    const urls = pin.pinned.pilot.urls;
    const seeding = await seedPilot(
      PILOT,
      options({ manifest: pinnedManifest, out: join(dir, "pinned.torrent") }),
    );
    try {
      const manifest = parseManifestJson(await readFile(pinnedManifest, "utf8"));
      assert.deepEqual(manifest.torrent?.webSeeds, urls);
      assert.deepEqual((await parseTorrent(await readFile(join(dir, "pinned.torrent")))).urlList, urls);
      assert.ok(seeding.fromPass, "the pin's pass gave the pieces: the pilot was not hashed again");
    } finally {
      await seeding.seeder.close();
    }
  });

  it("writes the .torrent and the manifest's torrent section, and seeds", async () => {
    const webSeed = `http://127.0.0.1:9/${PILOT_NAME}`;
    const seeding = await seedPilot(
      PILOT,
      options({
        tracker: [tracker.wsAnnounce, tracker.httpAnnounce],
        webSeed: [webSeed],
        captions: PILOT_CAPTIONS,
        poster: PILOT_POSTER,
        preparedDir: join(dir, "none-prepared"),
      }),
    );
    try {
      const manifest = parseManifestJson(await readFile(manifestFile, "utf8"));
      const section = manifest.torrent;
      assert.ok(section, "no torrent section written");
      assert.deepEqual(section, seeding.section);
      assert.equal(seeding.fromPass, false, "no pass was recorded: the pilot was hashed");
      assert.ok(seeding.report.includes(`info hash  ${section.infoHash}`), seeding.report.join("\n"));
      assert.equal(manifest.escrow.goalBackers, 250_000, "other sections must be kept");
      const torrent = await parseTorrent(await readFile(join(dir, section.torrentFile)));
      assert.equal(torrent.infoHash, section.infoHash);
      assert.equal(torrent.name, PILOT_NAME);
      assert.equal(torrent.length, PILOT_BYTES);
      assert.deepEqual(torrent.announce, [tracker.wsAnnounce, tracker.httpAnnounce]);
      assert.deepEqual(torrent.urlList, [webSeed]);
      assert.equal(section.captions?.srclang, "en");
      assert.equal(section.poster, basename(PILOT_POSTER), "the poster is copied next to the manifest");
      assert.deepEqual(await readFile(join(dir, section.poster)), await readFile(PILOT_POSTER));
      assert.equal(seeding.seeder.torrent.progress, 1, "it seeds the whole file");
    } finally {
      await seeding.seeder.close();
    }
  });
});
