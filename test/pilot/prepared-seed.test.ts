/**
 * Seeding a prepared pilot: the seeder takes the pilot pass's pieces instead of hashing the file,
 * and `recheck` reads the file back against them.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { pieceLengthFor } from "../../scripts/lib/p2p/piece-length.ts";
import { startSeeder } from "../../scripts/lib/p2p/seeder.ts";
import { pilotTorrent } from "./swarm.ts";
import { runPass } from "../../scripts/lib/pilot/pass.ts";
import { PILOT, PILOT_BYTES } from "../helpers/pilot.ts";

describe("seeding the pilot with the pass's pieces", () => {
  let dir: string;
  let pieces: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-prepared-seed-"));
    pieces = (
      await runPass({ file: PILOT, carDir: join(dir, "car"), pieceLength: pieceLengthFor(PILOT_BYTES) })
    ).pieces;
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const options = {
    file: PILOT,
    trackers: ["ws://127.0.0.1:9"],
    webSeeds: [],
    torrentPort: 0,
    webrtcBindAddress: "127.0.0.1",
  };

  it("seeds the torrent make-torrent.ts makes of the file, all pieces present, without hashing it", async () => {
    const hashed = await pilotTorrent();
    const seeder = await startSeeder({
      ...options,
      pieces,
      onHashProgress: () => assert.fail("the file was hashed"),
    });
    try {
      assert.equal(seeder.infoHash, hashed.infoHash);
      assert.equal(seeder.torrent.progress, 1);
    } finally {
      await seeder.close();
    }
  });

  it("with recheck, reads the file back and seeds when every piece matches", async () => {
    const seeder = await startSeeder({ ...options, pieces, recheck: true });
    try {
      assert.equal(seeder.torrent.progress, 1);
    } finally {
      await seeder.close();
    }
  });

  it("with recheck, refuses pieces that do not match the file, saying how many", async () => {
    const wrong = Buffer.from(pieces);
    wrong.fill(0, 0, 40);
    await assert.rejects(
      startSeeder({ ...options, pieces: wrong, recheck: true }),
      /the recheck found 2 of \d+ pieces that do not match/,
    );
  });
});
