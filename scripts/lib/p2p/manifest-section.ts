/**
 * The manifest's `torrent` section for a seeded pilot: what the site needs to play it and what
 * desktop clients need to fetch it. The files the site publishes (the .torrent, the captions, the
 * poster frame) live in the manifest's folder and are named relative to it; captions and posters
 * from elsewhere are copied in, so the manifest names only its own files.
 */
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type { Manifest } from "../../../site/lib/manifest.ts";
import { imageInfo, isWebVtt } from "../../../site/lib/manifest-file.ts";
import { fileInside } from "../../../site/lib/path-inside.ts";
import { UserError } from "../cli.ts";
import type { Seeder } from "./seeder.ts";

/** What the section says of the torrent: a seeder's, or one the pilot pass made. */
export type SeededTorrent = Pick<
  Seeder,
  "torrentFile" | "name" | "infoHash" | "magnet" | "length" | "pieceLength"
>;

export interface TorrentSectionOptions {
  trackers: string[];
  webSeeds: string[];
  iceServers: RTCIceServer[];
  captions?: { file: string; srclang: string; label: string };
  /** The poster frame: a JPEG, PNG or WebP image file. */
  poster?: string;
}

/**
 * `file` named relative to `folder`: as it is when it lies inside, else copied into `folder` under its own
 * name.
 */
async function fileInFolder(folder: string, file: string): Promise<string> {
  const inside = fileInside(folder, resolve(file));
  if (inside !== undefined) return inside;
  const name = basename(file);
  await copyFile(file, resolve(folder, name));
  return name;
}

/**
 * `torrentPath` named relative to the manifest's folder.
 * @throws UserError when it lies outside: the site publishes only files there.
 */
export function torrentFileName(torrentPath: string, manifestPath: string): string {
  const folder = dirname(resolve(manifestPath));
  const name = fileInside(folder, resolve(torrentPath));
  if (name === undefined) {
    throw new UserError(
      `the .torrent must be written inside the manifest's folder ${folder} (the site publishes only files there), not ${resolve(torrentPath)}.`,
    );
  }
  return name;
}

/** Refuses captions that are not WebVTT, by their bytes. */
export async function checkCaptions(file: string): Promise<void> {
  if (!isWebVtt(await readFile(file)))
    throw new UserError(`captions file ${file} is not WebVTT (it must begin with "WEBVTT").`);
}

/** Refuses a poster that is not a JPEG, PNG or WebP image, by its bytes. */
export async function checkPoster(file: string): Promise<void> {
  if (imageInfo(await readFile(file)) === undefined)
    throw new UserError(`poster ${file} is not a JPEG, PNG or WebP image.`);
}

/**
 * Writes the .torrent to `torrentPath` (which must lie in the manifest's folder), copies the
 * captions and the poster there if they are elsewhere (after checking the captions are WebVTT and
 * the poster a JPEG, PNG or WebP image, by their bytes), and returns the section to put into the
 * manifest at `manifestPath`.
 * @throws UserError for a .torrent path outside the manifest's folder, captions that are not WebVTT or a
 * poster that is no image.
 */
export async function torrentSection(
  seeder: SeededTorrent,
  torrentPath: string,
  manifestPath: string,
  options: TorrentSectionOptions,
): Promise<NonNullable<Manifest["torrent"]>> {
  const folder = dirname(resolve(manifestPath));
  const torrentFile = torrentFileName(torrentPath, manifestPath);
  let captions: NonNullable<Manifest["torrent"]>["captions"];
  if (options.captions !== undefined) {
    await checkCaptions(options.captions.file);
    captions = { ...options.captions, file: await fileInFolder(folder, options.captions.file) };
  }
  let poster: string | undefined;
  if (options.poster !== undefined) {
    await checkPoster(options.poster);
    poster = await fileInFolder(folder, options.poster);
  }
  await writeFile(torrentPath, seeder.torrentFile);
  return {
    name: seeder.name,
    infoHash: seeder.infoHash,
    magnet: seeder.magnet,
    torrentFile,
    length: seeder.length,
    pieceLength: seeder.pieceLength,
    trackers: options.trackers,
    webSeeds: options.webSeeds,
    iceServers: options.iceServers.map((server) => ({
      urls: server.urls,
      ...(server.username === undefined ? {} : { username: server.username }),
      ...(server.credential === undefined ? {} : { credential: server.credential }),
    })),
    ...(poster === undefined ? {} : { poster }),
    ...(captions === undefined ? {} : { captions }),
  };
}
