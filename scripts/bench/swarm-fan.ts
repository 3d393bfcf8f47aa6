/**
 * A Node fan for the swarm benchmark: a WebTorrent client (capped up and down) that behaves like
 * a viewer. Its playhead advances at the pilot's bitrate once the piece under it is there; when
 * the piece at the playhead is missing it waits, and it tells the player's own web-seed policy
 * (site/lib/player-route.ts `WebSeedPolicy`, not a copy) that playback waits or plays, so the web
 * seed joins exactly when the browser player would bring it in. Pieces from the playhead on are
 * selected first and the next one or two are critical, as WebTorrent's own file stream (the
 * browser player's `streamTo`, lib/file-iterator.js) selects them.
 * After it completes it keeps seeding until the run ends.
 */
import type WebTorrent from "webtorrent";
import type { Torrent, Wire } from "webtorrent";

import { HEALTHY_AHEAD_S, WebSeedPolicy } from "../../site/lib/player-route.ts";
import { createNodeClient, destroyClient } from "../lib/p2p/client.ts";
import { verifiedPiecesStore } from "./swarm-store.ts";

/** How often the playhead moves (ms). */
const TICK_MS = 250;
/** The Node fans' "first frame": the first 10 MB of the file held. */
export const FIRST_BYTES = 10_000_000;

/**
 * The parts of WebTorrent's Torrent a streaming reader uses (lib/file-iterator.js), untyped in site/types.
 */
type StreamingTorrent = Torrent & {
  bitfield?: { get(index: number): boolean };
  _select(start: number, end: number, priority: number, notify: null, isStreamSelection: true): void;
  _deselect(start: number, end: number, isStreamSelection: true): void;
  critical(start: number, end: number): void;
};

export interface NodeFanOptions {
  index: number;
  torrentFile: Uint8Array;
  announce: string[];
  /** The original pilot (see swarm-store.ts). */
  original: string;
  /** This fan's web seed URL (with `?fan=<index>`, so the web seed counts its bytes). */
  webSeedUrl: string;
  uploadLimit: number;
  downloadLimit: number;
  /** The pilot's bitrate, bytes per second of playback. */
  playbackBytesPerSecond: number;
  /** The seeder's peer id (hex), to tell its bytes from other fans'. */
  seederPeerId: string;
  /** Milliseconds since the run started. */
  now(): number;
}

export interface NodeFanResult {
  index: number;
  kind: "node";
  joinedMs: number;
  /** Run time when the first 10 MB were held (-1: never). */
  firstMs: number;
  completeMs: number;
  fromSeeder: number;
  fromFans: number;
  fromWebSeed: number;
  uploaded: number;
  webSeedAddedMs: number;
  stalls: number;
  /** Seconds of playback the playhead reached. */
  playedSeconds: number;
}

export class NodeFan {
  readonly options: NodeFanOptions;
  readonly client: WebTorrent;
  readonly torrent: StreamingTorrent;
  readonly policy: WebSeedPolicy;
  readonly result: NodeFanResult;
  #timer: NodeJS.Timeout | undefined;
  #playhead = 0;
  #playing = false;
  #window = -1;
  #lastTick = 0;

  constructor(options: NodeFanOptions) {
    this.options = options;
    const now = options.now();
    this.result = {
      index: options.index,
      kind: "node",
      joinedMs: now,
      firstMs: -1,
      completeMs: -1,
      fromSeeder: 0,
      fromFans: 0,
      fromWebSeed: 0,
      uploaded: 0,
      webSeedAddedMs: -1,
      stalls: 0,
      playedSeconds: 0,
    };
    // Web seeds only through the policy, as in the browser player.
    this.client = createNodeClient({
      uploadLimit: options.uploadLimit,
      downloadLimit: options.downloadLimit,
      webSeeds: false,
    });
    this.torrent = <StreamingTorrent>this.client.add(options.torrentFile, {
      announce: options.announce,
      store: verifiedPiecesStore(options.original),
      path: "/nonexistent-peerpilot-swarm-fan",
    });
    this.torrent.on("warning", () => undefined);
    this.torrent.on("error", () => undefined);
    this.torrent.on("wire", (wire: Wire) => {
      wire.on("download", (bytes: number) => {
        if (wire.type === "webSeed") this.result.fromWebSeed += bytes;
        else if ((wire as Wire & { peerId?: string }).peerId === options.seederPeerId)
          this.result.fromSeeder += bytes;
        else this.result.fromFans += bytes;
      });
      wire.on("upload", (bytes: unknown) => (this.result.uploaded += Number(bytes)));
    });
    this.policy = new WebSeedPolicy({
      peerCount: () => this.torrent.wires.filter((wire) => wire.type !== "webSeed").length,
      addWebSeeds: () => {
        if (this.torrent.destroyed) return;
        this.result.webSeedAddedMs = options.now();
        this.torrent.addWebSeed(options.webSeedUrl);
      },
      removeWebSeeds: () => {
        if (!this.torrent.destroyed) this.torrent.removePeer(options.webSeedUrl);
      },
    });
    this.torrent.once("done", () => {
      this.result.completeMs = options.now();
      if (this.result.firstMs < 0) this.result.firstMs = this.result.completeMs;
    });
    this.torrent.once("ready", () => {
      this.policy.ready();
      // As the browser player does: a tracker saying nobody else is here brings the web seed at once.
      this.torrent.discovery?.tracker?.on("update", ({ complete = 0, incomplete = 0 }) =>
        this.policy.trackerAnswered(complete + incomplete - 1),
      );
      this.#lastTick = performance.now();
      this.#timer = setInterval(() => this.#tick(), TICK_MS);
      this.#tick();
    });
  }

  #has(piece: number): boolean {
    return this.torrent.bitfield?.get(piece) ?? false;
  }

  #tick(): void {
    const { torrent } = this;
    if (torrent.destroyed) return;
    const elapsed = (performance.now() - this.#lastTick) / 1000;
    this.#lastTick = performance.now();
    const pieceLength = torrent.pieceLength;
    const lastPiece = torrent.pieces.length - 1;
    if (this.result.firstMs < 0 && this.#holdsFirstBytes()) this.result.firstMs = this.options.now();
    if (this.#playing)
      this.#playhead = Math.min(
        torrent.length - 1,
        this.#playhead + elapsed * this.options.playbackBytesPerSecond,
      );
    const piece = Math.min(lastPiece, Math.floor(this.#playhead / pieceLength));
    const present = this.#has(piece);
    if (this.#playing && !present) {
      this.#playing = false;
      this.result.stalls++;
      this.policy.waiting();
    } else if (!this.#playing && present) {
      this.#playing = true;
      this.policy.playing();
    } else if (!this.#playing && this.#window < 0) {
      // Pressed play and nothing is there yet: the <video> fires `waiting`.
      this.policy.waiting();
    }
    this.result.playedSeconds = this.#playhead / this.options.playbackBytesPerSecond;
    this.policy.buffered(this.#aheadSeconds(piece));
    if (piece !== this.#window && !torrent.done) {
      // As file-iterator.js: the rest of the file from the playhead at priority 1, as a stream
      // selection, and the next piece or two (up to 1 MiB) critical.
      if (this.#window >= 0) torrent._deselect(this.#window, lastPiece, true);
      torrent._select(piece, lastPiece, 1, null, true);
      const criticalLength = Math.min(Math.floor((1024 * 1024) / pieceLength), 2);
      torrent.critical(piece, Math.min(lastPiece, piece + criticalLength));
      this.#window = piece;
    }
  }

  /** Seconds of playback held from the playhead on, in whole pieces, as far as the policy looks. */
  #aheadSeconds(piece: number): number {
    const { pieceLength } = this.torrent;
    const lastPiece = this.torrent.pieces.length - 1;
    const enough = Math.ceil(((HEALTHY_AHEAD_S + 1) * this.options.playbackBytesPerSecond) / pieceLength);
    let held = 0;
    while (held <= enough && piece + held <= lastPiece && this.#has(piece + held)) held++;
    if (piece + held > lastPiece) return Number.POSITIVE_INFINITY;
    return Math.max(0, (piece + held) * pieceLength - this.#playhead) / this.options.playbackBytesPerSecond;
  }

  #holdsFirstBytes(): boolean {
    const pieces = Math.ceil(Math.min(FIRST_BYTES, this.torrent.length) / this.torrent.pieceLength);
    for (let piece = 0; piece < pieces; piece++) if (!this.#has(piece)) return false;
    return true;
  }

  /** Received bytes by source, so far. */
  get received(): number {
    return this.result.fromSeeder + this.result.fromFans + this.result.fromWebSeed;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.policy.stop();
    await destroyClient(this.client);
  }
}
