/**
 * Types for the part of WebTorrent 3 this project uses, in Node (scripts/lib/p2p) and in the
 * browser (the player). The published @types/webtorrent describe version 1.
 */
declare module "webtorrent" {
  import type { EventEmitter } from "node:events";

  export interface WebRtcImplementation {
    RTCPeerConnection: unknown;
    RTCSessionDescription: unknown;
    RTCIceCandidate: unknown;
  }

  export interface TrackerOptions {
    /** `false` turns WebRTC off (Node peers then use TCP only). */
    wrtc?: false | WebRtcImplementation;
    rtcConfig?: RTCConfiguration;
    /** Extra announce URLs for every torrent. */
    announce?: string[];
  }

  export interface ClientOptions {
    /** `false` disables trackers altogether. */
    tracker?: false | TrackerOptions;
    dht?: boolean;
    lsd?: boolean;
    utPex?: boolean;
    natUpnp?: boolean;
    natPmp?: boolean;
    utp?: boolean;
    webSeeds?: boolean;
    torrentPort?: number;
    maxConns?: number;
    downloadLimit?: number;
    uploadLimit?: number;
  }

  export interface TorrentOptions {
    announce?: string[];
    urlList?: string[];
    /** Directory files are stored in (Node). */
    path?: string;
    /** Skip verifying existing pieces on disk. */
    skipVerify?: boolean;
    destroyStoreOnDestroy?: boolean;
    /** Chunk store constructor (e.g. memory-chunk-store). */
    store?: unknown;
    private?: boolean;
    maxWebConns?: number;
    /** Extra parameters for every tracker announce (e.g. `numwant`). */
    getAnnounceOpts?: () => Record<string, unknown>;
    /** The pieces already held, one bit each (an all-zero one: none, without asking the store). */
    bitfield?: Uint8Array;
  }

  /** A tracker's answer to an announce: the swarm it knows, this fan included. */
  export interface TrackerUpdate {
    complete?: number;
    incomplete?: number;
  }

  export interface SeedOptions extends TorrentOptions {
    name?: string;
    comment?: string;
    pieceLength?: number;
    /** create-torrent's hashing progress: bytes hashed so far, of `total`. */
    onProgress?: (hashed: number, total: number) => void;
  }

  /** A peer connection (BitTorrent wire protocol), or a web seed speaking it. */
  export interface Wire extends EventEmitter {
    type: "webrtc" | "tcpIncoming" | "tcpOutgoing" | "utpIncoming" | "utpOutgoing" | "webSeed";
    remoteAddress?: string;
    downloaded: number;
    uploaded: number;
    on(event: "download", listener: (bytes: number) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export interface TorrentFile {
    name: string;
    path: string;
    length: number;
    progress: number;
    /** Browser: streams into a <video>/<audio> through the client's service-worker server. */
    streamTo(element: HTMLMediaElement): HTMLMediaElement;
    createReadStream(options?: { start?: number; end?: number }): NodeJS.ReadableStream;
    arrayBuffer(): Promise<ArrayBuffer>;
  }

  export interface Torrent extends EventEmitter {
    infoHash: string;
    magnetURI: string;
    torrentFile: Uint8Array;
    name: string;
    files: TorrentFile[];
    length: number;
    pieceLength: number;
    pieces: unknown[];
    ready: boolean;
    done: boolean;
    destroyed: boolean;
    progress: number;
    downloaded: number;
    uploaded: number;
    received: number;
    downloadSpeed: number;
    uploadSpeed: number;
    numPeers: number;
    wires: Wire[];
    path: string;
    announce: string[];
    urlList: string[];
    addWebSeed(url: string): void;
    /** Disconnects a peer or a web seed (a web seed's id is its URL). */
    removePeer(id: string): void;
    /** Peer discovery (trackers, DHT); `null` once the torrent is destroyed. */
    discovery?: { tracker?: { on(event: "update", listener: (data: TrackerUpdate) => void): void } } | null;
    destroy(options?: { destroyStore?: boolean }, callback?: (error?: Error) => void): void;
    on(event: "ready" | "done" | "seed" | "noPeers", listener: () => void): this;
    on(event: "warning" | "error", listener: (error: Error | string) => void): this;
    on(event: "wire", listener: (wire: Wire, address?: string) => void): this;
    on(event: "download" | "upload", listener: (bytes: number) => void): this;
    on(event: "verified", listener: (piece: number) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export interface ServiceWorkerServer {
    close(callback?: () => void): void;
  }

  export default class WebTorrent extends EventEmitter {
    static WEBRTC_SUPPORT: boolean;
    static UTP_SUPPORT: boolean;
    constructor(options?: ClientOptions);
    torrents: Torrent[];
    torrentPort: number;
    destroyed: boolean;
    seed(
      input: string | Uint8Array | Blob | File,
      options?: SeedOptions,
      onSeed?: (torrent: Torrent) => void,
    ): Torrent;
    add(
      torrentId: string | Uint8Array | Blob,
      options?: TorrentOptions,
      onTorrent?: (torrent: Torrent) => void,
    ): Torrent;
    get(torrentId: string | Uint8Array): Promise<Torrent | null>;
    remove(
      torrentId: string | Torrent,
      options?: { destroyStore?: boolean },
      callback?: (error?: Error) => void,
    ): Promise<void>;
    createServer(options: { controller: ServiceWorkerRegistration }): ServiceWorkerServer;
    destroy(callback?: (error?: Error) => void): void;
    on(event: "error" | "warning", listener: (error: Error | string) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}

declare module "webtorrent/dist/webtorrent.min.js" {
  export * from "webtorrent";
  export { default } from "webtorrent";
}

declare module "bittorrent-tracker" {
  import type { EventEmitter } from "node:events";
  import type { Server as HttpServer } from "node:http";

  export interface ServerOptions {
    http?: boolean;
    udp?: boolean;
    ws?: boolean;
    stats?: boolean;
    trustProxy?: boolean;
    interval?: number;
    filter?: (infoHash: string, params: unknown, callback: (error?: Error | null) => void) => void;
  }

  export class Server extends EventEmitter {
    constructor(options?: ServerOptions);
    http: HttpServer | null;
    listen(port: number, hostname: string, onListening?: () => void): void;
    close(callback?: () => void): void;
    on(event: "error" | "warning", listener: (error: Error) => void): this;
    on(
      event: "listening" | "start" | "complete" | "update" | "stop",
      listener: (...args: unknown[]) => void,
    ): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}

declare module "create-torrent" {
  export interface CreateTorrentOptions {
    announce?: string[];
    urlList?: string[];
    pieceLength?: number;
    private?: boolean;
  }
  export default function createTorrent(
    input: string,
    options: CreateTorrentOptions,
    callback: (error: Error | null, torrent: Uint8Array) => void,
  ): void;
}

declare module "parse-torrent" {
  export interface ParsedTorrent {
    infoHash: string;
    name?: string;
    length?: number;
    pieceLength?: number;
    announce: string[];
    urlList: string[];
  }
  export default function parseTorrent(torrentId: string | Uint8Array): Promise<ParsedTorrent>;
  /** The magnet URI of a parsed torrent (xt, dn, tr, ws), as WebTorrent's `torrent.magnetURI`. */
  export function toMagnetURI(parsed: ParsedTorrent): string;
}

declare module "bencode" {
  const bencode: {
    encode(value: unknown): Uint8Array;
    decode(data: Uint8Array, encoding?: string): unknown;
  };
  export default bencode;
}
