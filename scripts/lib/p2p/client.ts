/**
 * WebTorrent clients in Node for this project: never on the DHT, local peer discovery or NAT
 * port mapping (nothing but the trackers and web seeds a manifest names), WebRTC through the
 * gathering-complete shim.
 */
import WebTorrent, { type ClientOptions } from "webtorrent";
import { installNodeWebRtcFix } from "./node-webrtc.ts";

export interface NodeClientOptions {
  /** STUN/TURN servers for WebRTC; none (host candidates only) by default. */
  iceServers?: RTCIceServer[];
  /**
   * Only gather WebRTC candidates on this local address (node-datachannel's `bindAddress`), e.g.
   * 127.0.0.1 so Node-to-Node tests stay on loopback. Default: every interface.
   */
  webrtcBindAddress?: string;
  /** TCP/uTP listening port; 0 = any. */
  torrentPort?: number;
  /** Accept WebRTC peers from WebSocket trackers (default true). */
  webrtc?: boolean;
  /** Dial and accept TCP/uTP peers (default true). */
  tcp?: boolean;
  utp?: boolean;
  /** Fetch from the torrents' BEP 19 web seeds (default true). */
  webSeeds?: boolean;
  downloadLimit?: number;
  uploadLimit?: number;
}

export function createNodeClient(options: NodeClientOptions = {}): WebTorrent {
  installNodeWebRtcFix();
  const clientOptions: ClientOptions = {
    dht: false,
    lsd: false,
    utPex: false,
    natUpnp: false,
    natPmp: false,
    utp: options.utp ?? false,
    webSeeds: options.webSeeds ?? true,
    torrentPort: options.torrentPort ?? 0,
    // `wrtc: false` keeps a client off WebRTC (TCP peers only).
    tracker:
      options.webrtc === false
        ? { wrtc: false }
        : {
            rtcConfig: {
              iceServers: options.iceServers ?? [],
              ...(options.webrtcBindAddress === undefined ? {} : { bindAddress: options.webrtcBindAddress }),
            },
          },
    ...(options.downloadLimit === undefined ? {} : { downloadLimit: options.downloadLimit }),
    ...(options.uploadLimit === undefined ? {} : { uploadLimit: options.uploadLimit }),
  };
  const client = new WebTorrent(clientOptions);
  // Errors reach the caller through torrents and promises; an unhandled 'error' would crash.
  client.on("error", () => undefined);
  return client;
}

/** Destroys a client, resolving when its sockets are closed. */
export function destroyClient(client: WebTorrent): Promise<void> {
  return new Promise((done) => client.destroy(() => done()));
}
