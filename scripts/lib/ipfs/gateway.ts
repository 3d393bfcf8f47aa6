/**
 * A small IPFS HTTP path gateway on 127.0.0.1 that serves what a set of CAR files holds, the
 * way public gateways (w3s.link, ipfs.io) answer browsers and BitTorrent web seeds: the local
 * stack's stand-in for the public gateways, and the tests' gateway.
 *
 * - `GET|HEAD /ipfs/<cid>[/<path>]`: a UnixFS file, with its Content-Type from the file name's
 *   extension (the path's last segment, or `?filename=`, which also sets
 *   `Content-Disposition: inline`), and byte ranges (`Range: bytes=…` → 206);
 * - a directory answers with its `index.html`; without a trailing slash it redirects (301) to
 *   the slash, so relative links in its pages resolve inside it;
 * - trustless responses: `?format=raw` or `Accept: application/vnd.ipld.raw` → the block itself;
 * - 404 with a plain-text body for a CID or path it does not hold; CORS for every origin.
 *
 * Every block is hashed and checked against its CID before it is served (see car-blockstore.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { exporter, type UnixFSEntry } from "ipfs-unixfs-exporter";
import { CID } from "multiformats/cid";
import { answerCors, closeServer, contentTypeFor, listenOnLoopback, sendRanged, sendText } from "../http.ts";
import { gatewayUrl } from "../../../site/lib/ipfs-gateway.ts";
import { BlockMismatchError, BlockNotFoundError, CarBlockstore, type CarSource } from "./car-blockstore.ts";

const RAW_BLOCK = "application/vnd.ipld.raw";
const IMMUTABLE = "public, max-age=29030400, immutable";

export interface PathGateway {
  /** e.g. `http://127.0.0.1:41234` */
  origin: string;
  /**
   * `<origin>/ipfs/<cid>`, or `<origin>/ipfs/<cid>/<path>` when a path is given (`""` for the directory
   * itself).
   */
  url(cid: string, path?: string): string;
  /** Serves the blocks of one more CAR from now on; returns its root CIDs. */
  add(car: CarSource): Promise<string[]>;
  /** The blocks it serves (a test may corrupt one to watch the check fail). */
  store: CarBlockstore;
  /** Stops the server and closes every connection. */
  close(): Promise<void>;
}

export interface PathGatewayOptions {
  /** CAR files to serve from the start (more can be added later with `add`). */
  cars?: CarSource[];
  /** Blocks shared with another gateway (two gateways, one store); default a new store. */
  store?: CarBlockstore;
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
}

/** A request the gateway refuses, with its status and a plain-text reason. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `inline; filename="…"`, with an ASCII fallback and the exact name in `filename*` (RFC 6266). */
function inlineDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Whether the client asked for the block itself rather than the file it is part of. */
function wantsRawBlock(req: IncomingMessage, url: URL): boolean {
  const format = url.searchParams.get("format");
  if (format !== null && format !== "raw")
    throw new HttpError(400, `unsupported format "${format}": only ?format=raw is served`);
  const accepted = (req.headers.accept ?? "").split(",").map((type) => type.split(";")[0]?.trim());
  return format === "raw" || accepted.includes(RAW_BLOCK);
}

/** `/ipfs/<cid>/a/b` → the CID and the decoded path segments. */
function parseIpfsPath(pathname: string): { cid: CID; segments: string[] } {
  const match = /^\/ipfs\/([^/]+)(\/.*)?$/.exec(pathname);
  if (match === null)
    throw new HttpError(404, `not found: ${pathname} (this gateway serves /ipfs/<cid> paths)`);
  let cid: CID;
  try {
    cid = CID.parse(match[1]);
  } catch {
    throw new HttpError(400, `invalid CID: ${match[1]}`);
  }
  try {
    return {
      cid,
      segments: (match[2] ?? "")
        .split("/")
        .filter((s) => s !== "")
        .map(decodeURIComponent),
    };
  } catch {
    throw new HttpError(400, `bad path: ${pathname}`);
  }
}

/** Resolves an IPFS path, turning "not held" into a 404. */
async function resolve(path: string, store: CarBlockstore): Promise<UnixFSEntry> {
  try {
    return await exporter(path, store);
  } catch (error) {
    if (error instanceof BlockNotFoundError || (error as Error).name === "NotFoundError") {
      throw new HttpError(404, `not found: /ipfs/${path}`);
    }
    throw error;
  }
}

/** Sends a file entry, whole or the range asked for. */
function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  entry: UnixFSEntry,
  headers: Record<string, string>,
): void {
  if (entry.type !== "file" && entry.type !== "raw" && entry.type !== "identity") {
    throw new HttpError(
      406,
      `/ipfs/${entry.cid.toString()} is not a UnixFS file or directory: ask for ?format=raw`,
    );
  }
  // A block that fails its check mid-stream cuts the response short: the client sees an error.
  sendRanged(
    req,
    res,
    Number(entry.size),
    { ...headers, "Cache-Control": IMMUTABLE, ETag: `"${entry.cid.toString()}"` },
    (start, end) => Readable.from(entry.content({ offset: start, length: end - start + 1 })),
  );
}

async function handle(store: CarBlockstore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (answerCors(req, res)) return;
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendText(res, 405, "only GET and HEAD", { Allow: "GET, HEAD, OPTIONS" });
    return;
  }
  const url = new URL(req.url ?? "/", "http://gateway.invalid");
  const { cid, segments } = parseIpfsPath(url.pathname);
  const path = [cid.toString(), ...segments].join("/");
  const raw = wantsRawBlock(req, url);
  res.setHeader("Vary", "Accept");
  res.setHeader("X-Ipfs-Path", url.pathname);
  let entry = await resolve(path, store);

  if (raw) {
    const block = await store.block(entry.cid);
    res.writeHead(200, {
      "Content-Type": RAW_BLOCK,
      "Content-Length": String(block.byteLength),
      "Cache-Control": IMMUTABLE,
      "X-Content-Type-Options": "nosniff",
      ETag: `"${entry.cid.toString()}.raw"`,
    });
    res.end(req.method === "HEAD" ? undefined : block);
    return;
  }

  let name = segments.at(-1) ?? "";
  if (entry.type === "directory") {
    if (!url.pathname.endsWith("/")) {
      res.writeHead(301, { Location: `${url.pathname}/${url.search}` }).end();
      return;
    }
    entry = await resolve(`${path}/index.html`, store);
    name = "index.html";
  }
  const filename = url.searchParams.get("filename");
  sendFile(req, res, entry, {
    "Content-Type": contentTypeFor(filename ?? name),
    ...(filename === null ? {} : { "Content-Disposition": inlineDisposition(filename) }),
  });
}

function answerError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) sendText(res, error.status, error.message);
  else if (error instanceof BlockMismatchError) sendText(res, 502, error.message);
  else sendText(res, 500, `gateway error: ${(error as Error).message}`);
}

/** Starts a gateway on 127.0.0.1 serving the blocks of `options.cars` (and of `options.store`). */
export async function startPathGateway(options: PathGatewayOptions = {}): Promise<PathGateway> {
  const store = options.store ?? new CarBlockstore();
  for (const car of options.cars ?? []) await store.add(car);
  const server = createServer((req, res) => {
    handle(store, req, res).catch((error: unknown) => answerError(res, error));
  });
  // No idle keep-alive sockets: a client reusing one the server is closing gets ECONNRESET.
  server.keepAliveTimeout = 0;
  const origin = `http://127.0.0.1:${await listenOnLoopback(server, options.port ?? 0)}`;
  return {
    origin,
    url: (cid, path) =>
      path === undefined ? gatewayUrl(origin, cid) : gatewayUrl(origin, cid, { directory: true }) + path,
    add: async (car) => (await store.add(car)).map((root) => root.toString()),
    store,
    close: () => closeServer(server),
  };
}
