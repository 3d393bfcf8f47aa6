/**
 * `pinContent()`, what `npm run pin` does: the pilot (a file) or the built site (a directory)
 * pinned to IPFS through Storacha. The root CID and the CAR shards are computed locally first: for
 * the pilot by the pilot pass (prepare.ts, run here if it was not), for the site with the client's
 * own encoder; the upload must then store exactly those, or it fails. `offline` stops after writing
 * the CAR files. The CIDs and the gateway URLs go into the campaign manifest; a pinned pilot's URLs
 * become the torrent's web seeds.
 */
import { basename, resolve } from "node:path";
import { SHARD_SIZE } from "@storacha/upload-client/sharding";
import { readOptionalManifest, writeManifest } from "../../../site/lib/manifest-file.ts";
import { progress, UserError } from "../cli.ts";
import { carFileWriter, carFilesAsOne } from "../ipfs/car-files.ts";
import { readCredentials } from "../ipfs/credentials.ts";
import { encodeDirectory, type Encoded } from "../ipfs/encode.ts";
import { directoryFiles, isDirectory } from "../ipfs/files.ts";
import {
  pinnedPilot,
  pinnedSite,
  recordPin,
  type Pinned,
  type PinnedManifest,
} from "../ipfs/manifest-section.ts";
import { serviceFromEnv, uploadAndVerify, type UploadContent } from "../ipfs/upload.ts";
import { formatByteRate, formatBytes } from "../../../site/lib/format.ts";
import type { ManifestValues } from "../flags.ts";
import { progressReporter } from "../progress.ts";
import { checkReadableFile } from "../readable-file.ts";
import { gatewaysFrom, type IpfsValues } from "./cli-options.ts";
import { isPrepared, preparePilot, readPreparedPilot } from "./prepare.ts";

export type PinOptions = IpfsValues &
  ManifestValues & {
    /** Compute the CID and write the CAR file(s) only: no credentials, no network. */
    offline?: boolean | undefined;
    /** Where the credentials and the upload service are read from (default: the process's). */
    env?: NodeJS.ProcessEnv;
    /** Where the pilot pass's records are (default: prepare.ts's PREPARED_DIR). */
    preparedDir?: string;
    /** Where progress lines go (default: stderr). */
    log?: (line: string) => void;
  };

export interface PinResult {
  pinned: Pinned;
  encoded: Encoded;
  /** The CAR files on disk: the pilot's shards, or (offline) the site's. */
  carPaths: string[];
  /** For a pilot: whether its pass was already there (npm run prepare-pilot), so it was not read here. */
  fromPass?: boolean;
  /** Which of the service's own records were read back (none offline). */
  serviceChecked: string[];
  /** What was recorded in the manifest, or undefined when there is no manifest. */
  recorded?: PinnedManifest;
  /** What the command prints. */
  report: string[];
}

/**
 * Pins `target` (the pilot, a file, or the built site, a directory). Checks the file, the
 * manifest, the gateways and (unless offline) the credentials before any work.
 * @throws UserError for bad input or credentials (nothing was sent); an upload that fails after it
 * began says what was stored.
 */
export async function pinContent(target: string, options: PinOptions): Promise<PinResult> {
  const log = options.log ?? progress;
  const path = resolve(target);
  const directory = await isDirectory(path).catch(() => false);
  if (!directory) await checkReadableFile(path, "file to pin");
  const file = resolve(options.manifest);
  const manifest = await readOptionalManifest(file);
  const gateways = gatewaysFrom(options.gateway, manifest);
  const env = options.env ?? process.env;
  // Checked before any work, so that bad credentials cost nothing.
  const credentials = options.offline === true ? undefined : await readCredentials(env);
  const service = serviceFromEnv(env);

  const carDir = resolve(options.carDir);
  let encoded: Encoded;
  let content: UploadContent;
  let carPaths: string[];
  let name: string;
  let fromPass: boolean | undefined;
  if (directory) {
    const files = await directoryFiles(path);
    if (files.length === 0) throw new UserError(`${path} holds no file to pin.`);
    const total = files.reduce((sum, item) => sum + item.size, 0);
    const cars = carFileWriter(carDir);
    const report = progressReporter("encoding");
    encoded = await encodeDirectory(files, {
      onProgress: (bytes: number) => report(bytes, total),
      ...(options.offline === true ? { onShard: cars.onShard } : {}),
    });
    content = { kind: "directory", files };
    carPaths = cars.paths;
    name = "";
  } else {
    const records = {
      carDir,
      ...(options.preparedDir === undefined ? {} : { preparedDir: options.preparedDir }),
    };
    let prepared = await readPreparedPilot(path, records);
    fromPass = isPrepared(prepared);
    if (isPrepared(prepared)) {
      log(
        `${basename(path)} was prepared (npm run prepare-pilot): its CAR shards in ${carDir} are used as they are, without reading the pilot again`,
      );
    } else {
      log(
        `no usable pilot pass for ${basename(path)}: ${prepared.reason}. Preparing it now (one read: torrent pieces, root CID and CAR shards into ${carDir})`,
      );
      prepared = await preparePilot(path, { ...records, onProgress: progressReporter("reading") });
    }
    encoded = prepared.encoded;
    carPaths = prepared.carPaths;
    name = prepared.torrent.name;
    content = {
      kind: "cars",
      car: await carFilesAsOne(carPaths, encoded.root),
      single: encoded.bytes < SHARD_SIZE,
    };
  }
  log(`root CID ${encoded.root}, ${encoded.shards.length} CAR shard(s)`);

  let serviceChecked: string[] = [];
  if (credentials !== undefined) {
    log(`uploading to ${service.url.origin} (space ${credentials.space})…`);
    const started = performance.now();
    let uploaded = 0;
    const result = await uploadAndVerify(credentials, service, content, encoded, {
      onShardStored(index, count, cid, bytes) {
        uploaded += bytes;
        const speed = uploaded / Math.max((performance.now() - started) / 1000, 0.001);
        log(
          `shard ${index}/${count} stored: ${cid} (${formatBytes(bytes)}), ${formatBytes(uploaded)} at ${formatByteRate(speed)}`,
        );
      },
      onRetry: (line) => log(`retrying: ${line}`),
    });
    serviceChecked = result.serviceChecked;
  }

  const pinned: Pinned =
    content.kind === "directory"
      ? { site: pinnedSite(encoded, gateways) }
      : { pilot: pinnedPilot(encoded, name, gateways) };
  const urls = "site" in pinned ? pinned.site.urls : pinned.pilot.urls;
  const report = [
    `root     ${encoded.root}`,
    ...encoded.shards.map((shard) => `shard    ${shard.cid} (${formatBytes(shard.size)})`),
    ...(options.offline === true ? carPaths.map((car) => `car      ${car}`) : []),
    ...urls.map((url) => `url      ${url}`),
  ];
  if (options.offline === true) {
    report.push(
      "offline  nothing was uploaded: pin these CAR files (storacha up --car <file>), or run again without --offline",
    );
  } else {
    const readBack =
      serviceChecked.length > 0
        ? `; read back with ${serviceChecked.join(" and ")}`
        : "; upload/get is not delegated, so the service's record was not read back";
    report.push(`verified the upload stored exactly these CIDs${readBack}`);
  }
  let recorded: PinnedManifest | undefined;
  if (manifest === undefined) {
    report.push(`manifest ${file} does not exist: nothing recorded`);
  } else {
    recorded = await recordPin(manifest, file, gateways, pinned);
    await writeManifest(recorded.manifest, file);
    if (recorded.warning !== undefined) report.push(`note     ${recorded.warning}`);
    const what =
      "site" in pinned
        ? "ipfs.site"
        : `ipfs.pilot${recorded.webSeedsUpdated ? " and the torrent's web seeds (manifest and .torrent)" : ""}`;
    report.push(`manifest ${file} (${what} written)`);
    const otherTorrent = !recorded.webSeedsUpdated && recorded.warning === undefined;
    if ("pilot" in pinned && otherTorrent && manifest.torrent !== undefined) {
      report.push(
        `note     the manifest's torrent is ${manifest.torrent.name} (${manifest.torrent.length} bytes), not this file: its web seeds were left as they were`,
      );
    }
  }
  return {
    pinned,
    encoded,
    carPaths,
    ...(fromPass === undefined ? {} : { fromPass }),
    serviceChecked,
    ...(recorded === undefined ? {} : { recorded }),
    report,
  };
}
