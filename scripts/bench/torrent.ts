/**
 * BitTorrent figures: the seeder's hashing speed against sha1sum on the same 1 GiB file, and
 * Node-to-Node download throughput over TCP and over WebRTC on loopback.
 */
import { execFile } from "node:child_process";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { createNodeClient, destroyClient } from "../lib/p2p/client.ts";
import { startSeeder } from "../lib/p2p/seeder.ts";
import { startLocalTracker } from "../lib/p2p/tracker.ts";
import { progress } from "../lib/cli.ts";
import { markdownTable } from "./stats.ts";

const run = promisify(execFile);
const MIB = 1024 * 1024;

/** Writes `mib` MiB of incompressible bytes (a random 4 MiB block, repeated). */
async function makeFile(path: string, mib: number): Promise<void> {
  const block = randomBytes(4 * MIB);
  const file = await open(path, "w");
  try {
    for (let written = 0; written < mib; written += 4)
      await file.write(block, 0, Math.min(4, mib - written) * MIB);
  } finally {
    await file.close();
  }
}

async function seconds<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [(performance.now() - started) / 1000, result];
}

export interface TorrentFigures {
  hashMiBs: number;
  sha1sumMiBs: number;
  tcpMiBs: number;
  webrtcMiBs: number;
  hashFileMiB: number;
  transferFileMiB: number;
}

export async function measureTorrent(hashMiB = 1024, transferMiB = 200): Promise<TorrentFigures> {
  const dir = await mkdtemp(join(tmpdir(), "peerpilot-bench-"));
  try {
    const big = join(dir, "pilot-1g.bin");
    progress(`torrent: writing a ${hashMiB} MiB file…`);
    await makeFile(big, hashMiB);
    progress("torrent: sha1sum…");
    const [sha1Seconds] = await seconds(() => run("sha1sum", [big]));
    progress("torrent: hashing with the seeder…");
    const [hashSeconds, seeder] = await seconds(() =>
      startSeeder({
        file: big,
        trackers: [],
        webSeeds: ["http://127.0.0.1:9/unused"],
        webrtcBindAddress: "127.0.0.1",
      }),
    );
    await seeder.close();
    await rm(big);

    const medium = join(dir, "pilot.bin");
    await makeFile(medium, transferMiB);
    const tracker = await startLocalTracker(0, 5_000);
    const source = await startSeeder({
      file: medium,
      trackers: [tracker.wsAnnounce, tracker.httpAnnounce],
      webSeeds: [],
      webrtcBindAddress: "127.0.0.1",
    });
    const transfer = async (mode: "tcp" | "webrtc") => {
      progress(`torrent: ${transferMiB} MiB Node to Node over ${mode}…`);
      const target = await mkdtemp(join(dir, `${mode}-`));
      const client = createNodeClient(
        mode === "tcp"
          ? { webrtc: false, webSeeds: false }
          : { webSeeds: false, webrtcBindAddress: "127.0.0.1" },
      );
      const torrentId =
        mode === "tcp"
          ? source.torrentFile
          : `magnet:?xt=urn:btih:${source.infoHash}&tr=${encodeURIComponent(tracker.wsAnnounce)}`;
      try {
        const [elapsed] = await seconds(
          () =>
            new Promise<void>((done) => {
              const torrent = client.add(torrentId, {
                path: target,
                ...(mode === "tcp" ? { announce: [tracker.httpAnnounce] } : {}),
              });
              torrent.once("done", () => done());
            }),
        );
        return transferMiB / elapsed;
      } finally {
        await destroyClient(client);
      }
    };
    const tcpMiBs = await transfer("tcp");
    const webrtcMiBs = await transfer("webrtc");
    await source.close();
    await tracker.close();
    return {
      hashMiBs: hashMiB / hashSeconds,
      sha1sumMiBs: hashMiB / sha1Seconds,
      tcpMiBs,
      webrtcMiBs,
      hashFileMiB: hashMiB,
      transferFileMiB: transferMiB,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function torrentTable(figures: TorrentFigures): string {
  const rate = (value: number) => `${value.toFixed(1)} MiB/s`;
  return markdownTable(
    ["measure", "value"],
    [
      [`seeder hashing, ${figures.hashFileMiB} MiB file (torrent pieces)`, rate(figures.hashMiBs)],
      ["sha1sum of the same file", rate(figures.sha1sumMiBs)],
      ["seeder / sha1sum", `${((figures.hashMiBs / figures.sha1sumMiBs) * 100).toFixed(0)}%`],
      [`Node → Node over TCP (${figures.transferFileMiB} MiB, loopback)`, rate(figures.tcpMiBs)],
      [`Node → Node over WebRTC (${figures.transferFileMiB} MiB, loopback)`, rate(figures.webrtcMiBs)],
    ],
  );
}
