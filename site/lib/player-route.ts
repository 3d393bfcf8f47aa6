/**
 * How the player gets the pilot into the <video>, decided from what the browser can do and where
 * the page is served. Pure, so it is unit-tested without a browser.
 */

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
  | { kind: "direct"; reason: string };

/** Pages served from a shared IPFS path gateway (`/ipfs/<cid>/…`) share one origin with every other site there. */
export function onSharedGateway(path: string): boolean {
  return /^\/ip[fn]s\//.test(path);
}

export function choosePlayerRoute(capabilities: PlayerCapabilities): PlayerRoute {
  if (onSharedGateway(capabilities.path)) {
    return {
      kind: "direct",
      reason:
        "This page is served from a shared IPFS gateway path, where a streaming service worker cannot safely run: playing the pilot straight from the gateway.",
    };
  }
  if (!capabilities.serviceWorker || !capabilities.secureContext) {
    return { kind: "direct", reason: "This browser cannot stream through a service worker here: playing the pilot straight from a web seed." };
  }
  if (!capabilities.webrtc) {
    return { kind: "direct", reason: "This browser has no WebRTC, so it cannot reach other fans: playing the pilot straight from a web seed." };
  }
  return { kind: "webtorrent" };
}
