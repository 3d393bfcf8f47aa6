/**
 * The pilot and a desktop BitTorrent client (aria2, from Debian), both ways, on loopback: what a
 * fan with a desktop client meets. Desktop clients ignore WebSocket trackers, so the torrent
 * carries the local tracker's HTTP announce too, as `npm run seed` and `npm start` make it.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, it } from "vitest";
import { startSeeder } from "../../scripts/lib/p2p/seeder.ts";
import { startLocalTracker } from "../../scripts/lib/p2p/tracker.ts";
import { ARIA2, missing } from "../helpers/requirements.ts";
import { Cleanup, download, sameAsPilot } from "./swarm.ts";
import { PILOT } from "../helpers/pilot.ts";

/**
 * aria2 kept to loopback and to this torrent: no DHT, no local peer discovery, no peer exchange,
 * bound to 127.0.0.1, no IPv6, a fixed TCP port range.
 */
const ARIA2_LOOPBACK = [
  "--enable-dht=false",
  "--enable-dht6=false",
  "--bt-enable-lpd=false",
  "--enable-peer-exchange=false",
  "--disable-ipv6=true",
  "--interface=127.0.0.1",
  "--bt-tracker-interval=2",
  "--summary-interval=0",
  "--console-log-level=warn",
];

function aria2(args: string[], cleanup: Cleanup): ChildProcess {
  const child = spawn("aria2c", [...ARIA2_LOOPBACK, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  cleanup.add(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });
  return child;
}

describe.skipIf(missing(ARIA2))("the pilot and a desktop BitTorrent client (aria2, loopback)", () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "peerpilot-aria2-"));
    cleanup.add(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  it("aria2 downloads the pilot from the seeder over TCP through the HTTP tracker, byte for byte", async () => {
    const tracker = await startLocalTracker(0, 2_000);
    cleanup.add(() => tracker.close());
    const seeder = await startSeeder({
      file: PILOT,
      trackers: [tracker.wsAnnounce, tracker.httpAnnounce],
      webSeeds: [],
      torrentPort: 0,
    });
    cleanup.add(() => seeder.close());
    const dir = await tempDir();
    const torrentFile = join(dir, "pilot.torrent");
    await writeFile(torrentFile, seeder.torrentFile);

    const client = aria2(["--dir", dir, "--seed-time=0", "--listen-port=17100-17110", torrentFile], cleanup);
    let output = "";
    client.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    client.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(client, "exit")) as [number | null];
    assert.equal(code, 0, output);
    assert.ok(await sameAsPilot(dir), "aria2's copy differs from the pilot");
    assert.ok(seeder.torrent.uploaded > 0, "the bytes came from the seeder");
  });

  it("WebTorrent downloads the pilot from aria2 seeding it, over TCP through the HTTP tracker", async () => {
    const tracker = await startLocalTracker(0, 2_000);
    cleanup.add(() => tracker.close());
    // The .torrent as the seeder makes it, then the seeder goes away: aria2 is the only source.
    const seeder = await startSeeder({
      file: PILOT,
      trackers: [tracker.httpAnnounce],
      webSeeds: [],
      torrentPort: 0,
    });
    const torrentFile = seeder.torrentFile;
    await seeder.close();
    const dir = await tempDir();
    await copyFile(PILOT, join(dir, "sample-pilot.mp4"));
    await writeFile(join(dir, "pilot.torrent"), torrentFile);
    // -V: check the file against the piece hashes, then seed it (for a minute at most).
    aria2(
      [
        "--dir",
        dir,
        "-V",
        "--seed-ratio=0.0",
        "--seed-time=1",
        "--listen-port=17120-17130",
        join(dir, "pilot.torrent"),
      ],
      cleanup,
    );

    const fan = await download(cleanup, torrentFile, { webrtc: false, webSeeds: false });
    await fan.done;
    assert.ok(await sameAsPilot(fan.dir), "WebTorrent's copy differs from the pilot");
    // Whichever side dials first (both announce), the bytes come over TCP: no web seed, no WebRTC.
    const wires = [...fan.bytesByType.keys()];
    assert.ok(
      wires.length > 0 && wires.every((type) => type === "tcpOutgoing" || type === "tcpIncoming"),
      `bytes came over ${wires.join(", ")}`,
    );
  });
});
