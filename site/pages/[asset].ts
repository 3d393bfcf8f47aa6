/**
 * Publishes the pilot's files next to the pages, from the manifest's `torrent` section: the
 * .torrent, the captions and WebTorrent's service worker (which must be served from the site
 * itself, at the scope of the pages it streams for). Nothing is published without a torrent.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import type { APIRoute, GetStaticPaths } from "astro";
import { manifestPath, readManifest } from "../lib/manifest-file.ts";
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
  const fromManifest = (path: string) => resolve(dirname(file), path);
  const require = createRequire(import.meta.url);
  const sources: [string, string][] = [
    [PILOT_ASSETS.torrent, fromManifest(torrent.torrentFile)],
    [PILOT_ASSETS.serviceWorker, require.resolve("webtorrent/dist/sw.min.js")],
  ];
  if (torrent.captions) sources.push([PILOT_ASSETS.captions, fromManifest(torrent.captions.file)]);
  return sources.map(([asset, source]) => ({ params: { asset }, props: { source } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params, props }) => {
  const body = await readFile((props as { source: string }).source);
  return new Response(body, { headers: { "Content-Type": CONTENT_TYPES[params.asset ?? ""] ?? "application/octet-stream" } });
};
