/**
 * Loopback swarms for the P2P specifications: a real bittorrent-tracker, a real seeder, real
 * WebTorrent downloaders and HTTP web seeds, all on 127.0.0.1, all stopped after each test.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type WebTorrent from "webtorrent";
import type { Torrent } from "webtorrent";
import { createNodeClient, destroyClient, type NodeClientOptions } from "../../scripts/lib/p2p/client.ts";
import { makeTorrent, type MadeTorrent } from "../../scripts/lib/p2p/make-torrent.ts";
import { pieceLengthFor } from "../../scripts/lib/p2p/piece-length.ts";
import { closeServer, listenOnLoopback } from "../../scripts/lib/http.ts";
import { PILOT, PILOT_BYTES } from "../helpers/pilot.ts";

/** Tracks what a test starts, and stops all of it. */
export class Cleanup {
  #steps: (() => Promise<unknown>)[] = [];
  add(step: () => Promise<unknown>): void {
    this.#steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.#steps.reverse()) await step().catch(() => undefined);
    this.#steps = [];
  }
}

export interface Download {
  client: WebTorrent;
  torrent: Torrent;
  dir: string;
  /** Bytes received per wire type ("webSeed", "tcpOutgoing", "webrtc", …). */
  bytesByType: Map<string, number>;
  warnings: string[];
  done: Promise<void>;
}

/** Starts downloading `torrentId` into a temp dir with a fresh Node client. */
export async function download(
  cleanup: Cleanup,
  torrentId: string | Uint8Array,
  clientOptions: NodeClientOptions = {},
  announce?: string[],
): Promise<Download> {
  const dir = await mkdtemp(join(tmpdir(), "peerpilot-dl-"));
  const client = createNodeClient(clientOptions);
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  cleanup.add(() => destroyClient(client));
  const torrent = client.add(torrentId, { path: dir, ...(announce === undefined ? {} : { announce }) });
  const bytesByType = new Map<string, number>();
  const warnings: string[] = [];
  torrent.on("wire", (wire) => {
    wire.on("download", (bytes: number) =>
      bytesByType.set(wire.type, (bytesByType.get(wire.type) ?? 0) + bytes),
    );
  });
  torrent.on("warning", (warning) => warnings.push(String(warning)));
  const done = new Promise<void>((resolve, reject) => {
    torrent.once("done", () => resolve());
    torrent.once("error", (error) => reject(error instanceof Error ? error : new Error(String(error))));
  });
  return { client, torrent, dir, bytesByType, warnings, done };
}

/** The pilot's .torrent as make-torrent.ts makes it (pieces of `pieceLengthFor` its size). */
export function pilotTorrent(announce: string[] = [], urlList: string[] = []): Promise<MadeTorrent> {
  return makeTorrent({
    file: PILOT,
    length: PILOT_BYTES,
    pieceLength: pieceLengthFor(PILOT_BYTES),
    announce,
    urlList,
  });
}

/**
 * A .torrent for `file` made by create-torrent, an implementation independent of ours
 * (scripts/lib/p2p/make-torrent.ts), without seeding it.
 */
export async function torrentByCreateTorrent(
  file: string,
  announce: string[],
  urlList: string[],
  name?: string,
): Promise<Uint8Array> {
  const { default: createTorrent } = await import("create-torrent");
  return new Promise((resolve, reject) => {
    createTorrent(
      file,
      {
        announce,
        urlList,
        pieceLength: pieceLengthFor(PILOT_BYTES),
        private: false,
        ...(name === undefined ? {} : { name }),
      },
      (error, torrent) => (error ? reject(error) : resolve(torrent)),
    );
  });
}

/** True when the downloaded file equals the original pilot, byte for byte. */
export async function sameAsPilot(dir: string, name = "sample-pilot.mp4"): Promise<boolean> {
  const [original, copy] = await Promise.all([readFile(PILOT), readFile(join(dir, name))]);
  return original.equals(copy);
}

export interface WebSeedServer {
  url: string;
  server: Server;
  requests: number;
  close(): Promise<void>;
}

/**
 * A Range-capable HTTP web seed for `file` that can misbehave: flip every byte in
 * [`corrupt.start`, `corrupt.end`), or send at most `bytesPerSecond`.
 */
export async function startWebSeed(
  cleanup: Cleanup,
  file: string,
  options: { corrupt?: { start: number; end: number }; bytesPerSecond?: number } = {},
): Promise<WebSeedServer> {
  const data = await readFile(file);
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    const start = match ? Number(match[1]) : 0;
    const end = match && match[2] !== "" ? Math.min(Number(match[2]), data.length - 1) : data.length - 1;
    const body = Buffer.from(data.subarray(start, end + 1));
    if (options.corrupt) {
      for (let i = Math.max(start, options.corrupt.start); i < Math.min(end + 1, options.corrupt.end); i++)
        body[i - start] ^= 0xff;
    }
    res.writeHead(match ? 206 : 200, {
      "Content-Length": String(body.length),
      "Accept-Ranges": "bytes",
      ...(match ? { "Content-Range": `bytes ${start}-${end}/${data.length}` } : {}),
    });
    if (options.bytesPerSecond === undefined) {
      res.end(body);
      return;
    }
    // Throttled: 20 slices a second.
    const slice = Math.max(1, Math.floor(options.bytesPerSecond / 20));
    let offset = 0;
    const timer = setInterval(() => {
      if (res.destroyed || offset >= body.length) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(body.subarray(offset, offset + slice));
      offset += slice;
    }, 50);
    res.on("close", () => clearInterval(timer));
  });
  const port = await listenOnLoopback(server, 0);
  const close = () => closeServer(server);
  cleanup.add(close);
  return {
    url: `http://127.0.0.1:${port}/sample-pilot.mp4`,
    server,
    get requests() {
      return state.requests;
    },
    close,
  };
}
