/**
 * A built site with a playable pilot, for the browser tests: a manifest (the fixture campaign
 * plus a `torrent` section for the sample pilot, an `ipfs` section and other RPC URLs when given)
 * and `astro build` run on it, as the producer's build does.
 */
import { copyFile, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { buildSite } from "../../scripts/lib/build-site.ts";
import { makeTorrent } from "../../scripts/lib/p2p/make-torrent.ts";
import { pieceLengthFor } from "../../scripts/lib/p2p/piece-length.ts";
import type { ManifestInput } from "../../site/lib/manifest.ts";
import { PILOT } from "../pilot/swarm.ts";

export interface PilotSite {
  dir: string;
  outDir: string;
  infoHash: string;
}

export interface PilotSiteOptions {
  /** The manifest's `ipfs` section (the pilot pinned to IPFS), if any. */
  ipfs?: ManifestInput["ipfs"];
  /** The manifest's `chain.rpcUrls` (the endpoints the progress panel reads), instead of the fixture's. */
  rpcUrls?: string[];
  /** Another pilot than the sample (the benchmarks' full-size one): the video and its captions. */
  pilot?: { file: string; captions: string };
}

export interface PilotManifest {
  /** A new temporary folder holding the manifest, the .torrent and the captions. */
  dir: string;
  manifestFile: string;
  infoHash: string;
}

/**
 * Writes a manifest for a campaign whose pilot has `trackers` and `webSeeds`, with its .torrent and captions
 * beside it.
 */
export async function writePilotManifest(
  trackers: string[],
  webSeeds: string[],
  options: PilotSiteOptions = {},
): Promise<PilotManifest> {
  const dir = await mkdtemp(join(tmpdir(), "peerpilot-site-"));
  const pilot = options.pilot ?? { file: PILOT, captions: "media/sample-pilot.vtt" };
  const { size: length } = await stat(pilot.file);
  const pieceLength = pieceLengthFor(length);
  const { torrentFile, infoHash, name } = await makeTorrent({
    file: pilot.file,
    length,
    pieceLength,
    announce: trackers,
    urlList: webSeeds,
  });
  await writeFile(join(dir, "pilot.torrent"), torrentFile);
  await copyFile(pilot.captions, join(dir, "captions.vtt"));
  const manifest = JSON.parse(await readFile("test/fixtures/campaign.json", "utf8"));
  manifest.torrent = {
    name,
    infoHash,
    magnet: `magnet:?xt=urn:btih:${infoHash}&dn=${encodeURIComponent(basename(pilot.file))}`,
    torrentFile: "pilot.torrent",
    length,
    pieceLength,
    trackers,
    webSeeds,
    iceServers: [],
    captions: { file: "captions.vtt", srclang: "en", label: "English" },
  };
  if (options.ipfs !== undefined) manifest.ipfs = options.ipfs;
  if (options.rpcUrls !== undefined) manifest.chain.rpcUrls = options.rpcUrls;
  const manifestFile = join(dir, "campaign.json");
  await writeFile(manifestFile, JSON.stringify(manifest, null, 2));
  return { dir, manifestFile, infoHash };
}

/** The one site build (scripts/lib/build-site.ts), re-exported for the tests that import it from here. */
export { buildSite };

/** Builds the site for a campaign whose pilot has `trackers` and `webSeeds`. */
export async function buildPilotSite(
  trackers: string[],
  webSeeds: string[],
  options: PilotSiteOptions = {},
): Promise<PilotSite> {
  const { dir, manifestFile, infoHash } = await writePilotManifest(trackers, webSeeds, options);
  const outDir = join(dir, "site");
  await buildSite(manifestFile, outDir);
  return { dir, outDir, infoHash };
}
