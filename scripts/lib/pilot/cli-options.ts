/**
 * The options `npm run seed`, `npm run pin` and `npm run prepare-pilot` share, declared once:
 * their parseArgs declarations, their help lines, and how each resolves against the manifest.
 */
import { access } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DEFAULT_GATEWAYS } from "../../../site/lib/ipfs-gateway.ts";
import { ipfsSchema, type Manifest } from "../../../site/lib/manifest.ts";
import { readManifest } from "../../../site/lib/manifest-file.ts";
import { UserError } from "../cli.ts";
import { checkReadableFile } from "../readable-file.ts";
import type { TorrentSectionOptions } from "../p2p/manifest-section.ts";

/** The torrent section's options (seed, prepare-pilot). */
export const TORRENT_OPTIONS = {
  captions: { type: "string" },
  "captions-lang": { type: "string", default: "en" },
  "captions-label": { type: "string", default: "English" },
  poster: { type: "string" },
  tracker: { type: "string", multiple: true },
  "web-seed": { type: "string", multiple: true },
  "ice-server": { type: "string", multiple: true },
  out: { type: "string" },
} as const;

export const TORRENT_USAGE = `
  --captions <file.vtt>   WebVTT captions for the player
  --captions-lang <tag>   their language (default en)
  --captions-label <text> their label (default English)
  --poster <image>        the poster frame the player shows before play (JPEG, PNG or WebP;
                          16:9, e.g. 1280x720), copied next to the manifest
  --tracker <url>         announce URL (repeatable): wss:// for browsers, https:// or udp:// for
                          desktop clients. Default: the manifest's trackers.
  --web-seed <url>        HTTP(S) URL of the same file (repeatable), e.g. IPFS gateway URLs.
                          Default: the manifest's web seeds, plus the gateway URLs of this file
                          if it was pinned (npm run pin) or prepared (npm run prepare-pilot)
  --ice-server <url>      STUN/TURN URL for browsers (repeatable). Default: the manifest's.
  --out <file.torrent>    where to write the .torrent (default: pilot.torrent next to the manifest)`;

/** The IPFS options (pin, prepare-pilot). */
export const IPFS_OPTIONS = {
  "car-dir": { type: "string", default: ".peerpilot/car" },
  gateway: { type: "string", multiple: true },
} as const;

export const IPFS_USAGE = `
  --car-dir <dir>         where the pilot's CAR shards are written, as <shard cid>.car
                          (default .peerpilot/car)
  --gateway <url>         an IPFS gateway (repeatable, at least two): a path gateway origin
                          (https://w3s.link) or a template with {cid} (https://{cid}.ipfs.dweb.link).
                          Default: the manifest's, else ${DEFAULT_GATEWAYS.join(", ")}`;

export const MANIFEST_OPTION = { manifest: { type: "string" } } as const;

type TorrentValues = {
  captions?: string;
  "captions-lang": string;
  "captions-label": string;
  poster?: string;
  tracker?: string[];
  "web-seed"?: string[];
  "ice-server"?: string[];
  out?: string;
};

/** Checks the captions and poster files exist before any work. */
export async function checkTorrentFiles(values: TorrentValues): Promise<void> {
  if (values.captions !== undefined) await checkReadableFile(values.captions, "captions file");
  if (values.poster !== undefined) await checkReadableFile(values.poster, "poster file");
}

/** The torrent options resolved against the manifest; `webSeeds` before any pilot gateway URL is added. */
export function torrentSettings(
  values: TorrentValues,
  manifest: Manifest,
  manifestFile: string,
): TorrentSectionOptions & { torrentPath: string; webSeedsGiven: boolean } {
  const trackers = values.tracker ?? manifest.torrent?.trackers ?? [];
  if (trackers.length === 0) {
    throw new UserError(
      "no tracker: pass --tracker <url> (wss:// for browsers, https:// or udp:// for desktop clients).",
    );
  }
  const captions =
    values.captions === undefined
      ? undefined
      : { file: values.captions, srclang: values["captions-lang"], label: values["captions-label"] };
  return {
    trackers,
    webSeeds: values["web-seed"] ?? manifest.torrent?.webSeeds ?? [],
    webSeedsGiven: values["web-seed"] !== undefined,
    iceServers: values["ice-server"]?.map((urls) => ({ urls })) ?? manifest.torrent?.iceServers ?? [],
    torrentPath: resolve(values.out ?? resolve(dirname(manifestFile), "pilot.torrent")),
    ...(captions ? { captions } : {}),
    ...(values.poster === undefined ? {} : { poster: values.poster }),
  };
}

/** The gateways: as given (checked like the manifest checks them), else the manifest's, else the defaults. */
export function gatewaysFrom(given: string[] | undefined, manifest: Manifest | undefined): string[] {
  const result = ipfsSchema.shape.gateways.safeParse(
    given ?? manifest?.ipfs?.gateways ?? [...DEFAULT_GATEWAYS],
  );
  if (!result.success)
    throw new UserError(`--gateway: ${result.error.issues.map((issue) => issue.message).join("; ")}`);
  return result.data;
}

/** The manifest at `path`, or undefined when there is none. */
export async function readOptionalManifest(path: string): Promise<Manifest | undefined> {
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  return exists ? readManifest(path) : undefined;
}
