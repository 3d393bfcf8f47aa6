/**
 * Publishes the pilot's files next to the pages, from the manifest's `torrent` section: the
 * .torrent (checked to be the torrent `torrent.infoHash` names), the captions (checked to be
 * WebVTT) and WebTorrent's service worker (which must be served from the site itself, at the
 * scope of the pages it streams for), and the poster frame (checked to be a JPEG, PNG or WebP
 * image by its bytes, published under the extension of its real type). Only files inside the manifest's
 * folder are published; nothing is published without a torrent.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { APIRoute, GetStaticPaths } from "astro";
import {
  manifestPath,
  POSTER_TYPES,
  readCaptionsFile,
  readManifest,
  readPosterFile,
  readTorrentFile,
} from "../lib/manifest-file.ts";
import { PILOT_ASSETS } from "../lib/pilot-assets.ts";

const CONTENT_TYPES: Record<string, string> = {
  [PILOT_ASSETS.torrent]: "application/x-bittorrent",
  [PILOT_ASSETS.captions]: "text/vtt; charset=utf-8",
  [PILOT_ASSETS.serviceWorker]: "text/javascript; charset=utf-8",
};

export const getStaticPaths = (async () => {
  const file = manifestPath();
  const { torrent } = await readManifest(file);
  if (torrent === undefined) return [];
  const require = createRequire(import.meta.url);
  // Read and checked here, so a bad manifest fails the build before any page is written.
  const assets: [string, Buffer<ArrayBuffer>][] = [
    [PILOT_ASSETS.torrent, await readTorrentFile(file, torrent)],
    [PILOT_ASSETS.serviceWorker, await readFile(require.resolve("webtorrent/dist/sw.min.js"))],
  ];
  if (torrent.captions) assets.push([PILOT_ASSETS.captions, await readCaptionsFile(file, torrent.captions)]);
  const types: Record<string, string> = {};
  if (torrent.poster !== undefined) {
    const poster = await readPosterFile(file, torrent.poster);
    assets.push([poster.asset, poster.bytes]);
    types[poster.asset] = POSTER_TYPES[poster.type].mime;
  }
  return assets.map(([asset, body]) => ({
    params: { asset },
    props: { body, type: types[asset] ?? CONTENT_TYPES[asset] },
  }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) => {
  const { body, type } = props as { body: Buffer<ArrayBuffer>; type: string | undefined };
  return new Response(body, { headers: { "Content-Type": type ?? "application/octet-stream" } });
};
