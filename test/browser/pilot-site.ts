/**
 * A built site with a playable pilot, for the browser tests and the benchmarks: a manifest (the
 * fixture campaign plus the `torrent` section `npm run prepare-pilot` would write for the sample
 * pilot, an `ipfs` section and other RPC URLs when given), built as `npm start` builds it.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import parseTorrent, { toMagnetURI } from "parse-torrent";
import type { Browser } from "playwright-core";
import { buildSite } from "../../scripts/lib/build-site.ts";
import { makeTorrent } from "../../scripts/lib/p2p/make-torrent.ts";
import { torrentSection } from "../../scripts/lib/p2p/manifest-section.ts";
import { pieceLengthFor } from "../../scripts/lib/p2p/piece-length.ts";
import { startLocalTracker, type LocalTracker } from "../../scripts/lib/p2p/tracker.ts";
import { startStaticServer, startWebSeed, type StaticServer } from "../../scripts/lib/static-server.ts";
import type { ManifestInput } from "../../site/lib/manifest.ts";
import { launchChromium, NO_WEBRTC_UDP } from "../helpers/browser.ts";
import { PILOT, PILOT_CAPTIONS, PILOT_NAME } from "../helpers/pilot.ts";

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
  const manifestFile = join(dir, "campaign.json");
  const pilot = options.pilot ?? { file: PILOT, captions: PILOT_CAPTIONS };
  const { size: length } = await stat(pilot.file);
  const pieceLength = pieceLengthFor(length);
  const made = await makeTorrent({
    file: pilot.file,
    length,
    pieceLength,
    announce: trackers,
    urlList: webSeeds,
  });
  const magnet = toMagnetURI(await parseTorrent(made.torrentFile));
  const manifest = JSON.parse(await readFile("test/fixtures/campaign.json", "utf8")) as ManifestInput;
  manifest.torrent = await torrentSection(
    { ...made, magnet, length, pieceLength },
    join(dir, "pilot.torrent"),
    manifestFile,
    {
      trackers,
      webSeeds,
      iceServers: [],
      captions: { file: pilot.captions, srclang: "en", label: "English" },
    },
  );
  if (options.ipfs !== undefined) manifest.ipfs = options.ipfs;
  if (options.rpcUrls !== undefined) manifest.chain.rpcUrls = options.rpcUrls;
  await writeFile(manifestFile, JSON.stringify(manifest, null, 2));
  return { dir, manifestFile, infoHash: made.infoHash };
}

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

/** The watch page of the sample pilot served on loopback, with Chromium to open it. */
export interface LoopbackWatch {
  tracker: LocalTracker;
  /** The web seed serving the sample pilot, and the pilot's URL on it. */
  webSeed: StaticServer;
  webSeedUrl: string;
  site: PilotSite;
  /** The built site's server: the watch page is `${server.url}/`. */
  server: StaticServer;
  /** Chromium with WebRTC kept off UDP, so the web seed is the only source. */
  browser: Browser;
  /** Stops all of it and removes the built site. */
  close: () => Promise<void>;
}

/**
 * A tracker, a web seed of the sample pilot, the site built for them, its server and Chromium;
 * if one of them fails to start, the ones already started are stopped.
 */
export async function startLoopbackWatch(options: PilotSiteOptions = {}): Promise<LoopbackWatch> {
  const stops: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const tracker = await startLocalTracker(0);
    stops.push(() => tracker.close());
    const webSeed = await startWebSeed(PILOT, 0);
    stops.push(() => webSeed.close());
    const webSeedUrl = `${webSeed.url}/${PILOT_NAME}`;
    const site = await buildPilotSite([tracker.wsAnnounce], [webSeedUrl], options);
    stops.push(() => rm(site.dir, { recursive: true, force: true }));
    const server = await startStaticServer(site.outDir, 0);
    stops.push(() => server.close());
    const browser = await launchChromium([NO_WEBRTC_UDP]);
    stops.push(() => browser.close());
    return { tracker, webSeed, webSeedUrl, site, server, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
