/**
 * Files over HTTP on 127.0.0.1, through `send` (the file server Express's static middleware is
 * built on: byte ranges, ETag and Last-Modified with conditional requests, dotfiles hidden, the
 * file stream destroyed when the client goes away):
 * - {@link startStaticServer} serves a folder (the built site), never a file whose real path
 *   (symlinks resolved) lies outside it;
 * - {@link startWebSeed} serves one file (the pilot, as a BEP 19 web seed) and nothing else, so
 *   the folder it sits in (a producer's ~/Videos) is not readable from any web page.
 * Both answer CORS for every origin (they are public, read-only, and hold no credentials) and
 * send `X-Content-Type-Options: nosniff`.
 */
import { realpath, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { basename, dirname, join, normalize, resolve } from "node:path";
import send from "send";
import { isInside } from "../../site/lib/path-inside.ts";
import {
  answerCors,
  closeServer,
  contentTypeFor,
  listenOnLoopback,
  NO_SNIFF,
  rangeRequested,
  sendText,
} from "./http.ts";

export interface StaticServer {
  server: Server;
  /** e.g. http://127.0.0.1:4321 */
  url: string;
  close(): Promise<void>;
}

/** `/a%20b/c` → `a b/c`, or `undefined` when it is not a valid path. */
function decodedPath(url: string | undefined): string | undefined {
  try {
    return decodeURIComponent(new URL(url ?? "/", "http://server.invalid").pathname);
  } catch {
    return undefined;
  }
}

/**
 * Whether the file a request names resolves, symlinks followed, to a path inside `realRoot`. A
 * missing file passes (send answers 404); a directory is checked with the index.html it serves.
 */
async function staysInside(realRoot: string, requested: string): Promise<boolean> {
  const candidate = normalize(join(realRoot, requested));
  if (!isInside(realRoot, candidate)) return false;
  const target = await realpath(candidate).catch(() => undefined);
  if (target === undefined) return true;
  if (!isInside(realRoot, target)) return false;
  if (!(await stat(target)).isDirectory()) return true;
  const index = await realpath(join(target, "index.html")).catch(() => undefined);
  return index === undefined || isInside(realRoot, index);
}

/**
 * Hands the request to `send`. A `Range` header that RFC 9110 says to ignore (another unit, a
 * malformed or reversed range, several ranges) is dropped first, so the whole file goes out
 * with 200: `send` itself would answer some of those with 416.
 */
function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  path: string,
  dotfiles: "ignore" | "allow",
): void {
  res.setHeader("Cache-Control", "no-cache");
  for (const [name, value] of Object.entries(NO_SNIFF)) res.setHeader(name, value);
  send(req, encodeURI(path), { root, dotfiles, index: ["index.html"] })
    // "file" names the file served (a folder's index.html too), after its stat and before send
    // reads the Range header and names a type of its own.
    .on("file", (file: string, info: { size: number }) => {
      res.setHeader("Content-Type", contentTypeFor(file));
      if (rangeRequested(req.headers.range, info.size).kind === "whole") delete req.headers.range;
    })
    .on("error", (error: { status?: number; headers?: Record<string, string> }) => {
      const status = error.status ?? 500;
      for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
      sendText(
        res,
        status,
        status === 404 ? "not found" : status === 416 ? "range not satisfiable" : "cannot serve this file",
      );
    })
    .pipe(res);
}

function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  answer: (path: string) => Promise<void>,
): void {
  if (answerCors(req, res)) return;
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendText(res, 405, "only GET and HEAD", { Allow: "GET, HEAD, OPTIONS" });
    return;
  }
  const path = decodedPath(req.url);
  if (path === undefined || path.includes("\0")) {
    sendText(res, 400, "bad path");
    return;
  }
  answer(path).catch(() => {
    if (!res.headersSent) sendText(res, 500, "cannot serve this file");
    else res.destroy();
  });
}

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port: number,
): Promise<StaticServer> {
  const server = createServer(handler);
  const actual = await listenOnLoopback(server, port);
  return { server, url: `http://127.0.0.1:${actual}`, close: () => closeServer(server) };
}

/** Serves the folder `root` on 127.0.0.1:`port` (0 picks a free port). */
export async function startStaticServer(root: string, port = 0): Promise<StaticServer> {
  const realRoot = await realpath(resolve(root));
  return serve(
    (req, res) =>
      handleRequest(req, res, async (path) => {
        if (!(await staysInside(realRoot, path))) {
          sendText(res, 404, "not found");
          return;
        }
        sendFile(req, res, realRoot, path, "ignore");
      }),
    port,
  );
}

export interface WebSeed extends StaticServer {
  /** The one URL it serves: `<url>/<file name>`. */
  fileUrl: string;
}

/**
 * Serves the single file `file` at `/<its name>` on 127.0.0.1:`port` (0 picks a free port); any
 * other path is a 404. The file is the one `file` names when the server starts (a symlink is
 * followed once, then its target is served).
 */
export async function startWebSeed(file: string, port = 0): Promise<WebSeed> {
  const real = await realpath(resolve(file));
  if (!(await stat(real)).isFile()) throw new Error(`${file} is not a file`);
  const name = basename(resolve(file));
  const servedAs = `/${name}`;
  const server = await serve(
    (req, res) =>
      // Async though it awaits nothing: a throw becomes the rejection that handleRequest answers with a 500.
      // eslint-disable-next-line @typescript-eslint/require-await
      handleRequest(req, res, async (path) => {
        if (path !== servedAs) {
          sendText(res, 404, "not found");
          return;
        }
        sendFile(req, res, dirname(real), basename(real), "allow");
      }),
    port,
  );
  return { ...server, fileUrl: `${server.url}/${encodeURIComponent(name)}` };
}
