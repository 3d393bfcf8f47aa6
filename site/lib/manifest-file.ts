/**
 * Reading and writing the manifest file (Node only: used by the scripts and the Astro build).
 */
import { mkdir, readFile, realpath, rename, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import parseTorrent from "parse-torrent";
import { fileInside } from "./path-inside.ts";
import { PILOT_ASSETS } from "./pilot-assets.ts";
import {
  ManifestError,
  parseManifest,
  parseManifestJson,
  type Manifest,
  type ManifestInput,
} from "./manifest.ts";

/** The environment variable that names the manifest file; defaults to {@link DEFAULT_MANIFEST}. */
export const MANIFEST_ENV = "PEERPILOT_MANIFEST";

/** The manifest file when {@link MANIFEST_ENV} is not set (relative to the working directory). */
export const DEFAULT_MANIFEST = "campaign.json";

/** The manifest path in force: `$PEERPILOT_MANIFEST` or `./campaign.json`, absolute. */
export function manifestPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env[MANIFEST_ENV] ?? DEFAULT_MANIFEST);
}

/** The text of the manifest at `path`, or undefined when there is no such file. */
async function manifestText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ManifestError(path, [`cannot be read: ${(error as Error).message}`]);
  }
}

/** Reads and validates the manifest at `path`; a missing file gets an error saying how to make one. */
export async function readManifest(path = manifestPath()): Promise<Manifest> {
  const text = await manifestText(path);
  if (text === undefined) {
    throw new ManifestError(path, [
      `file not found. Deploy a campaign first (npm run deploy) or run the local stack (npm start), or set ${MANIFEST_ENV} to an existing manifest.`,
    ]);
  }
  return parseManifestJson(text, path);
}

/**
 * Reads and validates the manifest at `path` if there is one (a command that runs before
 * `npm run deploy`, or one that writes the first manifest); undefined when there is none.
 */
export async function readOptionalManifest(path = manifestPath()): Promise<Manifest | undefined> {
  const text = await manifestText(path);
  return text === undefined ? undefined : parseManifestJson(text, path);
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
      error.code === "ENOENT"
        ? `${field}: file not found: ${path} (relative to the manifest's folder ${folder})`
        : `${field}: cannot read ${path}: ${error.code ?? error.message}`,
    ]);
  });
  if (fileInside(folder, target) === undefined) {
    throw new ManifestError(manifestFile, [
      `${field}: ${path} leads to ${target}, outside the manifest's folder ${folder} (a symlink?): the site publishes only files inside it`,
    ]);
  }
  return target;
}

/**
 * The BitTorrent v1 info hash of a .torrent's bytes (40 lowercase hex digits), or `undefined` if it is not a
 * torrent.
 */
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
export async function readTorrentFile(
  manifestFile: string,
  torrent: NonNullable<Manifest["torrent"]>,
): Promise<Buffer<ArrayBuffer>> {
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
export async function readCaptionsFile(
  manifestFile: string,
  captions: NonNullable<NonNullable<Manifest["torrent"]>["captions"]>,
): Promise<Buffer<ArrayBuffer>> {
  const bytes = await readFile(await publishedFilePath(manifestFile, captions.file, "torrent.captions.file"));
  if (!isWebVtt(bytes)) {
    throw new ManifestError(manifestFile, [
      `torrent.captions.file: ${captions.file} is not a WebVTT file (it must begin with "WEBVTT")`,
    ]);
  }
  return bytes;
}

/** The image types a poster may have, by their file signature. */
export type PosterType = "jpeg" | "png" | "webp";

export interface ImageInfo {
  type: PosterType;
  width: number;
  height: number;
}

/** The MIME type and the file extension of each poster type. */
export const POSTER_TYPES: Readonly<Record<PosterType, { mime: string; extension: string }>> = {
  jpeg: { mime: "image/jpeg", extension: "jpg" },
  png: { mime: "image/png", extension: "png" },
  webp: { mime: "image/webp", extension: "webp" },
};

/**
 * The type and pixel size of a JPEG, PNG or WebP image, read from its bytes (the file signature
 * and the header that holds the size), or `undefined` for anything else. The extension of a
 * file's name is not trusted: the site serves the poster with the type its bytes have.
 */
export function imageInfo(bytes: Uint8Array): ImageInfo | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  const sized = (type: PosterType, width: number, height: number) =>
    width > 0 && height > 0 ? { type, width, height } : undefined;
  // PNG: the 8-byte signature, then the IHDR chunk with width and height (big-endian).
  if (bytes.length >= 24 && ascii(1, 4) === "PNG" && bytes[0] === 0x89 && ascii(12, 16) === "IHDR") {
    return sized("png", view.getUint32(16), view.getUint32(20));
  }
  // WebP: a RIFF container of type WEBP holding a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk.
  if (bytes.length >= 30 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") {
    const chunk = ascii(12, 16);
    if (chunk === "VP8 " && bytes[23] === 0x9d && bytes[24] === 0x01 && bytes[25] === 0x2a) {
      return sized("webp", view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
    }
    if (chunk === "VP8L" && bytes[20] === 0x2f) {
      const bits = view.getUint32(21, true);
      return sized("webp", (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    if (chunk === "VP8X") {
      const width = 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16));
      const height = 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16));
      return sized("webp", width, height);
    }
    return undefined;
  }
  // JPEG: SOI, then segments up to a start-of-frame (SOF0–SOF15 but DHT, JPG and DAC), which holds the size.
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    let at = 2;
    while (at + 9 <= bytes.length) {
      if (bytes[at] !== 0xff) return undefined;
      const marker = bytes[at + 1];
      if (marker === 0xff) {
        at++; // fill byte
        continue;
      }
      // The end of the image, or the start of the scan, before any frame header.
      if (marker === 0xd9 || marker === 0xda) return undefined;
      const length = view.getUint16(at + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return sized("jpeg", view.getUint16(at + 7), view.getUint16(at + 5));
      }
      if (length < 2) return undefined;
      at += 2 + length;
    }
  }
  return undefined;
}

/**
 * The manifest's poster, read and checked to be a JPEG, PNG or WebP image; with the name the site publishes
 * it under.
 */
export interface PosterFile extends ImageInfo {
  bytes: Buffer<ArrayBuffer>;
  /** `poster.jpg`, `poster.png` or `poster.webp`, after the image's real type. */
  asset: string;
}

/**
 * Reads the manifest's `torrent.poster` (inside the manifest's folder, like every published file) and checks
 * its type by its bytes.
 */
export async function readPosterFile(manifestFile: string, poster: string): Promise<PosterFile> {
  const bytes = await readFile(await publishedFilePath(manifestFile, poster, "torrent.poster"));
  const info = imageInfo(bytes);
  if (info === undefined) {
    throw new ManifestError(manifestFile, [`torrent.poster: ${poster} is not a JPEG, PNG or WebP image`]);
  }
  return { ...info, bytes, asset: `${PILOT_ASSETS.poster}.${POSTER_TYPES[info.type].extension}` };
}
