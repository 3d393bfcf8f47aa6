/**
 * `prepareToPublish()`, what `npm run prepare-pilot` does: the pilot read once (prepare.ts) into
 * everything publishing needs from its bytes — the .torrent (BitTorrent v1 pieces, info hash), the
 * IPFS root CID and CAR shards on disk — and the manifest's `torrent` and `ipfs.pilot` sections.
 * `npm run pin` then uploads those shards and `npm run seed` seeds that torrent, neither reading the
 * pilot again.
 */
import { basename, resolve } from "node:path";
import parseTorrent, { toMagnetURI } from "parse-torrent";
import type { Manifest } from "../../../site/lib/manifest.ts";
import { readOptionalManifest, writeManifest } from "../../../site/lib/manifest-file.ts";
import { EXIT, UserError } from "../cli.ts";
import { pinnedPilot, webSeedsWithPilot } from "../ipfs/manifest-section.ts";
import { torrentFromPieces, type MadeTorrent } from "../p2p/make-torrent.ts";
import { torrentSection } from "../p2p/manifest-section.ts";
import { formatBytes } from "../../../site/lib/format.ts";
import type { ManifestValues } from "../flags.ts";
import { progressReporter } from "../progress.ts";
import { checkReadableFile } from "../readable-file.ts";
import {
  checkTorrentFiles,
  gatewaysFrom,
  torrentSettings,
  type IpfsValues,
  type TorrentValues,
} from "./cli-options.ts";
import { preparePilot, type PreparedPilot } from "./prepare.ts";

export type PrepareToPublishOptions = TorrentValues &
  IpfsValues &
  ManifestValues & {
    /** Where the record of the pass goes (default: prepare.ts's PREPARED_DIR). */
    preparedDir?: string;
  };

export interface PreparedToPublish {
  prepared: PreparedPilot;
  torrent: MadeTorrent & { magnet: string };
  /** Where the .torrent was written (absolute). */
  torrentPath: string;
  pilot: NonNullable<NonNullable<Manifest["ipfs"]>["pilot"]>;
  /** The manifest as written, or undefined when there was none yet (nothing recorded). */
  manifest?: Manifest;
  /** What the command prints. */
  report: string[];
}

/**
 * Reads `pilotFile` once into its .torrent, its CAR shards and (when the manifest exists) the
 * manifest's `torrent` and `ipfs.pilot` sections, the pilot's gateway URLs among the torrent's web
 * seeds. Every input is checked before the read.
 * @throws UserError for bad input (nothing written), or with {@link EXIT.failure} when the pass failed.
 */
export async function prepareToPublish(
  pilotFile: string,
  options: PrepareToPublishOptions,
): Promise<PreparedToPublish> {
  const path = resolve(pilotFile);
  await checkReadableFile(path, "pilot file");
  await checkTorrentFiles(options);
  const file = resolve(options.manifest);
  // Before npm run deploy there is no manifest yet: the pass still runs (pin and seed reuse it
  // once there is), and the .torrent goes where the manifest will be.
  const existing = await readOptionalManifest(file);
  const manifest = existing ?? ({} as Manifest);
  const settings = torrentSettings(options, manifest, file);
  const gateways = gatewaysFrom(options.gateway, manifest);

  const started = performance.now();
  const prepared = await preparePilot(path, {
    carDir: options.carDir,
    ...(options.preparedDir === undefined ? {} : { preparedDir: options.preparedDir }),
    onProgress: progressReporter("reading"),
  }).catch((error: Error) => {
    throw new UserError(`could not prepare ${path}: ${error.message}`, EXIT.failure);
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
  const written =
    existing === undefined
      ? undefined
      : await writeManifest(
          { ...existing, torrent: section, ipfs: { ...existing.ipfs, gateways, pilot } },
          file,
        );

  const report = [
    `read       ${basename(path)} once: ${formatBytes(prepared.size)} in ${seconds.toFixed(2)} s`,
    `info hash  ${made.infoHash}`,
    `magnet     ${magnet}`,
    `torrent    ${settings.torrentPath} (${formatBytes(prepared.torrent.pieceLength)} pieces)`,
    `root       ${prepared.encoded.root}`,
    ...prepared.encoded.shards.map(
      (shard, index) => `car        ${prepared.carPaths[index]} (${formatBytes(shard.size)})`,
    ),
    ...pilot.urls.map((url) => `url        ${url}`),
    written === undefined
      ? `manifest   ${file} does not exist yet: nothing recorded (after npm run deploy, npm run pin and npm run seed record both sections from this pass)`
      : `manifest   ${file} (torrent and ipfs.pilot sections written)`,
    `next       npm run pin -- ${pilotFile} uploads these CAR shards; npm run seed -- ${pilotFile} seeds this torrent`,
  ];
  return {
    prepared,
    torrent: { ...made, magnet },
    torrentPath: settings.torrentPath,
    pilot,
    ...(written === undefined ? {} : { manifest: written }),
    report,
  };
}
