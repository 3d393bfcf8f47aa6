/**
 * `npm run seed`: turns the pilot into a torrent, writes the .torrent and the manifest's
 * `torrent` section, then seeds it to browsers (WebRTC) and desktop clients (TCP) until Ctrl-C.
 */
import { basename, dirname, resolve } from "node:path";
import { manifestPath, readManifest, writeManifest } from "../site/lib/manifest-file.ts";
import { parseCli, progress, runCli, UserError } from "./lib/cli.ts";
import { isPinnedPilot, webSeedsWithPilot } from "./lib/ipfs/manifest-section.ts";
import { torrentSection } from "./lib/p2p/manifest-section.ts";
import { checkReadableFile, startSeeder } from "./lib/p2p/seeder.ts";
import { progressReporter } from "./lib/progress.ts";

const USAGE = `
Usage: npm run seed -- <video file> [options]

Hashes the video into a torrent (BEP 19 web seeds included), writes the .torrent next to the
campaign manifest and the manifest's "torrent" section, prints the magnet link, then seeds to
browsers (WebRTC, through WebSocket trackers) and desktop clients (TCP) until Ctrl-C.

Options:
  --captions <file.vtt>   WebVTT captions for the player
  --captions-lang <tag>   their language (default en)
  --captions-label <text> their label (default English)
  --poster <image>        the poster frame the player shows before play (JPEG, PNG or WebP;
                          16:9, e.g. 1280x720), copied next to the manifest
  --tracker <url>         announce URL (repeatable): wss:// for browsers, https:// or udp:// for
                          desktop clients. Default: the manifest's trackers.
  --web-seed <url>        HTTP(S) URL of the same file (repeatable), e.g. IPFS gateway URLs.
                          Default: the manifest's web seeds, plus the gateway URLs of this file
                          if it was pinned (npm run pin)
  --ice-server <url>      STUN/TURN URL for browsers (repeatable). Default: the manifest's.
  --port <n>              TCP port for desktop clients (default 6881; 0 = any)
  --out <file.torrent>    where to write the .torrent (default: pilot.torrent next to the manifest)
  --manifest <path>       the campaign manifest (default $PEERPILOT_MANIFEST or ./campaign.json)
  -h, --help              this help

Exit codes: 0 stopped by Ctrl-C, 1 seeding failed, 2 bad input (nothing was written).
`;

async function main(): Promise<void> {
  const { values, positionals } = parseCli(USAGE, {
    captions: { type: "string" },
    "captions-lang": { type: "string", default: "en" },
    "captions-label": { type: "string", default: "English" },
    poster: { type: "string" },
    tracker: { type: "string", multiple: true },
    "web-seed": { type: "string", multiple: true },
    "ice-server": { type: "string", multiple: true },
    port: { type: "string", default: "6881" },
    out: { type: "string" },
    manifest: { type: "string" },
  });
  if (positionals.length !== 1) throw new UserError("give exactly one video file. Run with --help for usage.");
  const video = resolve(positionals[0]);
  const length = await checkReadableFile(video);
  if (values.captions !== undefined) await checkReadableFile(values.captions, "captions file");
  if (values.poster !== undefined) await checkReadableFile(values.poster, "poster file");
  const port = Number(values.port);
  if (!/^[0-9]+$/.test(values.port) || port > 65_535) throw new UserError(`--port "${values.port}" is not a port number.`);

  const file = resolve(values.manifest ?? manifestPath());
  const manifest = await readManifest(file);
  const trackers = values.tracker ?? manifest.torrent?.trackers ?? [];
  if (trackers.length === 0) {
    throw new UserError("no tracker: pass --tracker <url> (wss:// for browsers, https:// or udp:// for desktop clients).");
  }
  // A pilot pinned to IPFS (npm run pin) is served by its gateways: they are web seeds too.
  const pinned = manifest.ipfs?.pilot;
  const pinnedUrls = isPinnedPilot(pinned, { name: basename(video), length }) ? pinned.urls : [];
  const webSeeds = values["web-seed"] ?? webSeedsWithPilot(manifest.torrent?.webSeeds ?? [], [], pinnedUrls);
  const iceServers = values["ice-server"]?.map((urls) => ({ urls })) ?? manifest.torrent?.iceServers ?? [];
  const torrentPath = resolve(values.out ?? resolve(dirname(file), "pilot.torrent"));

  const seeder = await startSeeder({
    file: video,
    trackers,
    webSeeds,
    iceServers,
    torrentPort: port,
    onHashProgress: progressReporter("hashing"),
  });
  const captions =
    values.captions === undefined
      ? undefined
      : { file: values.captions, srclang: values["captions-lang"], label: values["captions-label"] };
  const section = await torrentSection(seeder, torrentPath, file, {
    trackers,
    webSeeds,
    iceServers,
    ...(captions ? { captions } : {}),
    ...(values.poster === undefined ? {} : { poster: values.poster }),
  });
  await writeManifest({ ...manifest, torrent: section }, file);

  process.stdout.write(
    [
      `info hash  ${seeder.infoHash}`,
      `magnet     ${seeder.magnet}`,
      `torrent    ${torrentPath}`,
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
