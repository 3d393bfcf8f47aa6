/**
 * The campaign manifest: everything the site and the scripts know about one campaign, in one
 * typed, validated document (`campaign.json`). Scripts write it, the site build reads it;
 * nothing else is configured twice. Pure module: no Node or browser APIs, so both sides import it.
 */
import { z } from "zod";
import { addressProblem, checksumAddress } from "./address.ts";

/** Bump when a change would make an older reader misread a newer manifest. */
export const MANIFEST_VERSION = 1;

const nonZeroAddress = z
  .string()
  .superRefine((value, context) => {
    const problem = addressProblem(value);
    if (problem !== undefined) context.addIssue({ code: "custom", message: problem, abort: true });
  })
  .transform(checksumAddress);

const uintString = z.string().regex(/^(0|[1-9][0-9]*)$/, {
  message: "expected a whole number as a decimal string (smallest token units)",
  abort: true,
});

/**
 * Whether `path` names a file inside the manifest's folder: relative, with no `..` segment, not
 * rooted (`/x`, `\x`, `C:x`, `~/x`) and without NUL. The site build publishes these files, so a
 * manifest from elsewhere must not be able to name `/proc/self/environ` or `../../.ssh/id_ed25519`.
 */
export function isInsideManifestFolder(path: string): boolean {
  if (path.includes("\0") || /^([\\/~]|[a-zA-Z]:)/.test(path)) return false;
  return !path.split(/[\\/]/).includes("..");
}

/** A file the site build publishes, relative to the manifest file (symlinks are checked at build time). */
const publishedFile = z.string().min(1).refine(isInsideManifestFolder, {
  message: "must be a path relative to the manifest's folder and inside it (not absolute, no ..)",
});

const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });

export const tokenSchema = z.strictObject({
  address: nonZeroAddress,
  name: z.string().min(1),
  symbol: z.string().min(1).max(11),
  decimals: z.int().min(0).max(36),
});

export const escrowSchema = z.strictObject({
  /** The CampaignEscrow contract. */
  address: nonZeroAddress,
  /** Block the escrow was deployed in: where event scans start. */
  deployBlock: z.int().min(0),
  /** Hash of the deployment transaction, when known. */
  deployTx: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, { message: "expected a 32-byte hex transaction hash" })
    .optional(),
  token: tokenSchema,
  beneficiary: nonZeroAddress,
  goalBackers: z
    .int()
    .min(1)
    .max(2 ** 32 - 1),
  /** Smallest first pledge in the token's smallest unit, as a decimal string (it can exceed 2^53). */
  minPledge: uintString.refine((value) => BigInt(value) > 0n, { message: "must be greater than zero" }),
  /** Unix time in seconds. */
  deadline: z.int().min(1),
});

export const chainSchema = z.strictObject({
  id: z.int().min(1),
  name: z.string().min(1),
  /** JSON-RPC endpoints the site reads from, tried in order. Never more than public read access. */
  rpcUrls: z.array(httpUrl).min(1),
  /** Block explorer base URL, e.g. for links to the escrow. */
  explorerUrl: httpUrl.optional(),
  /** The chain's gas currency, as a wallet adds the chain (EIP-3085 `nativeCurrency`). */
  nativeCurrency: z
    .strictObject({
      name: z.string().min(1),
      symbol: z.string().min(2).max(6),
      decimals: z.int().min(0).max(36),
    })
    .default({ name: "Ether", symbol: "ETH", decimals: 18 }),
});

const trackerUrl = z.url({
  protocol: /^(wss?|https?|udp)$/,
  error: "expected a ws(s)://, http(s):// or udp:// tracker URL",
});

/** A STUN or TURN server for browsers' WebRTC (RTCIceServer). */
export const iceServerSchema = z.strictObject({
  urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

export const torrentSchema = z.strictObject({
  /** The file's name inside the torrent (single-file torrent). */
  name: z.string().min(1),
  /** BitTorrent v1 info hash, 40 lowercase hex digits. */
  infoHash: z.string().regex(/^[0-9a-f]{40}$/, { message: "expected 40 lowercase hex digits" }),
  magnet: z.string().startsWith("magnet:?xt=urn:btih:", { message: "expected a magnet:?xt=urn:btih:… URI" }),
  /** The .torrent file, relative to the manifest file; the site build publishes it. */
  torrentFile: publishedFile,
  /** File size in bytes. */
  length: z.int().min(1),
  /** Piece length in bytes (a power of two). */
  pieceLength: z
    .int()
    .min(16_384)
    .refine((n) => (n & (n - 1)) === 0, { message: "must be a power of two" }),
  /** Announce URLs: ws(s):// for browsers, http(s)/udp for desktop clients. */
  trackers: z.array(trackerUrl).min(1),
  /** BEP 19 web seeds (url-list): HTTP(S) URLs of the same file, e.g. IPFS gateway URLs. */
  webSeeds: z.array(httpUrl),
  /** STUN/TURN servers the browser player uses for WebRTC. Empty: host candidates only. */
  iceServers: z.array(iceServerSchema).default([]),
  /**
   * The poster frame (JPEG, PNG or WebP) the player shows before play, relative to the manifest file; the
   * site build publishes it.
   */
  poster: publishedFile.optional(),
  /** WebVTT captions, relative to the manifest file; the site build publishes them. */
  captions: z
    .strictObject({
      file: publishedFile,
      srclang: z.string().min(2),
      label: z.string().min(1),
    })
    .optional(),
});

/** A CIDv1 in base32 (`bafy…` for content, `bafk…` for a raw block, `bag…` for a CAR shard). */
const cidString = z
  .string()
  .regex(/^b[a-z2-7]{58,}$/, { message: "expected a CIDv1 in base32 (bafy…, bafk…, bag…)" });

/**
 * An IPFS gateway: a path gateway's origin (`https://w3s.link`, content at `/ipfs/<cid>`) or a
 * URL template with `{cid}` (a subdomain gateway, `https://{cid}.ipfs.dweb.link`).
 */
const gateway = z
  .url({
    protocol: /^https?$/,
    error: "expected an http(s) gateway URL, e.g. https://w3s.link or https://{cid}.ipfs.dweb.link",
  })
  .or(
    z.string().regex(/^https?:\/\/[^\s]*\{cid\}[^\s]*$/, {
      message: "expected an http(s) gateway URL or a template with {cid}",
    }),
  );

/** Content pinned to IPFS (written by `npm run pin`). */
export const pinnedSchema = z.strictObject({
  /** Root CID of the UnixFS file or directory. */
  cid: cidString,
  /** CIDs of the CAR shards stored with the pinning service, in order. */
  shards: z.array(cidString).min(1),
  /** The content on each gateway, in the order of `ipfs.gateways`. */
  urls: z.array(httpUrl).min(1),
});

export const ipfsSchema = z.strictObject({
  /** Gateways the URLs were made for: several, so one gateway going away loses nothing. */
  gateways: z
    .array(gateway)
    .min(2, { message: "list at least two gateways, so that one outage does not take the pilot offline" }),
  /** The pilot as one UnixFS file. */
  pilot: pinnedSchema
    .extend({
      /** The file's name (used as `?filename=` on gateway URLs). */
      name: z.string().min(1),
      /** File size in bytes. */
      length: z.int().min(1),
    })
    .optional(),
  /** The built site as one UnixFS directory (serve it under `/ipfs/<cid>/`). */
  site: pinnedSchema.optional(),
});

export const manifestSchema = z.strictObject({
  version: z.literal(MANIFEST_VERSION),
  campaign: z.strictObject({
    title: z.string().min(1),
    tagline: z.string().min(1),
  }),
  chain: chainSchema,
  escrow: escrowSchema,
  /** The pilot, peer-to-peer (written by `npm run seed`). */
  torrent: torrentSchema.optional(),
  /** The IPFS backup of the pilot and the site (written by `npm run pin`). */
  ipfs: ipfsSchema.optional(),
});

/** A validated manifest (addresses checksummed). */
export type Manifest = z.output<typeof manifestSchema>;
/** What a script writes before validation. */
export type ManifestInput = z.input<typeof manifestSchema>;

/** A manifest failed validation: one line per bad field, with its path. */
export class ManifestError extends Error {
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super(`Invalid campaign manifest ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ManifestError";
    this.problems = problems;
  }
}

/**
 * Validates a parsed manifest. Throws {@link ManifestError} listing every bad field
 * (`escrow.address: expected a 0x-prefixed 20-byte hex address`).
 * @param data The parsed JSON.
 * @param source Where it came from, for the error message.
 */
export function parseManifest(data: unknown, source = "campaign.json"): Manifest {
  const result = manifestSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    return `${path}: ${issue.message}`;
  });
  throw new ManifestError(source, problems);
}

/** Parses manifest JSON text; a syntax error becomes a {@link ManifestError} too. */
export function parseManifestJson(text: string, source = "campaign.json"): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(source, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseManifest(data, source);
}
