/**
 * `npm run prepare-pilot`: the pilot read once into everything publishing needs from its bytes —
 * the .torrent (BitTorrent v1 pieces, info hash), the IPFS root CID and CAR shards on disk — and
 * the manifest's `torrent` and `ipfs.pilot` sections. `npm run pin` then uploads those shards and
 * `npm run seed` seeds that torrent, neither reading the pilot again.
 */
import { basename, dirname, resolve } from "node:path";
import parseTorrent, { toMagnetURI } from "parse-torrent";
import type { Manifest } from "../site/lib/manifest.ts";
import { manifestPath, writeManifest } from "../site/lib/manifest-file.ts";
import { fileInside } from "../site/lib/path-inside.ts";
import { parseCli, runCli, UserError, EXIT } from "./lib/cli.ts";
import { pinnedPilot, webSeedsWithPilot } from "./lib/ipfs/manifest-section.ts";
import { torrentFromPieces } from "./lib/p2p/make-torrent.ts";
import { torrentSection } from "./lib/p2p/manifest-section.ts";
import { checkReadableFile } from "./lib/readable-file.ts";
import {
  checkTorrentFiles,
  gatewaysFrom,
  IPFS_OPTIONS,
  IPFS_USAGE,
  MANIFEST_OPTION,
  readOptionalManifest,
  TORRENT_OPTIONS,
  TORRENT_USAGE,
  torrentSettings,
} from "./lib/pilot/cli-options.ts";
import { preparePilot } from "./lib/pilot/prepare.ts";
import { formatBytes, progressReporter } from "./lib/progress.ts";

const USAGE = `
Usage: npm run prepare-pilot -- <pilot file> [options]

Reads the pilot once and, from those bytes, writes
- its torrent: the .torrent (BitTorrent v1 pieces and info hash) next to the campaign manifest,
- its IPFS root CID and CAR shards, as <car dir>/<shard cid>.car: exactly what the Storacha
  client would upload (CIDv1, raw leaves, 1 MiB chunks, balanced layout 1,024 links wide),
- the manifest's "torrent" and "ipfs.pilot" sections; the torrent's web seeds include the
  pilot's gateway URLs, known from the same pass.
Then npm run pin uploads these CAR shards and npm run seed seeds this torrent, neither reading
the pilot again (unless it changed since).

Options:${TORRENT_USAGE}${IPFS_USAGE}
  --manifest <path>       the campaign manifest (default $PEERPILOT_MANIFEST or ./campaign.json);
                          if it does not exist yet (before npm run deploy), nothing is recorded
                          there, and pin and seed record it later from this same pass
  -h, --help              this help

Exit codes: 0 prepared, 1 the pass failed, 2 bad input (nothing was written).
`;

async function main(): Promise<void> {
  const { values, positionals } = parseCli(USAGE, {
    ...TORRENT_OPTIONS,
    ...IPFS_OPTIONS,
    ...MANIFEST_OPTION,
  });
  if (positionals.length !== 1)
    throw new UserError("give exactly one pilot file. Run with --help for usage.");
  const pilotFile = resolve(positionals[0]);
  await checkReadableFile(pilotFile, "pilot file");
  await checkTorrentFiles(values);

  const file = resolve(values.manifest ?? manifestPath());
  // Before npm run deploy there is no manifest yet: the pass still runs (pin and seed reuse it
  // once there is), and the .torrent goes where the manifest will be.
  const existing = await readOptionalManifest(file);
  const manifest = existing ?? ({} as Manifest);
  const settings = torrentSettings(values, manifest, file);
  const gateways = gatewaysFrom(values.gateway, manifest);
  // Checked before the pass, so that a bad path costs no read of the pilot.
  if (fileInside(dirname(file), settings.torrentPath) === undefined) {
    throw new UserError(
      `the .torrent must be written inside the manifest's folder ${dirname(file)} (the site publishes only files there), not ${settings.torrentPath}.`,
    );
  }

  const started = performance.now();
  const prepared = await preparePilot(pilotFile, {
    carDir: values["car-dir"],
    onProgress: progressReporter("reading"),
  }).catch((error: Error) => {
    throw new UserError(`could not prepare ${pilotFile}: ${error.message}`, EXIT.failure);
  });
  const seconds = (performance.now() - started) / 1000;

  const pilot = pinnedPilot(prepared.encoded, prepared.torrent.name, gateways);
  const webSeeds = webSeedsWithPilot(settings.webSeeds, manifest.ipfs?.pilot?.urls ?? [], pilot.urls);
  const made = torrentFromPieces(prepared.torrent, settings.trackers, webSeeds);
  const magnet = toMagnetURI(await parseTorrent(made.torrentFile));
  const section = await torrentSection(
    { ...made, magnet, length: prepared.size, pieceLength: prepared.torrent.pieceLength },
    settings.torrentPath,
    file,
    { ...settings, webSeeds },
  );
  if (existing !== undefined)
    await writeManifest({ ...existing, torrent: section, ipfs: { ...existing.ipfs, gateways, pilot } }, file);

  process.stdout.write(
    [
      `read       ${basename(pilotFile)} once: ${formatBytes(prepared.size)} in ${seconds.toFixed(2)} s`,
      `info hash  ${made.infoHash}`,
      `magnet     ${magnet}`,
      `torrent    ${settings.torrentPath} (${prepared.torrent.pieceLength / 1024} KiB pieces)`,
      `root       ${prepared.encoded.root}`,
      ...prepared.encoded.shards.map(
        (shard, index) => `car        ${prepared.carPaths[index]} (${formatBytes(shard.size)})`,
      ),
      ...pilot.urls.map((url) => `url        ${url}`),
      existing === undefined
        ? `manifest   ${file} does not exist yet: nothing recorded (after npm run deploy, npm run pin and npm run seed record both sections from this pass)`
        : `manifest   ${file} (torrent and ipfs.pilot sections written)`,
      `next       npm run pin -- ${positionals[0]} uploads these CAR shards; npm run seed -- ${positionals[0]} seeds this torrent`,
      "",
    ].join("\n"),
  );
  process.exitCode = EXIT.ok;
}

runCli(main);
