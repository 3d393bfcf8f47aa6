/**
 * The swarm benchmark's web seed: one file over HTTP with byte ranges (sendRanged, the same
 * Range handling as the project's servers) that counts the body bytes it actually sends, per fan.
 * A fan names itself with a query string (`?fan=7`, the Node fans' web seed URL); requests
 * without one (the Chromium fans, whose player adds the manifest's plain URL) are counted under
 * {@link UNNAMED}.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { basename, resolve } from "node:path";
import { pipeline, Transform } from "node:stream";
import {
  answerCors,
  closeServer,
  contentTypeFor,
  listenOnLoopback,
  sendRanged,
  sendText,
} from "../lib/http.ts";

export const UNNAMED = "";

export interface CountingWebSeed {
  /** e.g. http://127.0.0.1:18001/pilot-1h.mp4 */
  fileUrl: string;
  /** Body bytes sent so far, by the `fan` query parameter ({@link UNNAMED} without one). */
  served: Map<string, number>;
  /** Body bytes sent so far, in all. */
  total(): number;
  close(): Promise<void>;
}

export async function startCountingWebSeed(file: string, port = 0): Promise<CountingWebSeed> {
  const path = resolve(file);
  const { size } = await stat(path);
  const name = basename(path);
  const served = new Map<string, number>();
  let total = 0;
  const server = createServer((req, res) => {
    if (answerCors(req, res)) return;
    const url = new URL(req.url ?? "/", "http://web-seed.invalid");
    if (decodeURIComponent(url.pathname) !== `/${name}`) {
      sendText(res, 404, "not found");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendText(res, 405, "only GET and HEAD", { Allow: "GET, HEAD, OPTIONS" });
      return;
    }
    const fan = url.searchParams.get("fan") ?? UNNAMED;
    const count = () =>
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          served.set(fan, (served.get(fan) ?? 0) + chunk.length);
          total += chunk.length;
          done(null, chunk);
        },
      });
    sendRanged(
      req,
      res,
      size,
      { "Content-Type": contentTypeFor(name), "Cache-Control": "no-cache" },
      (start, end) => {
        // The file stream is destroyed with the counter when the client goes away.
        const counter = count();
        pipeline(createReadStream(path, { start, end }), counter, () => undefined);
        return counter;
      },
    );
  });
  const actual = await listenOnLoopback(server, port);
  return {
    fileUrl: `http://127.0.0.1:${actual}/${encodeURIComponent(name)}`,
    served,
    total: () => total,
    close: () => closeServer(server),
  };
}
