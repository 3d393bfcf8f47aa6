/**
 * What every HTTP server of peerpilot's shares (the site server, the web seed, the IPFS gateway,
 * the tests' stand-ins): listening on 127.0.0.1 only, closing cleanly, CORS for a read-only
 * public server, content types, and byte ranges as RFC 9110 §14 defines them.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname } from "node:path";
import { pipeline, type Readable } from "node:stream";
import { contentType } from "mime-types";
import { combineRanges, parse as parseRangeHeader } from "range-parser";
import { EXIT, UserError } from "./cli.ts";

/** Sent with every file: a browser must not guess another type than the one we name. */
export const NO_SNIFF = { "X-Content-Type-Options": "nosniff" } as const;

/** Answers with `status` and a one-line plain-text body (our own words), plus `headers`. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...NO_SNIFF, ...headers })
    .end(`${text}\n`);
}

/** The Content-Type of a file, by its name's extension (`application/octet-stream` if unknown). */
export function contentTypeFor(name: string): string {
  const ext = extname(name);
  return (ext !== "" && contentType(ext)) || "application/octet-stream";
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

/** What a `Range` header asks of a representation of `size` bytes. */
export type RangeRequest =
  /** No usable Range header: send the whole representation with 200. */
  | { kind: "whole" }
  /** One range, `end` inclusive: send it with 206. */
  | { kind: "part"; start: number; end: number }
  /** A valid byte range set none of whose ranges overlaps the representation: 416. */
  | { kind: "unsatisfiable" };

/**
 * Reads a `Range` header as RFC 9110 §14 says: an absent header, another unit than `bytes`, or
 * a header that is not a valid range set (`bytes=5-2`, `bytes=x`) is ignored (the whole file);
 * a set of several ranges that do not merge into one is ignored too (a server may, and we send
 * no multipart bodies); only a valid set none of whose ranges can be satisfied is a 416.
 */
export function rangeRequested(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: "whole" };
  const parsed = parseRangeHeader(size, header);
  // code bit 1: a range that is not valid syntax; an invalid range-spec invalidates the set.
  if (parsed.type !== "bytes" || (parsed.code & 1) !== 0) return { kind: "whole" };
  if (parsed.ranges.length === 0) return { kind: "unsatisfiable" };
  const merged = combineRanges(parsed.ranges);
  if (merged.length !== 1) return { kind: "whole" };
  const { start, end } = merged[0];
  return { kind: "part", start, end };
}

/**
 * Answers a GET or HEAD for `size` bytes: the whole (200), the `Range` asked for (206), or why
 * that range cannot be served (416). `read(start, end)` streams the bytes, `end` inclusive. The
 * body is piped with `stream.pipeline`, so a client that goes away (every seek in a browser
 * aborts a ranged request) destroys the source and releases what it holds; a read error mid-way
 * cuts the response short, so the client sees it failed.
 */
export function sendRanged(
  req: IncomingMessage,
  res: ServerResponse,
  size: number,
  headers: Record<string, string>,
  read: (start: number, end: number) => Readable,
): void {
  const range = rangeRequested(req.headers.range, size);
  const common = { ...headers, ...NO_SNIFF, "Accept-Ranges": "bytes" };
  if (range.kind === "unsatisfiable") {
    res.writeHead(416, { ...common, "Content-Range": `bytes */${size}` }).end();
    return;
  }
  const { start, end } = range.kind === "part" ? range : { start: 0, end: size - 1 };
  const length = size === 0 ? 0 : end - start + 1;
  res.writeHead(range.kind === "part" ? 206 : 200, {
    ...common,
    "Content-Length": String(length),
    ...(range.kind === "part" ? { "Content-Range": `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === "HEAD" || length === 0) {
    res.end();
    return;
  }
  // pipeline destroys both ends on an error or an abort; nothing is left to report then.
  pipeline(read(start, end), res, () => {});
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
          ? new UserError(
              `port ${port} on 127.0.0.1 is already in use: stop the other process or choose another port.`,
              EXIT.failure,
            )
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
