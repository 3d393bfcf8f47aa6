/**
 * The options `npm run seed`, `npm run pin` and `npm run prepare-pilot` share, declared once (the
 * help and the parsing come from these declarations), and how each resolves against the manifest.
 */
import { dirname, resolve } from "node:path";
import type { Command, OptionValues } from "@commander-js/extra-typings";
import { DEFAULT_GATEWAYS } from "../../../site/lib/ipfs-gateway.ts";
import { ipfsSchema, type Manifest } from "../../../site/lib/manifest.ts";
import { Option, repeatable, UserError } from "../cli.ts";
import type { NoOptions } from "../flags.ts";
import { checkReadableFile } from "../readable-file.ts";
import {
  checkCaptions,
  checkPoster,
  torrentFileName,
  type TorrentSectionOptions,
} from "../p2p/manifest-section.ts";
import { CAR_DIR } from "./prepare.ts";

/** The captions' language and label when only `--captions` is given. */
export const CAPTIONS_DEFAULTS = { captionsLang: "en", captionsLabel: "English" } as const;

/** Adds the torrent section's options (seed, prepare-pilot) to `cli`. */
export function addTorrentOptions<Args extends unknown[], Opts extends OptionValues>(
  cli: Command<Args, Opts>,
) {
  return cli
    .addOption(new Option("--captions <file.vtt>", "WebVTT captions for the player"))
    .addOption(new Option("--captions-lang <tag>", "their language").default(CAPTIONS_DEFAULTS.captionsLang))
    .addOption(new Option("--captions-label <text>", "their label").default(CAPTIONS_DEFAULTS.captionsLabel))
    .addOption(
      new Option(
        "--poster <image>",
        "the poster frame the player shows before play (JPEG, PNG or WebP; 16:9, e.g. 1280x720), copied next to the manifest",
      ),
    )
    .addOption(
      new Option(
        "--tracker <url>",
        "announce URL (repeatable): wss:// for browsers, https:// or udp:// for desktop clients. Default: the manifest's trackers",
      ).argParser(repeatable()),
    )
    .addOption(
      new Option(
        "--web-seed <url>",
        "HTTP(S) URL of the same file (repeatable), e.g. IPFS gateway URLs. Default: the manifest's web seeds, plus the gateway URLs of this file if it was pinned (npm run pin) or prepared (npm run prepare-pilot)",
      ).argParser(repeatable()),
    )
    .addOption(
      new Option(
        "--ice-server <url>",
        "STUN/TURN URL for browsers (repeatable). Default: the manifest's",
      ).argParser(repeatable()),
    )
    .addOption(
      new Option(
        "--out <file.torrent>",
        "where to write the .torrent, inside the manifest's folder (default: pilot.torrent next to the manifest)",
      ),
    );
}

/** Adds the IPFS options (pin, prepare-pilot) to `cli`. */
export function addIpfsOptions<Args extends unknown[], Opts extends OptionValues>(cli: Command<Args, Opts>) {
  return cli
    .addOption(
      new Option("--car-dir <dir>", "where the pilot's CAR shards are written, as <shard cid>.car").default(
        CAR_DIR,
      ),
    )
    .addOption(
      new Option(
        "--gateway <url>",
        `an IPFS gateway (repeatable, at least two): a path gateway origin (https://w3s.link) or a template with {cid} (https://{cid}.ipfs.dweb.link). Default: the manifest's, else ${DEFAULT_GATEWAYS.join(", ")}`,
      ).argParser(repeatable()),
    );
}

/** The torrent options as commander parses them. */
export type TorrentValues = ReturnType<ReturnType<typeof addTorrentOptions<[], NoOptions>>["opts"]>;
/** The IPFS options as commander parses them. */
export type IpfsValues = ReturnType<ReturnType<typeof addIpfsOptions<[], NoOptions>>["opts"]>;

/** Checks the captions (WebVTT) and the poster (an image) first: a bad one costs no read of the pilot. */
export async function checkTorrentFiles(values: TorrentValues): Promise<void> {
  if (values.captions !== undefined) {
    await checkReadableFile(values.captions, "captions file");
    await checkCaptions(values.captions);
  }
  if (values.poster !== undefined) {
    await checkReadableFile(values.poster, "poster file");
    await checkPoster(values.poster);
  }
}

/**
 * The torrent options resolved against the manifest; `webSeeds` before any pilot gateway URL is added.
 * @throws UserError with no tracker at all, or a .torrent path outside the manifest's folder.
 */
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
      : { file: values.captions, srclang: values.captionsLang, label: values.captionsLabel };
  const torrentPath = resolve(values.out ?? resolve(dirname(manifestFile), "pilot.torrent"));
  torrentFileName(torrentPath, manifestFile);
  return {
    trackers,
    webSeeds: values.webSeed ?? manifest.torrent?.webSeeds ?? [],
    webSeedsGiven: values.webSeed !== undefined,
    iceServers: values.iceServer?.map((urls) => ({ urls })) ?? manifest.torrent?.iceServers ?? [],
    torrentPath,
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
