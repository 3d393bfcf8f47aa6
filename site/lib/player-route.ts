/**
 * How the player gets the pilot into the <video>, decided from what the browser can do and where
 * the page is served, and which URLs it plays directly, in which order. Pure, so it is
 * unit-tested without a browser.
 */
import { gatewayUrl, pathGatewayPrefix } from "./ipfs-gateway.ts";
import type { PlayerConfig } from "./player-config.ts";

export interface PlayerCapabilities {
  /** `"serviceWorker" in navigator` */
  serviceWorker: boolean;
  /** `typeof RTCPeerConnection === "function"` */
  webrtc: boolean;
  /** `window.isSecureContext`: service workers need https or a loopback origin. */
  secureContext: boolean;
  /** `location.pathname` */
  path: string;
}

export type PlayerRoute =
  | { kind: "webtorrent" }
  /** `reason`: why streaming cannot run here, one sentence for the status line. */
  | { kind: "direct"; reason: string };

/** Pages served from a shared IPFS path gateway (`/ipfs/<cid>/…`) share one origin with every other site there. */
export function onSharedGateway(path: string): boolean {
  return pathGatewayPrefix(path) !== undefined;
}

/** Streams through WebTorrent where the browser can, else plays a URL directly, with the reason. */
export function choosePlayerRoute(capabilities: PlayerCapabilities): PlayerRoute {
  if (onSharedGateway(capabilities.path)) {
    return {
      kind: "direct",
      reason:
        "This page comes from a shared IPFS gateway, where every other site on the gateway shares its origin, so streaming through a service worker would not be safe.",
    };
  }
  if (!capabilities.serviceWorker || !capabilities.secureContext) {
    return { kind: "direct", reason: "This browser cannot stream through a service worker here." };
  }
  if (!capabilities.webrtc) {
    return { kind: "direct", reason: "This browser has no WebRTC, so it cannot reach other fans." };
  }
  return { kind: "webtorrent" };
}

/** Where the page is: `location.origin` and `location.pathname`. */
export interface PageLocation {
  origin: string;
  path: string;
}

/**
 * The URLs the direct route tries, in order, without repeats. On a shared IPFS path gateway
 * (`/ipfs/<siteCid>/…`) the pilot's CID on that very gateway comes first (it answered for the
 * page, so it is the likeliest to answer for the pilot too), then the pilot on the gateways the
 * manifest lists, then the torrent's web seeds. Elsewhere the web seeds come first.
 */
export function directPlayUrls(config: Pick<PlayerConfig, "webSeeds" | "ipfsPilot">, page: PageLocation): string[] {
  const { webSeeds, ipfsPilot } = config;
  const pinned = ipfsPilot?.urls ?? [];
  const urls =
    onSharedGateway(page.path) && ipfsPilot !== undefined
      ? [gatewayUrl(page.origin, ipfsPilot.cid, { filename: ipfsPilot.name }), ...pinned, ...webSeeds]
      : [...webSeeds, ...pinned];
  return [...new Set(urls)];
}

/**
 * The status line while the <video> plays `url` directly: why (`reason`), the host the bytes come
 * from, and that nothing checks them. Played directly, the bytes bypass WebTorrent, so they are
 * not checked against the torrent's piece hashes; the fan is told so.
 */
export function directPlayStatus(reason: string, url: string): string {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    host = url;
  }
  return `${reason} Playing directly from ${host} — these bytes are not checked against the torrent's piece hashes.`;
}

/**
 * Peers first: the web seeds join only if no peer has connected this long after the torrent is
 * ready, or when playback waits for data this long. Most bytes then come from other fans, and a
 * lone fan still starts within a couple of seconds.
 */
export const PEER_GRACE_MS = 1_500;
export const STALL_GRACE_MS = 1_000;

/** What the web-seed policy acts on: the torrent's peers, and the way to add its web seeds. */
export interface WebSeedHooks {
  /** Peers (not web seeds) connected now. */
  peerCount(): number;
  /** Adds the web seeds to the torrent (called at most once). */
  addWebSeeds(): void;
}

/**
 * When a fan's torrent brings in the web seeds: the one policy the browser player runs and the
 * swarm benchmark's Node fans run too. Tell it when the torrent is ready and when playback
 * waits or plays; it adds the web seeds at most once, and `stop()` clears its timers.
 */
export class WebSeedPolicy {
  #added = false;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  #stallTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly hooks: WebSeedHooks) {}

  /** True once the web seeds were added. */
  get added(): boolean {
    return this.#added;
  }

  /** The torrent has its metadata: peers get {@link PEER_GRACE_MS} to show up. */
  ready(): void {
    this.#graceTimer = setTimeout(() => {
      if (this.hooks.peerCount() === 0) this.#add();
    }, PEER_GRACE_MS);
  }

  /** Playback waits for data (the <video>'s `waiting`). */
  waiting(): void {
    clearTimeout(this.#stallTimer);
    this.#stallTimer = setTimeout(() => this.#add(), STALL_GRACE_MS);
  }

  /** Playback goes on (the <video>'s `playing`). */
  playing(): void {
    clearTimeout(this.#stallTimer);
  }

  stop(): void {
    clearTimeout(this.#graceTimer);
    clearTimeout(this.#stallTimer);
  }

  #add(): void {
    if (this.#added) return;
    this.#added = true;
    this.stop();
    this.hooks.addWebSeeds();
  }
}
