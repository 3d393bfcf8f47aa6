/**
 * What pinning changes in the campaign manifest: the `ipfs` section (CIDs, shards, gateway URLs)
 * and, when the pinned file is the seeded pilot, the torrent's web seeds (BEP 19), in the
 * manifest and in the .torrent file itself. The web seeds live outside the torrent's `info`
 * dictionary, so the info hash and the magnet's identity do not change.
 */
import { readFile, writeFile } from "node:fs/promises";
import bencode from "bencode";
import parseTorrent, { toMagnetURI } from "parse-torrent";
import { gatewayUrl } from "../../../site/lib/ipfs-gateway.ts";
import type { Manifest } from "../../../site/lib/manifest.ts";
import { publishedFilePath, torrentInfoHash } from "../../../site/lib/manifest-file.ts";
import type { Encoded } from "./encode.ts";

type Ipfs = NonNullable<Manifest["ipfs"]>;

/** The manifest entry for a pinned pilot file. */
export function pinnedPilot(
  encoded: Encoded,
  name: string,
  gateways: readonly string[],
): NonNullable<Ipfs["pilot"]> {
  return {
    cid: encoded.root,
    shards: encoded.shards.map((shard) => shard.cid),
    urls: gateways.map((gateway) => gatewayUrl(gateway, encoded.root, { filename: name })),
    name,
    length: encoded.bytes,
  };
}

/** The manifest entry for a pinned site directory. */
export function pinnedSite(encoded: Encoded, gateways: readonly string[]): NonNullable<Ipfs["site"]> {
  return {
    cid: encoded.root,
    shards: encoded.shards.map((shard) => shard.cid),
    urls: gateways.map((gateway) => gatewayUrl(gateway, encoded.root, { directory: true })),
  };
}

/** Whether `file` (a name and a size: a torrent's, or a file on disk) is the pinned pilot. */
export function isPinnedPilot(
  pilot: Ipfs["pilot"],
  file: { name: string; length: number } | undefined,
): pilot is NonNullable<Ipfs["pilot"]> {
  return (
    pilot !== undefined && file !== undefined && file.length === pilot.length && file.name === pilot.name
  );
}

/**
 * The torrent's new web seeds: the pilot's gateway URLs first, then the web seeds that were
 * there before, minus the gateway URLs of an earlier pin (a re-pin replaces them).
 */
export function webSeedsWithPilot(
  current: readonly string[],
  previous: readonly string[],
  pilotUrls: readonly string[],
): string[] {
  const stale = new Set(previous);
  return [...new Set([...pilotUrls, ...current.filter((url) => !stale.has(url))])];
}

/**
 * Rewrites the .torrent at `path` with `webSeeds` as its url-list and returns its new magnet link.
 * The info dictionary is not touched, so the info hash stays `infoHash`; a .torrent with another
 * info hash is another torrent, and is left as it was.
 */
export async function rewriteTorrentWebSeeds(
  path: string,
  infoHash: string,
  webSeeds: readonly string[],
): Promise<string> {
  const original = await readFile(path);
  const found = await torrentInfoHash(original);
  if (found !== infoHash)
    throw new Error(
      found === undefined
        ? `${path} is not a .torrent file`
        : `${path} has info hash ${found}, not the manifest's ${infoHash}`,
    );
  const torrent = bencode.decode(original) as Record<string, unknown>;
  torrent["url-list"] = [...webSeeds];
  const bytes = bencode.encode(torrent);
  await writeFile(path, bytes);
  return toMagnetURI(await parseTorrent(bytes));
}

/** What one pin records: the pilot or the site. */
export type Pinned = { pilot: NonNullable<Ipfs["pilot"]> } | { site: NonNullable<Ipfs["site"]> };

export interface PinnedManifest {
  manifest: Manifest;
  /** Whether the torrent's web seeds were updated (the pinned file is the seeded pilot). */
  webSeedsUpdated: boolean;
  /** Why they were not, when the pinned file is the seeded pilot but its .torrent could not be rewritten. */
  warning?: string;
}

/**
 * The manifest with `pinned` recorded as the pilot or the site. A pinned pilot that is the
 * torrent's file also becomes its web seeds, in the manifest and in the .torrent next to it.
 * @param manifestPath Where the manifest lives (the .torrent path in it is relative to it).
 */
export async function recordPin(
  manifest: Manifest,
  manifestPath: string,
  gateways: readonly string[],
  pinned: Pinned,
): Promise<PinnedManifest> {
  const ipfs: Ipfs = { ...manifest.ipfs, gateways: [...gateways], ...pinned };
  const torrent = manifest.torrent;
  if (!("pilot" in pinned) || torrent === undefined || !isPinnedPilot(pinned.pilot, torrent)) {
    return { manifest: { ...manifest, ipfs }, webSeedsUpdated: false };
  }
  const webSeeds = webSeedsWithPilot(torrent.webSeeds, manifest.ipfs?.pilot?.urls ?? [], pinned.pilot.urls);
  let magnet: string;
  try {
    const path = await publishedFilePath(manifestPath, torrent.torrentFile, "torrent.torrentFile");
    magnet = await rewriteTorrentWebSeeds(path, torrent.infoHash, webSeeds);
  } catch (error) {
    // The pin itself stands: record it, and say why the torrent was left alone.
    const warning = `the torrent's web seeds were left as they were (${(error as Error).message}): run npm run seed again to remake the .torrent with them.`;
    return { manifest: { ...manifest, ipfs }, webSeedsUpdated: false, warning };
  }
  return {
    manifest: { ...manifest, ipfs, torrent: { ...torrent, webSeeds, magnet } },
    webSeedsUpdated: true,
  };
}
