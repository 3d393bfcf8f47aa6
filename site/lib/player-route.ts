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

/**
 * Pages served from a shared IPFS path gateway (`/ipfs/<cid>/…`) share one origin with every other site
 * there.
 */
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
export function directPlayUrls(
  config: Pick<PlayerConfig, "webSeeds" | "ipfsPilot">,
  page: PageLocation,
): string[] {
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
 * Peers first: the web seeds join when a tracker says no other fan is in the swarm, if no peer has
 * connected this long after the torrent is ready, when the first frame is this late
 * ({@link START_GRACE_MS}), or when playback, once started, waits for data this long
 * ({@link STALL_GRACE_MS}). Most bytes then come from other fans, and a lone fan starts about as
 * fast as one with a peer.
 */
export const PEER_GRACE_MS = 1_500;
export const STALL_GRACE_MS = 1_000;
/**
 * Before the first frame the <video> waits by nature (it has no data yet), so a wait then gets
 * this long, counted from the torrent being ready, before the web seeds join: a connected peer
 * still fetching the index at the front of the file is not a stall.
 */
export const START_GRACE_MS = 2_500;
/**
 * Seconds of the pilot ready ahead of the playhead at which, with a peer connected, the web seeds
 * leave again: from then on other fans carry the pilot, and the next stall brings the web seeds
 * back. A web seed that stayed would serve whatever piece comes next, as fast as it can, and carry
 * most of the file for every fan.
 */
export const HEALTHY_AHEAD_S = 20;

/** What the web-seed policy acts on: the torrent's peers, and the way to add its web seeds. */
export interface WebSeedHooks {
  /** Peers (not web seeds) connected now. */
  peerCount(): number;
  /** Adds the web seeds to the torrent. */
  addWebSeeds(): void;
  /** Takes them out of the torrent again (their requests go back to the peers). */
  removeWebSeeds(): void;
}

/**
 * When a fan's torrent brings in the web seeds: the one policy the browser player runs and the
 * swarm benchmark's Node fans run too. Tell it when the torrent is ready, when a tracker answers,
 * when playback waits or plays, and how much is buffered ahead; it adds the web seeds when the
 * fan would otherwise wait, takes them out once peers keep up, and `stop()` clears its timers and
 * ends it.
 */
export class WebSeedPolicy {
  #added = false;
  #stopped = false;
  #started = false;
  #readyAt = 0;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  #stallTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly hooks: WebSeedHooks) {}

  /** True while the web seeds are in the torrent. */
  get added(): boolean {
    return this.#added;
  }

  /** The torrent has its metadata: peers get {@link PEER_GRACE_MS} to show up. */
  ready(): void {
    if (this.#added || this.#stopped) return;
    this.#readyAt = Date.now();
    this.#graceTimer = setTimeout(() => {
      if (this.hooks.peerCount() === 0) this.#add();
    }, PEER_GRACE_MS);
  }

  /**
   * A tracker answered an announce: `others` is the swarm it knows, less this fan (WebTorrent's
   * tracker `update` event: `complete + incomplete - 1`, as a tracker counts the announcing fan
   * too). With nobody else there and no peer connected, waiting out the grace period would only
   * delay the first frame: the web seeds join now.
   */
  trackerAnswered(others: number): void {
    if (others <= 0 && this.hooks.peerCount() === 0) this.#add();
  }

  /**
   * Playback waits for data (the <video>'s `waiting`): once playback has started, for
   * {@link STALL_GRACE_MS}; before the first frame, until {@link START_GRACE_MS} after `ready()`.
   */
  waiting(): void {
    if (this.#added || this.#stopped) return;
    clearTimeout(this.#stallTimer);
    const grace = this.#started
      ? STALL_GRACE_MS
      : Math.max(0, (this.#readyAt || Date.now()) + START_GRACE_MS - Date.now());
    this.#stallTimer = setTimeout(() => this.#add(), grace);
  }

  /** Playback goes on (the <video>'s `playing`). */
  playing(): void {
    this.#started = true;
    clearTimeout(this.#stallTimer);
  }

  /**
   * `aheadSeconds` of the pilot are ready ahead of the playhead (the <video>'s buffered range, or
   * the pieces held): with the web seeds in, a peer connected and {@link HEALTHY_AHEAD_S} ready,
   * the web seeds leave.
   */
  buffered(aheadSeconds: number): void {
    if (!this.#added || this.#stopped) return;
    if (aheadSeconds < HEALTHY_AHEAD_S || this.hooks.peerCount() === 0) return;
    this.#added = false;
    this.hooks.removeWebSeeds();
  }

  /** The fan left (or the torrent is gone): nothing is added from now on. */
  stop(): void {
    this.#stopped = true;
    this.#clearTimers();
  }

  #clearTimers(): void {
    clearTimeout(this.#graceTimer);
    clearTimeout(this.#stallTimer);
  }

  #add(): void {
    if (this.#added || this.#stopped) return;
    this.#added = true;
    this.#clearTimers();
    this.hooks.addWebSeeds();
  }
}
