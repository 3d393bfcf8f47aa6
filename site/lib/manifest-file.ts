/**
 * Reading and writing the manifest file (Node only: used by the scripts and the Astro build).
 */
import { mkdir, readFile, realpath, rename, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import parseTorrent from "parse-torrent";
import { fileInside } from "./path-inside.ts";
import { ManifestError, parseManifest, parseManifestJson, type Manifest, type ManifestInput } from "./manifest.ts";

/** The environment variable that names the manifest file; defaults to `campaign.json`. */
export const MANIFEST_ENV = "PEERPILOT_MANIFEST";

/** The manifest path in force: `$PEERPILOT_MANIFEST` or `./campaign.json`, absolute. */
export function manifestPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env[MANIFEST_ENV] ?? "campaign.json");
}

/** Reads and validates the manifest at `path`; a missing file gets an error saying how to make one. */
export async function readManifest(path = manifestPath()): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new ManifestError(path, [
        `file not found. Deploy a campaign first (npm run deploy) or run the local stack (npm start), or set ${MANIFEST_ENV} to an existing manifest.`,
      ]);
    }
    throw new ManifestError(path, [`cannot be read: ${(error as Error).message}`]);
  }
  return parseManifestJson(text, path);
}

/** Validates `manifest` and writes it to `path` atomically (temp file + rename). */
export async function writeManifest(manifest: ManifestInput, path = manifestPath()): Promise<Manifest> {
  const valid = parseManifest(manifest, path);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(valid, null, 2)}\n`);
  await rename(temp, path);
  return valid;
}

/**
 * The file at `path` (relative to the manifest at `manifestFile`, as the manifest's field `field`
 * gives it), once its real path (symlinks resolved) is known to lie inside the manifest's folder:
 * the schema already refuses absolute and `..` paths, this also refuses a symlink that leads out.
 */
export async function publishedFilePath(manifestFile: string, path: string, field: string): Promise<string> {
  const folder = await realpath(dirname(resolve(manifestFile)));
  const target = await realpath(resolve(folder, path)).catch((error: NodeJS.ErrnoException) => {
    throw new ManifestError(manifestFile, [
      error.code === "ENOENT" ? `${field}: file not found: ${path} (relative to the manifest's folder ${folder})` : `${field}: cannot read ${path}: ${error.code ?? error.message}`,
    ]);
  });
  if (fileInside(folder, target) === undefined) {
    throw new ManifestError(manifestFile, [`${field}: ${path} leads to ${target}, outside the manifest's folder ${folder} (a symlink?): the site publishes only files inside it`]);
  }
  return target;
}

/** The BitTorrent v1 info hash of a .torrent's bytes (40 lowercase hex digits), or `undefined` if it is not a torrent. */
export async function torrentInfoHash(bytes: Uint8Array): Promise<string | undefined> {
  try {
    return (await parseTorrent(bytes)).infoHash;
  } catch {
    return undefined;
  }
}

/**
 * Whether `bytes` are a WebVTT file: an optional BOM, then `WEBVTT` followed by a space, a tab,
 * a line break or the end (the WebVTT file signature).
 */
export function isWebVtt(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 16)).replace(/^\uFEFF/, "");
  return /^WEBVTT([ \t\r\n]|$)/.test(head);
}

/** The manifest's .torrent, read and checked to be the torrent `torrent.infoHash` names. */
export async function readTorrentFile(manifestFile: string, torrent: NonNullable<Manifest["torrent"]>): Promise<Buffer<ArrayBuffer>> {
  const path = await publishedFilePath(manifestFile, torrent.torrentFile, "torrent.torrentFile");
  const bytes = await readFile(path);
  const found = await torrentInfoHash(bytes);
  if (found !== torrent.infoHash) {
    throw new ManifestError(manifestFile, [
      found === undefined
        ? `torrent.torrentFile: ${torrent.torrentFile} is not a .torrent file`
        : `torrent.torrentFile: ${torrent.torrentFile} is the torrent ${found}, not torrent.infoHash ${torrent.infoHash}: run npm run seed again to write both`,
    ]);
  }
  return bytes;
}

/** The manifest's captions, read and checked to be WebVTT. */
export async function readCaptionsFile(manifestFile: string, captions: NonNullable<NonNullable<Manifest["torrent"]>["captions"]>): Promise<Buffer<ArrayBuffer>> {
  const bytes = await readFile(await publishedFilePath(manifestFile, captions.file, "torrent.captions.file"));
  if (!isWebVtt(bytes)) {
    throw new ManifestError(manifestFile, [`torrent.captions.file: ${captions.file} is not a WebVTT file (it must begin with "WEBVTT")`]);
  }
  return bytes;
}
