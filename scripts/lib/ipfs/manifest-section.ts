/**
 * What pinning changes in the campaign manifest: the `ipfs` section (CIDs, shards, gateway URLs)
 * and, when the pinned file is the seeded pilot, the torrent's web seeds (BEP 19), in the
 * manifest and in the .torrent file itself. The web seeds live outside the torrent's `info`
 * dictionary, so the info hash and the magnet's identity do not change.
 */
import { readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import bencode from "bencode";
import parseTorrent, { toMagnetURI } from "parse-torrent";
import { gatewayUrl } from "../../../site/lib/ipfs-gateway.ts";
import type { Manifest } from "../../../site/lib/manifest.ts";
import type { Encoded } from "./encode.ts";

type Ipfs = NonNullable<Manifest["ipfs"]>;
type Torrent = NonNullable<Manifest["torrent"]>;

/** The manifest entry for a pinned pilot file. */
export function pinnedPilot(encoded: Encoded, name: string, gateways: readonly string[]): NonNullable<Ipfs["pilot"]> {
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

/** Whether the torrent in the manifest is this pinned pilot (same size and name). */
export function isSamePilot(torrent: Torrent | undefined, pilot: NonNullable<Ipfs["pilot"]>): torrent is Torrent {
  return torrent !== undefined && torrent.length === pilot.length && torrent.name === pilot.name;
}

/**
 * The torrent's new web seeds: the pilot's gateway URLs first, then the web seeds that were
 * there before, minus the gateway URLs of an earlier pin (a re-pin replaces them).
 */
export function webSeedsWithPilot(current: readonly string[], previous: readonly string[], pilotUrls: readonly string[]): string[] {
  const stale = new Set(previous);
  return [...new Set([...pilotUrls, ...current.filter((url) => !stale.has(url))])];
}

/**
 * Rewrites the .torrent at `path` with `webSeeds` as its url-list; returns its info hash (which a
 * caller compares with the manifest's: `info` is not touched, so it cannot change) and its new
 * magnet link.
 */
export async function rewriteTorrentWebSeeds(path: string, webSeeds: readonly string[]): Promise<{ infoHash: string; magnet: string }> {
  const torrent = bencode.decode(await readFile(path)) as Record<string, unknown>;
  if (typeof torrent.info !== "object" || torrent.info === null) throw new Error(`${path} is not a .torrent file (no info dictionary)`);
  torrent["url-list"] = [...webSeeds];
  const bytes = bencode.encode(torrent);
  await writeFile(path, bytes);
  return { infoHash: (await parseTorrent(bytes)).infoHash, magnet: toMagnetURI(await parseTorrent(bytes)) };
}

/** What one pin records: the pilot or the site. */
export type Pinned = { pilot: NonNullable<Ipfs["pilot"]> } | { site: NonNullable<Ipfs["site"]> };

export interface PinnedManifest {
  manifest: Manifest;
  /** Whether the torrent's web seeds were updated (the pinned file is the seeded pilot). */
  webSeedsUpdated: boolean;
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
  if (!("pilot" in pinned) || !isSamePilot(manifest.torrent, pinned.pilot)) {
    return { manifest: { ...manifest, ipfs }, webSeedsUpdated: false };
  }
  const torrent = manifest.torrent as Torrent;
  const webSeeds = webSeedsWithPilot(torrent.webSeeds, manifest.ipfs?.pilot?.urls ?? [], pinned.pilot.urls);
  const { infoHash, magnet } = await rewriteTorrentWebSeeds(resolve(dirname(manifestPath), torrent.torrentFile), webSeeds);
  if (infoHash !== torrent.infoHash) {
    throw new Error(`the .torrent ${torrent.torrentFile} has info hash ${infoHash}, not the manifest's ${torrent.infoHash}: run npm run seed again to remake it.`);
  }
  return {
    manifest: { ...manifest, ipfs, torrent: { ...torrent, webSeeds, magnet } },
    webSeedsUpdated: true,
  };
}
