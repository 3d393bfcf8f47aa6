import assert from "node:assert/strict";
import { describe, it } from "vitest";
import parseTorrent from "parse-torrent";
import { makeTorrent } from "../../scripts/lib/p2p/make-torrent.ts";
import { pieceLengthFor } from "../../scripts/lib/p2p/piece-length.ts";
import { pilotTorrent, torrentByCreateTorrent } from "./swarm.ts";
import { PILOT, PILOT_BYTES } from "../helpers/pilot.ts";

describe("making the pilot's .torrent", () => {
  it("gives the same info hash as create-torrent, an independent implementation", async () => {
    const ours = await pilotTorrent();
    const theirs = await parseTorrent(await torrentByCreateTorrent(PILOT, [], []));
    assert.equal(ours.infoHash, theirs.infoHash);
  });

  it("carries the trackers as announce-list and the web seeds as BEP 19 url-list", async () => {
    const announce = ["wss://tracker.example/announce", "https://tracker.example/announce"];
    const urlList = ["https://gateway.example/ipfs/bafy/sample-pilot.mp4"];
    const made = await makeTorrent({
      file: PILOT,
      length: PILOT_BYTES,
      pieceLength: 65_536,
      announce,
      urlList,
    });
    const parsed = await parseTorrent(made.torrentFile);
    assert.deepEqual(parsed.announce, announce);
    assert.deepEqual(parsed.urlList, urlList);
    assert.equal(parsed.pieceLength, 65_536);
    assert.equal(parsed.length, PILOT_BYTES);
    assert.equal(parsed.infoHash, made.infoHash);
  });

  it("chooses 1 MiB pieces for a one-hour pilot of 1.5 GB and 16 KiB for the 4 MB sample", () => {
    assert.equal(pieceLengthFor(1.5e9), 1024 * 1024);
    assert.equal(pieceLengthFor(PILOT_BYTES), 16 * 1024);
  });
});
