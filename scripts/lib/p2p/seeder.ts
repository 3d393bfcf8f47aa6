/**
 * The producer's seeder: hashes a video file into a torrent (BEP 19 web seeds included; see
 * make-torrent.ts), or takes the pieces the pilot pass already hashed, and seeds it from one process to
 * browsers (WebRTC through WebSocket trackers) and to desktop BitTorrent clients (TCP, HTTP trackers).
 */
import { basename, dirname, resolve } from "node:path";
import type WebTorrent from "webtorrent";
import type { Torrent } from "webtorrent";
import { EXIT, UserError } from "../cli.ts";
import { createNodeClient, destroyClient } from "./client.ts";
import { makeTorrent, torrentFromPieces } from "./make-torrent.ts";
import { pieceLengthFor } from "./piece-length.ts";
import { checkReadableFile } from "../readable-file.ts";

export interface SeederOptions {
  file: string;
  trackers: string[];
  webSeeds: string[];
  iceServers?: RTCIceServer[];
  /** TCP port for desktop clients; 0 = any. */
  torrentPort?: number;
  /** Hashing progress: bytes hashed of `total`. */
  onHashProgress?: (hashed: number, total: number) => void;
  /** Upload limit in bytes per second (default: none). */
  uploadLimit?: number;
  /** Gather WebRTC candidates only on this address (tests: 127.0.0.1). */
  webrtcBindAddress?: string;
  /**
   * The pieces' SHA-1s from the pilot pass (npm run prepare-pilot), for this very file and
   * `pieceLengthFor` its length: then the file is not hashed here at all.
   */
  pieces?: Uint8Array;
  /** Read the whole file back and check every piece against its hash before seeding. */
  recheck?: boolean;
}

export interface Seeder {
  infoHash: string;
  magnet: string;
  torrentFile: Uint8Array;
  name: string;
  length: number;
  pieceLength: number;
  torrent: Torrent;
  client: WebTorrent;
  /** The TCP port desktop clients connect to. */
  torrentPort: number;
  close(): Promise<void>;
}

export async function startSeeder(options: SeederOptions): Promise<Seeder> {
  const file = resolve(options.file);
  const length = await checkReadableFile(file);
  if (options.trackers.length === 0 && options.webSeeds.length === 0) {
    throw new UserError(
      "no tracker and no web seed: nobody could ever find this torrent. Give at least one --tracker.",
    );
  }
  const client = createNodeClient({
    torrentPort: options.torrentPort ?? 0,
    ...(options.iceServers === undefined ? {} : { iceServers: options.iceServers }),
    ...(options.uploadLimit === undefined ? {} : { uploadLimit: options.uploadLimit }),
    ...(options.webrtcBindAddress === undefined ? {} : { webrtcBindAddress: options.webrtcBindAddress }),
  });
  const pieceLength = pieceLengthFor(length);
  try {
    if (options.pieces !== undefined && options.pieces.length !== Math.ceil(length / pieceLength) * 20) {
      throw new Error(
        `the prepared pieces do not fit a file of ${length} bytes: prepare it again (npm run prepare-pilot)`,
      );
    }
    const made =
      options.pieces === undefined
        ? await makeTorrent({
            file,
            length,
            pieceLength,
            announce: options.trackers,
            urlList: options.webSeeds,
            ...(options.onHashProgress === undefined ? {} : { onProgress: options.onHashProgress }),
          })
        : torrentFromPieces(
            { name: basename(file), length, pieceLength, pieces: options.pieces },
            options.trackers,
            options.webSeeds,
          );
    const torrent = await new Promise<Torrent>((seeded, fail) => {
      // The pieces were hashed from this very file (just now, or by the pilot pass, whose record
      // matches its size and modification time): verifying them again is what --recheck is for.
      const torrent = client.add(made.torrentFile, {
        path: dirname(file),
        skipVerify: options.recheck !== true,
        // A seed asks trackers for no peers and so makes no WebRTC offers: downloaders offer,
        // the seed answers. When both sides offer, each keeps a different one of the two
        // connections and drops the other as a duplicate, and the pair may end with none.
        getAnnounceOpts: () => ({ numwant: 0 }),
      });
      torrent.once("ready", () => seeded(torrent));
      torrent.once("error", (error) => fail(error instanceof Error ? error : new Error(String(error))));
    });
    if (options.recheck === true && !torrent.done) {
      const missing = torrent.pieces.filter((piece) => piece !== null).length;
      throw new Error(
        `the recheck found ${missing} of ${torrent.pieces.length} pieces that do not match their hash: the file changed since it was hashed; prepare it again (npm run prepare-pilot)`,
      );
    }
    // A tracker that is down is retried by the client; it must not stop the seeding.
    torrent.on("warning", () => undefined);
    torrent.on("error", () => undefined);
    const torrentPort = client.torrentPort;
    return {
      infoHash: torrent.infoHash,
      magnet: torrent.magnetURI,
      torrentFile: made.torrentFile,
      name: torrent.name,
      length,
      pieceLength,
      torrent,
      client,
      torrentPort,
      close: () => destroyClient(client),
    };
  } catch (error) {
    await destroyClient(client);
    throw new UserError(`could not seed ${file}: ${(error as Error).message}`, EXIT.failure);
  }
}
