/**
 * A small static file server for 127.0.0.1: serves the built site (and, later, the pilot as a
 * web seed) with correct content types, byte ranges (RFC 9110 §14) and CORS, so browsers and
 * BitTorrent web-seed clients can read any part of a file.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { EXIT, UserError } from "./cli.ts";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
  ".vtt": "text/vtt; charset=utf-8",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".torrent": "application/x-bittorrent",
  ".wasm": "application/wasm",
  ".woff2": "font/woff2",
};

export interface StaticServer {
  server: Server;
  /** e.g. http://127.0.0.1:4321 */
  url: string;
  close(): Promise<void>;
}

/** The Content-Type of a file, by its name's extension (`application/octet-stream` if unknown). */
export function contentTypeFor(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";
}

/**
 * Lets any origin read the response (a web seed or a gateway is read from the site's origin) and
 * answers a CORS preflight. Returns true when the request was a preflight, already answered.
 */
export function answerCors(req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader("Access-Control-Allow-Origin", "*");
  // Web-seed clients send Range and, from WebTorrent in browsers, Cache-Control: allow what the
  // preflight asks for (the server is public, read-only and holds no credentials).
  res.setHeader("Access-Control-Allow-Headers", req.headers["access-control-request-headers"] ?? "Range");
  res.setHeader("Access-Control-Expose-Headers", "Content-Length, Content-Range, Accept-Ranges");
  if (req.method !== "OPTIONS") return false;
  res.writeHead(204).end();
  return true;
}

/** Parses a single `bytes=a-b` range against `size`; `undefined` for none, `null` if unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined | null {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null || (match[1] === "" && match[2] === "")) return null;
  let start: number;
  let end: number;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return null;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) return null;
  return { start, end };
}

/** Maps a URL path to a file under `root`, or `undefined` if it would escape it. */
function fileFor(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split("?")[0] ?? "/");
  } catch {
    return undefined;
  }
  const path = normalize(join(root, decoded));
  return path === root || path.startsWith(root + sep) ? path : undefined;
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (answerCors(req, res)) return;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { Allow: "GET, HEAD, OPTIONS" }).end();
    return;
  }
  let path = fileFor(root, req.url ?? "/");
  if (path === undefined) {
    res.writeHead(400).end("bad path");
    return;
  }
  let info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) {
    path = join(path, "index.html");
    info = await stat(path).catch(() => undefined);
  }
  if (info === undefined || !info.isFile()) {
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found");
    return;
  }
  sendRanged(req, res, info.size, { "Content-Type": contentTypeFor(path), "Cache-Control": "no-cache" }, (start, end) =>
    createReadStream(path, { start, end }),
  );
}

/**
 * Answers a GET or HEAD for `size` bytes: the whole (200), the `Range` asked for (206), or why
 * that range cannot be served (416). `read(start, end)` streams the bytes, `end` inclusive; a
 * read error mid-way cuts the response short, so the client sees it failed.
 */
export function sendRanged(
  req: IncomingMessage,
  res: ServerResponse,
  size: number,
  headers: Record<string, string>,
  read: (start: number, end: number) => Readable,
): void {
  const range = parseRange(req.headers.range, size);
  const common = { ...headers, "Accept-Ranges": "bytes" };
  if (range === null) {
    res.writeHead(416, { ...common, "Content-Range": `bytes */${size}` }).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const length = size === 0 ? 0 : end - start + 1;
  res.writeHead(range === undefined ? 200 : 206, {
    ...common,
    "Content-Length": String(length),
    ...(range === undefined ? {} : { "Content-Range": `bytes ${start}-${end}/${size}` }),
  });
  if (req.method === "HEAD" || length === 0) {
    res.end();
    return;
  }
  read(start, end).on("error", () => res.destroy()).pipe(res);
}

/**
 * Listens on 127.0.0.1:`port` (0: any free port) and resolves with the port; a busy port becomes
 * a {@link UserError} that says so.
 */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((ok, fail) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      fail(
        error.code === "EADDRINUSE"
          ? new UserError(`port ${port} on 127.0.0.1 is already in use: stop the other process or choose another port.`, EXIT.failure)
          : error,
      ),
    );
    server.listen(port, "127.0.0.1", () => ok());
  });
  return (server.address() as AddressInfo).port;
}

/** Stops `server` and drops its open connections (idle keep-alive sockets included). */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((closed) => server.close(() => closed()));
}

/** Serves `root` on 127.0.0.1:`port` (0 picks a free port). */
export async function startStaticServer(root: string, port = 0): Promise<StaticServer> {
  const absolute = resolve(root);
  const server = createServer((req, res) => {
    handle(absolute, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const actual = await listenOnLoopback(server, port);
  return {
    server,
    url: `http://127.0.0.1:${actual}`,
    close: () => closeServer(server),
  };
}
