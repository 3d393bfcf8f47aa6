/**
 * The site's Content-Security-Policy, from the manifest: every page may run only the site's own
 * scripts and talk only to the hosts the campaign names (its RPCs, its trackers, its web seeds
 * and its IPFS gateways). Pure, so the policy for any manifest can be checked without a build.
 *
 * `script-src` and `style-src` are not here: Astro writes them (`security.csp` in
 * astro.config.mjs), `'self'` plus a hash of each script and style it inlines into the HTML.
 */
import type { Manifest } from "./manifest.ts";

/** The parts of the manifest the policy depends on. */
export type CspManifest = Pick<Manifest, "chain" | "torrent" | "ipfs">;

/** The directives this policy sets (all of them valid in a `<meta>` policy). */
export type CspDirectiveName =
  | "default-src"
  | "connect-src"
  | "media-src"
  | "img-src"
  | "worker-src"
  | "object-src"
  | "base-uri"
  | "form-action";
/** One directive with its sources, e.g. `img-src 'self' data:`. */
export type CspDirective = `${CspDirectiveName} ${string}`;

/**
 * What a source expression may look like here: a scheme, a host (a leading `*.` wildcard at most) and a port.
 */
const HOST_SOURCE = /^[a-z][a-z0-9+.-]*:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:[0-9]+)?$/;

/**
 * A manifest value the policy cannot name as a source (the build stops rather than ship a policy that says
 * something else).
 */
export class CspSourceError extends Error {
  constructor(field: string, value: string) {
    super(
      `${field}: "${value}" cannot be written as a Content-Security-Policy source (a plain host name or IPv4 address is needed).`,
    );
    this.name = "CspSourceError";
  }
}

function checked(source: string, field: string, value: string): string {
  if (!HOST_SOURCE.test(source)) throw new CspSourceError(field, value);
  return source;
}

/** The origin of `url` as a source expression (`https://rpc.example:8545`); paths and queries are dropped. */
function originSource(url: string, field: string): string {
  return checked(new URL(url).origin, field, url);
}

/**
 * The source that covers every URL made from an IPFS gateway: a path gateway's origin
 * (`https://w3s.link`), or for a subdomain template the wildcard host in place of the CID
 * (`https://{cid}.ipfs.dweb.link` → `https://*.ipfs.dweb.link`).
 */
export function gatewaySource(gateway: string): string {
  const field = "ipfs.gateways";
  if (!gateway.includes("{cid}")) return originSource(gateway, field);
  const placeholder = "cidplaceholder";
  const url = new URL(gateway.replaceAll("{cid}", placeholder));
  const labels = url.hostname.split(".");
  const cidLabel = labels.findIndex((label) => label.includes(placeholder));
  if (cidLabel === -1) return originSource(url.href, field);
  const rest = labels.slice(cidLabel + 1);
  if (rest.length === 0) throw new CspSourceError(field, gateway);
  return checked(
    `${url.protocol}//*.${rest.join(".")}${url.port === "" ? "" : `:${url.port}`}`,
    field,
    gateway,
  );
}

function unique(sources: readonly string[]): string[] {
  return [...new Set(sources)];
}

/**
 * Every directive of the policy except `script-src` and `style-src`, one string each
 * (`connect-src 'self' https://rpc.example`), in a fixed order.
 *
 * - connections: the site, the RPCs (the progress panel and the back page read the chain), the
 *   browser trackers (ws/wss only: desktop clients' http/udp trackers are never dialled by a page),
 *   the web seeds (WebTorrent fetches pieces from them) and the gateways;
 * - media: the site (the service worker streams the pilot under the site's own path, and serves
 *   the captions), blob:, and the web seeds and gateways (the player's direct-play fallback);
 * - images: the site and data: (EIP-6963 wallet icons are data: URIs);
 * - workers: the site (WebTorrent's service worker, ./sw.min.js).
 *
 * WebRTC between fans is not covered by any CSP directive Chromium enforces.
 */
export function cspDirectives(manifest: CspManifest): CspDirective[] {
  const rpcs = manifest.chain.rpcUrls.map((url) => originSource(url, "chain.rpcUrls"));
  const trackers = (manifest.torrent?.trackers ?? [])
    .filter((url) => /^wss?:/i.test(url))
    .map((url) => originSource(url, "torrent.trackers"));
  const webSeeds = (manifest.torrent?.webSeeds ?? []).map((url) => originSource(url, "torrent.webSeeds"));
  const gateways = (manifest.ipfs?.gateways ?? []).map(gatewaySource);
  const list = (name: CspDirectiveName, sources: readonly string[]): CspDirective =>
    `${name} ${unique(sources).join(" ")}`;
  return [
    "default-src 'none'",
    list("connect-src", ["'self'", ...rpcs, ...trackers, ...webSeeds, ...gateways]),
    list("media-src", ["'self'", "blob:", ...webSeeds, ...gateways]),
    "img-src 'self' data:",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ];
}
