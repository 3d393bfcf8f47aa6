/**
 * `seedPilot()`, what `npm run seed` does: the pilot's torrent (with the pieces of the pilot pass,
 * when it was prepared), the .torrent and the manifest's `torrent` section written, and a seeder
 * running for browsers (WebRTC) and desktop clients (TCP). `seedUntilStopped()` is the command
 * around it: the summary on stdout, the peers on stderr, until Ctrl-C.
 */
import { basename, resolve } from "node:path";
import { formatBytes } from "../../../site/lib/format.ts";
import type { Manifest } from "../../../site/lib/manifest.ts";
import { readManifest, writeManifest } from "../../../site/lib/manifest-file.ts";
import { progress } from "../cli.ts";
import { isPinnedPilot, webSeedsWithPilot } from "../ipfs/manifest-section.ts";
import { torrentSection } from "../p2p/manifest-section.ts";
import { startSeeder, type Seeder } from "../p2p/seeder.ts";
import type { ManifestValues } from "../flags.ts";
import { progressReporter } from "../progress.ts";
import { checkReadableFile } from "../readable-file.ts";
import { checkTorrentFiles, torrentSettings, type TorrentValues } from "./cli-options.ts";
import { isPrepared, readPreparedPilot } from "./prepare.ts";

export type SeedOptions = TorrentValues &
  ManifestValues & {
    /** TCP port for desktop clients (0 = any free port). */
    port: number;
    /** Read the file back and check every piece before seeding a prepared pilot. */
    recheck?: boolean | undefined;
    /** Where the pilot pass's records are (default: prepare.ts's PREPARED_DIR). */
    preparedDir?: string;
    /** Gather WebRTC candidates only on this address (tests: 127.0.0.1). */
    webrtcBindAddress?: string;
    /** Where progress lines go (default: stderr). */
    log?: (line: string) => void;
  };

export interface Seeding {
  seeder: Seeder;
  /** The manifest file (absolute) and the torrent section written into it. */
  manifestFile: string;
  section: NonNullable<Manifest["torrent"]>;
  /** Where the .torrent was written (absolute). */
  torrentPath: string;
  /** Whether the pieces came from the pilot pass (npm run prepare-pilot) instead of a hash of the file. */
  fromPass: boolean;
  /** What the command prints once seeding starts. */
  report: string[];
}

/**
 * Checks every input (the video, captions and poster, the manifest, the trackers) before any
 * work, then starts seeding `video` and writes the .torrent and the manifest's `torrent` section.
 * Web seeds default to the manifest's, plus the gateway URLs of the pilot pinned to IPFS.
 * The caller stops the returned seeder.
 */
export async function seedPilot(video: string, options: SeedOptions): Promise<Seeding> {
  const log = options.log ?? progress;
  const file = resolve(video);
  const length = await checkReadableFile(file);
  await checkTorrentFiles(options);
  const manifestFile = resolve(options.manifest);
  const manifest = await readManifest(manifestFile);
  const settings = torrentSettings(options, manifest, manifestFile);
  // A pilot pinned to IPFS (npm run pin) is served by its gateways: they are web seeds too.
  const pinned = manifest.ipfs?.pilot;
  const pinnedUrls = isPinnedPilot(pinned, { name: basename(file), length }) ? pinned.urls : [];
  const webSeeds = settings.webSeedsGiven
    ? settings.webSeeds
    : webSeedsWithPilot(settings.webSeeds, [], pinnedUrls);

  const prepared = await readPreparedPilot(
    file,
    options.preparedDir === undefined ? {} : { preparedDir: options.preparedDir },
  );
  const fromPass = isPrepared(prepared);
  if (isPrepared(prepared)) {
    log(
      `${basename(file)} was prepared (npm run prepare-pilot): seeding its pieces from that pass${options.recheck === true ? ", after re-checking every piece (--recheck: one read)" : " without reading it again"}`,
    );
  } else {
    log(`no usable pilot pass for ${basename(file)}: ${prepared.reason}. Hashing its pieces now (one read).`);
  }
  const seeder = await startSeeder({
    file,
    trackers: settings.trackers,
    webSeeds,
    iceServers: settings.iceServers,
    torrentPort: options.port,
    onHashProgress: progressReporter("hashing"),
    ...(isPrepared(prepared) ? { pieces: prepared.torrent.pieces } : {}),
    ...(options.webrtcBindAddress === undefined ? {} : { webrtcBindAddress: options.webrtcBindAddress }),
    recheck: options.recheck === true,
  });
  try {
    const section = await torrentSection(seeder, settings.torrentPath, manifestFile, {
      ...settings,
      webSeeds,
    });
    await writeManifest({ ...manifest, torrent: section }, manifestFile);
    const report = [
      `info hash  ${seeder.infoHash}`,
      `magnet     ${seeder.magnet}`,
      `torrent    ${settings.torrentPath}`,
      `manifest   ${manifestFile} (torrent section written)`,
      `seeding    ${seeder.name} (${seeder.length} bytes, ${formatBytes(seeder.pieceLength)} pieces) to browsers and on TCP port ${seeder.torrentPort}`,
    ];
    return { seeder, manifestFile, section, torrentPath: settings.torrentPath, fromPass, report };
  } catch (error) {
    await seeder.close();
    throw error;
  }
}

/**
 * `npm run seed`: {@link seedPilot}, its summary on stdout, then the peers and the bytes uploaded
 * on stderr until SIGINT (Ctrl-C) or SIGTERM, which stop the seeder.
 */
export async function seedUntilStopped(video: string, options: SeedOptions): Promise<void> {
  const { seeder, report } = await seedPilot(video, options);
  process.stdout.write([...report, "Press Ctrl-C to stop.", ""].join("\n"));
  let last = "";
  const status = setInterval(() => {
    const line = `peers ${seeder.torrent.numPeers}, uploaded ${formatBytes(seeder.torrent.uploaded)}`;
    if (line !== last) progress(line);
    last = line;
  }, 5_000);
  await new Promise<void>((done) => {
    const stop = () => {
      clearInterval(status);
      progress("stopping the seeder…");
      seeder.close().then(done, done);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
