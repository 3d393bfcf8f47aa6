/**
 * `npm run pin`: pins the pilot (a file) or the built site (a directory) to IPFS through Storacha.
 * The root CID and the CAR shards are computed locally first: for the pilot by the pilot pass
 * (npm run prepare-pilot, run here if it was not), for the site with the client's own encoder; the
 * upload must then store exactly those, or the command fails. `--offline` stops after writing the
 * CAR files. The CIDs and the gateway URLs go into the campaign manifest; a pinned pilot's URLs
 * become the torrent's web seeds.
 */
import { basename, resolve } from "node:path";
import { SHARD_SIZE } from "@storacha/upload-client/sharding";
import { manifestPath, writeManifest } from "../site/lib/manifest-file.ts";
import { parseCli, progress, runCli, UserError, EXIT } from "./lib/cli.ts";
import { carFileWriter, carFilesAsOne } from "./lib/ipfs/car-files.ts";
import { readCredentials } from "./lib/ipfs/credentials.ts";
import { encodeDirectory, type Encoded, type EncodeOptions } from "./lib/ipfs/encode.ts";
import { directoryFiles, isDirectory } from "./lib/ipfs/files.ts";
import { pinnedPilot, pinnedSite, recordPin, type Pinned } from "./lib/ipfs/manifest-section.ts";
import { serviceFromEnv, uploadAndVerify, type UploadContent } from "./lib/ipfs/upload.ts";
import { checkReadableFile } from "./lib/readable-file.ts";
import {
  gatewaysFrom,
  IPFS_OPTIONS,
  IPFS_USAGE,
  MANIFEST_OPTION,
  readOptionalManifest,
} from "./lib/pilot/cli-options.ts";
import { isPrepared, preparePilot, readPreparedPilot } from "./lib/pilot/prepare.ts";
import { formatBytes, progressReporter } from "./lib/progress.ts";

const USAGE = `
Usage: npm run pin -- <pilot file | built site directory> [options]

Pins the pilot (a file) or the built site (a directory, e.g. dist/) to IPFS through Storacha.
First computes the root CID and the CAR shards locally, exactly as the upload client's encoder
makes them (CIDv1, raw leaves, 1 MiB chunks, balanced layout 1,024 links wide); then uploads and
checks that the service stored exactly those. Writes the CIDs and gateway URLs into the campaign
manifest ("ipfs" section); a pinned pilot's gateway URLs also become the torrent's web seeds.

Credentials (never printed, never written):
  STORACHA_PRINCIPAL      the agent's private key (storacha key create)
  STORACHA_PROOF          the space's delegation to that agent, base64 (storacha delegation create
                          <agent did> --base64 -c space/blob/add -c space/index/add
                          -c filecoin/offer -c upload/add -c upload/get)
  STORACHA_SERVICE_URL, STORACHA_SERVICE_DID, STORACHA_RECEIPTS_URL
                          another upload service (default: Storacha's)

A pilot prepared with npm run prepare-pilot (into the same --car-dir, and unchanged since) is not
read again: its CAR shards are uploaded from disk. Any other pilot file is prepared first (one
read: torrent pieces, root CID and CAR shards).

Options:
  --offline               compute the CID and write the CAR file(s) only: no credentials, no network${IPFS_USAGE}
  --manifest <path>       the campaign manifest (default $PEERPILOT_MANIFEST or ./campaign.json);
                          if it does not exist, the CIDs are printed and nothing is recorded
  -h, --help              this help

Exit codes: 0 pinned (or encoded, with --offline), 1 the upload failed (the message says what
was stored and how to resume), 2 bad input or credentials (nothing was sent).
`;

async function main(): Promise<void> {
  const { values, positionals } = parseCli(USAGE, {
    offline: { type: "boolean", default: false },
    ...IPFS_OPTIONS,
    ...MANIFEST_OPTION,
  });
  if (positionals.length !== 1)
    throw new UserError(
      "give exactly one file (the pilot) or directory (the built site). Run with --help for usage.",
    );
  const target = resolve(positionals[0]);
  const directory = await isDirectory(target).catch(() => false);
  if (!directory) await checkReadableFile(target, "file to pin");

  const file = resolve(values.manifest ?? manifestPath());
  const manifest = await readOptionalManifest(file);
  const gateways = gatewaysFrom(values.gateway, manifest);
  // Checked before any work, so that bad credentials cost nothing.
  const credentials = values.offline ? undefined : await readCredentials();
  const service = serviceFromEnv();

  const carDir = resolve(values["car-dir"]);
  let encoded: Encoded;
  let content: UploadContent;
  let carPaths: string[];
  let name: string;
  if (directory) {
    const files = await directoryFiles(target);
    if (files.length === 0) throw new UserError(`${target} holds no file to pin.`);
    const total = files.reduce((sum, item) => sum + item.size, 0);
    const cars = carFileWriter(carDir);
    const encodeOptions: EncodeOptions = {
      onProgress: (
        (report) => (bytes: number) =>
          report(bytes, total)
      )(progressReporter("encoding")),
      ...(values.offline ? { onShard: cars.onShard } : {}),
    };
    encoded = await encodeDirectory(files, encodeOptions);
    content = { kind: "directory", files };
    carPaths = cars.paths;
    name = "";
  } else {
    let prepared = await readPreparedPilot(target, { carDir });
    if (isPrepared(prepared)) {
      progress(
        `${basename(target)} was prepared (npm run prepare-pilot): its CAR shards in ${carDir} are used as they are, without reading the pilot again`,
      );
    } else {
      progress(
        `no usable pilot pass for ${basename(target)}: ${prepared.reason}. Preparing it now (one read: torrent pieces, root CID and CAR shards into ${carDir})`,
      );
      prepared = await preparePilot(target, { carDir, onProgress: progressReporter("reading") });
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
  progress(`root CID ${encoded.root}, ${encoded.shards.length} CAR shard(s)`);

  let serviceChecked: string[] = [];
  if (credentials !== undefined) {
    progress(`uploading to ${service.url.origin} (space ${credentials.space})…`);
    const started = performance.now();
    let uploaded = 0;
    const result = await uploadAndVerify(credentials, service, content, encoded, {
      onShardStored(index, count, cid, bytes) {
        uploaded += bytes;
        const speed = uploaded / Math.max((performance.now() - started) / 1000, 0.001);
        progress(
          `shard ${index}/${count} stored: ${cid} (${formatBytes(bytes)}), ${formatBytes(uploaded)} at ${formatBytes(speed)}/s`,
        );
      },
      onRetry: (line) => progress(`retrying: ${line}`),
    });
    serviceChecked = result.serviceChecked;
  }

  const pinned: Pinned =
    content.kind === "directory"
      ? { site: pinnedSite(encoded, gateways) }
      : { pilot: pinnedPilot(encoded, name, gateways) };
  const urls = "site" in pinned ? pinned.site.urls : pinned.pilot.urls;
  const lines = [
    `root     ${encoded.root}`,
    ...encoded.shards.map((shard) => `shard    ${shard.cid} (${formatBytes(shard.size)})`),
    ...(values.offline ? carPaths.map((path) => `car      ${path}`) : []),
    ...urls.map((url) => `url      ${url}`),
  ];
  if (values.offline) {
    lines.push(
      "offline  nothing was uploaded: pin these CAR files (storacha up --car <file>), or run again without --offline",
    );
  } else {
    const readBack =
      serviceChecked.length > 0
        ? `; read back with ${serviceChecked.join(" and ")}`
        : "; upload/get is not delegated, so the service's record was not read back";
    lines.push(`verified the upload stored exactly these CIDs${readBack}`);
  }
  if (manifest === undefined) {
    lines.push(`manifest ${file} does not exist: nothing recorded`);
  } else {
    const { manifest: next, webSeedsUpdated, warning } = await recordPin(manifest, file, gateways, pinned);
    await writeManifest(next, file);
    if (warning !== undefined) lines.push(`note     ${warning}`);
    const what =
      "site" in pinned
        ? "ipfs.site"
        : `ipfs.pilot${webSeedsUpdated ? " and the torrent's web seeds (manifest and .torrent)" : ""}`;
    lines.push(`manifest ${file} (${what} written)`);
    if ("pilot" in pinned && !webSeedsUpdated && manifest.torrent !== undefined) {
      lines.push(
        `note     the manifest's torrent is ${manifest.torrent.name} (${manifest.torrent.length} bytes), not this file: its web seeds were left as they were`,
      );
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  process.exitCode = EXIT.ok;
}

runCli(main);
