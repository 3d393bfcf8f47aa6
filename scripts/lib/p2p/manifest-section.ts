/**
 * The manifest's `torrent` section for a seeded pilot: what the site needs to play it and what
 * desktop clients need to fetch it. File paths are stored relative to the manifest file.
 */
import { writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import type { Manifest } from "../../../site/lib/manifest.ts";
import type { Seeder } from "./seeder.ts";

export interface TorrentSectionOptions {
  trackers: string[];
  webSeeds: string[];
  iceServers: RTCIceServer[];
  captions?: { file: string; srclang: string; label: string };
}

/** Writes the .torrent to `torrentPath` and returns the section to put into the manifest at `manifestPath`. */
export async function torrentSection(
  seeder: Seeder,
  torrentPath: string,
  manifestPath: string,
  options: TorrentSectionOptions,
): Promise<NonNullable<Manifest["torrent"]>> {
  await writeFile(torrentPath, seeder.torrentFile);
  const fromManifest = (path: string) => relative(dirname(resolve(manifestPath)), resolve(path));
  return {
    name: seeder.name,
    infoHash: seeder.infoHash,
    magnet: seeder.magnet,
    torrentFile: fromManifest(torrentPath),
    length: seeder.length,
    pieceLength: seeder.pieceLength,
    trackers: options.trackers,
    webSeeds: options.webSeeds,
    iceServers: options.iceServers.map((server) => ({
      urls: server.urls,
      ...(server.username === undefined ? {} : { username: server.username }),
      ...(server.credential === undefined ? {} : { credential: server.credential }),
    })),
    ...(options.captions === undefined
      ? {}
      : { captions: { ...options.captions, file: fromManifest(options.captions.file) } }),
  };
}
