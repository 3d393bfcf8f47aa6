/**
 * `npm run seed`: turns the pilot into a torrent (with the pieces of the pilot pass, when it was
 * prepared), writes the .torrent and the manifest's
 * `torrent` section, then seeds it to browsers (WebRTC) and desktop clients (TCP) until Ctrl-C.
 */
import { basename, resolve } from "node:path";
import { manifestPath, readManifest, writeManifest } from "../site/lib/manifest-file.ts";
import { parseCli, progress, runCli, UserError } from "./lib/cli.ts";
import { isPinnedPilot, webSeedsWithPilot } from "./lib/ipfs/manifest-section.ts";
import { torrentSection } from "./lib/p2p/manifest-section.ts";
import { checkReadableFile } from "./lib/readable-file.ts";
import { startSeeder } from "./lib/p2p/seeder.ts";
import {
  checkTorrentFiles,
  MANIFEST_OPTION,
  TORRENT_OPTIONS,
  TORRENT_USAGE,
  torrentSettings,
} from "./lib/pilot/cli-options.ts";
import { isPrepared, readPreparedPilot } from "./lib/pilot/prepare.ts";
import { progressReporter } from "./lib/progress.ts";

const USAGE = `
Usage: npm run seed -- <video file> [options]

Seeds the video as a torrent (BEP 19 web seeds included): writes the .torrent next to the
campaign manifest and the manifest's "torrent" section, prints the magnet link, then seeds to
browsers (WebRTC, through WebSocket trackers) and desktop clients (TCP) until Ctrl-C.
A pilot prepared with npm run prepare-pilot is not hashed again: its pieces come from that pass
(if the file has not changed since). Any other file is hashed first (one read).

Options:${TORRENT_USAGE}
  --port <n>              TCP port for desktop clients (default 6881; 0 = any)
  --recheck               read the file back and check every piece against its hash before
                          seeding (a prepared pilot is otherwise trusted to be unchanged)
  --manifest <path>       the campaign manifest (default $PEERPILOT_MANIFEST or ./campaign.json)
  -h, --help              this help

Exit codes: 0 stopped by Ctrl-C, 1 seeding failed, 2 bad input (nothing was written).
`;

async function main(): Promise<void> {
  const { values, positionals } = parseCli(USAGE, {
    ...TORRENT_OPTIONS,
    port: { type: "string", default: "6881" },
    recheck: { type: "boolean", default: false },
    ...MANIFEST_OPTION,
  });
  if (positionals.length !== 1)
    throw new UserError("give exactly one video file. Run with --help for usage.");
  const video = resolve(positionals[0]);
  const length = await checkReadableFile(video);
  await checkTorrentFiles(values);
  const port = Number(values.port);
  if (!/^[0-9]+$/.test(values.port) || port > 65_535)
    throw new UserError(`--port "${values.port}" is not a port number.`);

  const file = resolve(values.manifest ?? manifestPath());
  const manifest = await readManifest(file);
  const settings = torrentSettings(values, manifest, file);
  // A pilot pinned to IPFS (npm run pin) is served by its gateways: they are web seeds too.
  const pinned = manifest.ipfs?.pilot;
  const pinnedUrls = isPinnedPilot(pinned, { name: basename(video), length }) ? pinned.urls : [];
  const webSeeds = settings.webSeedsGiven
    ? settings.webSeeds
    : webSeedsWithPilot(settings.webSeeds, [], pinnedUrls);

  const prepared = await readPreparedPilot(video);
  if (isPrepared(prepared)) {
    progress(
      `${basename(video)} was prepared (npm run prepare-pilot): seeding its pieces from that pass${values.recheck ? ", after re-checking every piece (--recheck: one read)" : " without reading it again"}`,
    );
  } else {
    progress(
      `no usable pilot pass for ${basename(video)}: ${prepared.reason}. Hashing its pieces now (one read).`,
    );
  }
  const seeder = await startSeeder({
    file: video,
    trackers: settings.trackers,
    webSeeds,
    iceServers: settings.iceServers,
    torrentPort: port,
    onHashProgress: progressReporter("hashing"),
    ...(isPrepared(prepared) ? { pieces: prepared.torrent.pieces } : {}),
    recheck: values.recheck,
  });
  const section = await torrentSection(seeder, settings.torrentPath, file, { ...settings, webSeeds });
  await writeManifest({ ...manifest, torrent: section }, file);

  process.stdout.write(
    [
      `info hash  ${seeder.infoHash}`,
      `magnet     ${seeder.magnet}`,
      `torrent    ${settings.torrentPath}`,
      `manifest   ${file} (torrent section written)`,
      `seeding    ${seeder.name} (${seeder.length} bytes, ${seeder.pieceLength / 1024} KiB pieces) to browsers and on TCP port ${seeder.torrentPort}`,
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
  let last = "";
  const status = setInterval(() => {
    const line = `peers ${seeder.torrent.numPeers}, uploaded ${(seeder.torrent.uploaded / 1048576).toFixed(1)} MiB`;
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

runCli(main);
