/**
 * The pilot, peer-to-peer, in Node on loopback: the seeder, the local tracker, web seeds and
 * downloaders are all real; only the network is 127.0.0.1.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "vitest";
import { startSeeder } from "../../scripts/lib/p2p/seeder.ts";
import { startLocalTracker } from "../../scripts/lib/p2p/tracker.ts";
import { Cleanup, download, torrentByCreateTorrent, sameAsPilot, startWebSeed } from "./swarm.ts";
import { PILOT, PILOT_BYTES } from "../helpers/pilot.ts";

/** WebRTC candidates on loopback only: no packet of these tests goes to another address. */
const LOOPBACK = "127.0.0.1";

describe("the pilot over BitTorrent (Node, loopback)", () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function swarm(webSeeds: string[] = [], seederOptions: { uploadLimit?: number } = {}) {
    const tracker = await startLocalTracker(0, 5_000);
    cleanup.add(() => tracker.close());
    const seeder = await startSeeder({
      file: PILOT,
      trackers: [tracker.wsAnnounce, tracker.httpAnnounce],
      webSeeds,
      webrtcBindAddress: LOOPBACK,
      ...seederOptions,
    });
    cleanup.add(() => seeder.close());
    return { tracker, seeder };
  }

  it("transfers the pilot from the seeder to a downloader over TCP through the local tracker", async () => {
    const { seeder, tracker } = await swarm();
    const dl = await download(cleanup, seeder.torrentFile, { webrtc: false }, [tracker.httpAnnounce]);
    await dl.done;
    assert.deepEqual([...dl.bytesByType.keys()], ["tcpOutgoing"]);
    assert.equal(await sameAsPilot(dl.dir), true);
  });

  it("transfers the pilot over WebRTC when the only tracker is a WebSocket one", async () => {
    const { seeder, tracker } = await swarm();
    // A magnet with only the ws:// tracker: the metadata and every byte come over WebRTC.
    const magnet = `magnet:?xt=urn:btih:${seeder.infoHash}&tr=${encodeURIComponent(tracker.wsAnnounce)}`;
    const dl = await download(cleanup, magnet, { webSeeds: false, webrtcBindAddress: LOOPBACK });
    await dl.done;
    assert.deepEqual([...dl.bytesByType.keys()], ["webrtc"]);
    assert.equal(await sameAsPilot(dl.dir), true);
  });

  it("completes from a web seed alone when there is no peer at all", async () => {
    const webSeed = await startWebSeed(cleanup, PILOT);
    const dl = await download(cleanup, await torrentByCreateTorrent(PILOT, [], [webSeed.url]));
    await dl.done;
    assert.deepEqual([...dl.bytesByType.keys()], ["webSeed"]);
    assert.equal(dl.bytesByType.get("webSeed"), PILOT_BYTES);
    assert.equal(await sameAsPilot(dl.dir), true);
  });

  it("rejects the pieces a web seed corrupts and still completes the pilot intact from a good source", async () => {
    // The lying web seed flips every byte of the middle half of the file.
    const liar = await startWebSeed(cleanup, PILOT, {
      corrupt: { start: PILOT_BYTES / 4, end: (3 * PILOT_BYTES) / 4 },
    });
    const honest = await startWebSeed(cleanup, PILOT, { bytesPerSecond: 2 * 1024 * 1024 });
    const dl = await download(cleanup, await torrentByCreateTorrent(PILOT, [], [liar.url, honest.url]));
    await dl.done;
    const failures = dl.warnings.filter((warning) => /Piece \d+ failed verification/.test(warning));
    assert.ok(failures.length > 0, `no piece was rejected; warnings: ${dl.warnings.join("; ")}`);
    assert.equal(await sameAsPilot(dl.dir), true);
  });

  it("completes from the web seed after the tracker and the seeder go away mid-download", async () => {
    const webSeed = await startWebSeed(cleanup, PILOT, { bytesPerSecond: 1024 * 1024 });
    const { tracker, seeder } = await swarm([webSeed.url], { uploadLimit: 256 * 1024 });
    const dl = await download(cleanup, seeder.torrentFile, { webrtc: false }, [tracker.httpAnnounce]);
    await new Promise<void>((halfway) => {
      const check = () => (dl.torrent.progress > 0.25 ? halfway() : setTimeout(check, 50));
      check();
    });
    assert.ok(dl.torrent.progress < 1, "finished before the swarm could be taken away");
    await tracker.close();
    await seeder.close();
    const fromWebSeedBefore = dl.bytesByType.get("webSeed") ?? 0;
    await dl.done;
    assert.ok(
      (dl.bytesByType.get("webSeed") ?? 0) > fromWebSeedBefore,
      "the web seed carried nothing after the swarm left",
    );
    assert.equal(await sameAsPilot(dl.dir), true);
  });
});
