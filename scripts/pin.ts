/**
 * `npm run pin`: pins the pilot (a file) or the built site (a directory) to IPFS through Storacha.
 * The root CID and the CAR shards are computed locally first, with the client's own encoder; the
 * upload must then store exactly those, or the command fails. `--offline` stops after writing the
 * CAR files. The CIDs and the gateway URLs go into the campaign manifest; a pinned pilot's URLs
 * become the torrent's web seeds.
 */
import { access } from "node:fs/promises";
import { resolve } from "node:path";
import { DEFAULT_GATEWAYS } from "../site/lib/ipfs-gateway.ts";
import { ipfsSchema, type Manifest } from "../site/lib/manifest.ts";
import { manifestPath, readManifest, writeManifest } from "../site/lib/manifest-file.ts";
import { parseCli, progress, runCli, UserError, EXIT } from "./lib/cli.ts";
import { carFileWriter } from "./lib/ipfs/car-files.ts";
import { readCredentials } from "./lib/ipfs/credentials.ts";
import { encodeDirectory, encodeFile, type Encoded, type EncodeOptions } from "./lib/ipfs/encode.ts";
import { directoryFiles, fileFromPath, isDirectory } from "./lib/ipfs/files.ts";
import { pinnedPilot, pinnedSite, recordPin, type Pinned } from "./lib/ipfs/manifest-section.ts";
import { serviceFromEnv, uploadAndVerify, type UploadContent } from "./lib/ipfs/upload.ts";
import { checkReadableFile } from "./lib/p2p/seeder.ts";
import { formatBytes, progressReporter } from "./lib/progress.ts";

const USAGE = `
Usage: npm run pin -- <pilot file | built site directory> [options]

Pins the pilot (a file) or the built site (a directory, e.g. dist/) to IPFS through Storacha.
First computes the root CID and the CAR shards locally, with the upload client's own encoder
(CIDv1, raw leaves, 1 MiB chunks, balanced layout 1,024 links wide); then uploads and checks that
the service stored exactly those. Writes the CIDs and gateway URLs into the campaign manifest
("ipfs" section); a pinned pilot's gateway URLs also become the torrent's web seeds.

Credentials (never printed, never written):
  STORACHA_PRINCIPAL      the agent's private key (storacha key create)
  STORACHA_PROOF          the space's delegation to that agent, base64 (storacha delegation create
                          <agent did> --base64 -c space/blob/add -c space/index/add
                          -c filecoin/offer -c upload/add -c upload/get)
  STORACHA_SERVICE_URL, STORACHA_SERVICE_DID, STORACHA_RECEIPTS_URL
                          another upload service (default: Storacha's)

Options:
  --offline             compute the CID and write the CAR file(s) only: no credentials, no network
  --car-dir <dir>       where --offline writes <shard cid>.car files (default .peerpilot/car)
  --gateway <url>       an IPFS gateway (repeatable, at least two): a path gateway origin
                        (https://w3s.link) or a template with {cid} (https://{cid}.ipfs.dweb.link).
                        Default: the manifest's, else ${DEFAULT_GATEWAYS.join(", ")}
  --manifest <path>     the campaign manifest (default $PEERPILOT_MANIFEST or ./campaign.json);
                        if it does not exist, the CIDs are printed and nothing is recorded
  -h, --help            this help

Exit codes: 0 pinned (or encoded, with --offline), 1 the upload failed (the message says what
was stored and how to resume), 2 bad input or credentials (nothing was sent).
`;

async function readOptionalManifest(path: string): Promise<Manifest | undefined> {
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  return exists ? readManifest(path) : undefined;
}

function checkGateways(gateways: string[]): string[] {
  const result = ipfsSchema.shape.gateways.safeParse(gateways);
  if (!result.success) throw new UserError(`--gateway: ${result.error.issues.map((issue) => issue.message).join("; ")}`);
  return result.data;
}

async function main(): Promise<void> {
  const { values, positionals } = parseCli(USAGE, {
    offline: { type: "boolean", default: false },
    "car-dir": { type: "string", default: ".peerpilot/car" },
    gateway: { type: "string", multiple: true },
    manifest: { type: "string" },
  });
  if (positionals.length !== 1) throw new UserError("give exactly one file (the pilot) or directory (the built site). Run with --help for usage.");
  const target = resolve(positionals[0]);
  const directory = await isDirectory(target).catch(() => false);
  if (!directory) await checkReadableFile(target, "file to pin");

  const file = resolve(values.manifest ?? manifestPath());
  const manifest = await readOptionalManifest(file);
  const gateways = checkGateways(values.gateway ?? manifest?.ipfs?.gateways ?? [...DEFAULT_GATEWAYS]);
  // Checked before any work, so that bad credentials cost nothing.
  const credentials = values.offline ? undefined : await readCredentials();
  const service = serviceFromEnv();

  const content: UploadContent = directory
    ? { kind: "directory", files: await directoryFiles(target) }
    : { kind: "file", file: await fileFromPath(target) };
  const total = content.kind === "directory" ? content.files.reduce((sum, item) => sum + item.size, 0) : content.file.size;
  if (content.kind === "directory" && content.files.length === 0) throw new UserError(`${target} holds no file to pin.`);

  const cars = carFileWriter(resolve(values["car-dir"]));
  const encodeOptions: EncodeOptions = {
    onProgress: ((report) => (bytes: number) => report(bytes, total))(progressReporter("encoding")),
    ...(values.offline ? { onShard: cars.onShard } : {}),
  };
  const encoded: Encoded =
    content.kind === "directory" ? await encodeDirectory(content.files, encodeOptions) : await encodeFile(content.file, encodeOptions);
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
        progress(`shard ${index}/${count} stored: ${cid} (${formatBytes(bytes)}), ${formatBytes(uploaded)} at ${formatBytes(speed)}/s`);
      },
      onRetry: (line) => progress(`retrying: ${line}`),
    });
    serviceChecked = result.serviceChecked;
  }

  const pinned: Pinned =
    content.kind === "directory" ? { site: pinnedSite(encoded, gateways) } : { pilot: pinnedPilot(encoded, content.file.name, gateways) };
  const urls = "site" in pinned ? pinned.site.urls : pinned.pilot.urls;
  const lines = [
    `root     ${encoded.root}`,
    ...encoded.shards.map((shard) => `shard    ${shard.cid} (${formatBytes(shard.size)})`),
    ...(values.offline ? cars.paths.map((path) => `car      ${path}`) : []),
    ...urls.map((url) => `url      ${url}`),
  ];
  if (values.offline) {
    lines.push("offline  nothing was uploaded: pin these CAR files (storacha up --car <file>), or run again without --offline");
  } else {
    const readBack = serviceChecked.length > 0 ? `; read back with ${serviceChecked.join(" and ")}` : "; upload/get is not delegated, so the service's record was not read back";
    lines.push(`verified the upload stored exactly these CIDs${readBack}`);
  }
  if (manifest === undefined) {
    lines.push(`manifest ${file} does not exist: nothing recorded`);
  } else {
    const { manifest: next, webSeedsUpdated, warning } = await recordPin(manifest, file, gateways, pinned);
    await writeManifest(next, file);
    if (warning !== undefined) lines.push(`note     ${warning}`);
    const what = "site" in pinned ? "ipfs.site" : `ipfs.pilot${webSeedsUpdated ? " and the torrent's web seeds (manifest and .torrent)" : ""}`;
    lines.push(`manifest ${file} (${what} written)`);
    if ("pilot" in pinned && !webSeedsUpdated && manifest.torrent !== undefined) {
      lines.push(`note     the manifest's torrent is ${manifest.torrent.name} (${manifest.torrent.length} bytes), not this file: its web seeds were left as they were`);
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  process.exitCode = EXIT.ok;
}

runCli(main);
