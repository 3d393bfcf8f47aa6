/**
 * IPFS gateway URLs: how a CID becomes an HTTP URL on a path gateway (`https://w3s.link/ipfs/<cid>`)
 * or a subdomain gateway (`https://<cid>.ipfs.dweb.link/`). Pure, shared by `npm run pin` (which
 * writes the URLs into the manifest) and the player (which finds the gateway a page came from).
 */

/**
 * Used when the producer names none: run by two independent operators (Storacha, the pinning
 * service itself, and the IPFS Foundation's public gateways), so one outage loses nothing.
 */
export const DEFAULT_GATEWAYS: readonly string[] = [
  "https://storacha.link",
  "https://ipfs.io",
  "https://dweb.link",
];

export interface GatewayUrlOptions {
  /** A file's name, sent as `?filename=` so the gateway names the download and its type. */
  filename?: string;
  /** The CID is a directory (a site): end the URL with `/` so relative links resolve inside it. */
  directory?: boolean;
}

/**
 * The URL of `cid` on `gateway`: a path gateway origin (`https://w3s.link` → `https://w3s.link/ipfs/<cid>`)
 * or a template containing `{cid}` (`https://{cid}.ipfs.dweb.link` → `https://<cid>.ipfs.dweb.link/`).
 */
export function gatewayUrl(gateway: string, cid: string, options: GatewayUrlOptions = {}): string {
  let url: URL;
  if (gateway.includes("{cid}")) {
    url = new URL(gateway.replaceAll("{cid}", cid));
  } else {
    url = new URL(gateway);
    url.pathname = `${url.pathname.replace(/\/+$/, "")}/ipfs/${cid}`;
  }
  if (options.directory && !url.pathname.endsWith("/")) url.pathname += "/";
  if (options.filename !== undefined) url.searchParams.set("filename", options.filename);
  return url.toString();
}

/**
 * The `/ipfs/<cid>/` or `/ipns/<name>/` prefix of a page served by a path gateway, or `undefined`
 * when the page is served from a domain root.
 */
export function pathGatewayPrefix(pathname: string): string | undefined {
  return /^\/ip[fn]s\/[^/]+\//.exec(pathname)?.[0];
}
