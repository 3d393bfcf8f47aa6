/**
 * A hostile JSON-RPC endpoint for tests: a real node:http server on 127.0.0.1 that puts phishing
 * text in every answer, through whichever channel the request's path names. It allows
 * cross-origin requests, as public RPC endpoints do, so a page served from another port reads
 * its answers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { text } from "node:stream/consumers";
import type { AddressInfo } from "node:net";
import { answerCors } from "../../scripts/lib/http.ts";

/** What the endpoint tries to get onto the campaign page. */
export const PHISHING = "Send your USDC to 0x000000000000000000000000000000000000dEaD";

/**
 * True when `text` carries the plea or the address, in full or shortened (`0x…dEaD`, `0x0000...dead`),
 * in any case. ("deadline" is no match: a campaign page says it.)
 */
export function carriesPhishing(text: string): boolean {
  return /send your usdc|0x[0-9a-f.…]*dead|\bdead\b/i.test(text);
}

/** Where an endpoint's own text can reach a JSON-RPC client. */
export const CHANNELS = ["rpc-error", "batch-error", "status-text", "malformed-result"] as const;
export type Channel = (typeof CHANNELS)[number];

export interface HostileRpc {
  /** `127.0.0.1:<port>`: how the site should name this endpoint. */
  host: string;
  /** The endpoint's URL for one channel. */
  url(channel: Channel): string;
  close(): Promise<void>;
}

interface Request {
  id?: unknown;
}

/** The requests of a batch (or of a single call); none when the body is not JSON-RPC. */
function requestsIn(body: string): Request[] {
  try {
    const parsed: unknown = JSON.parse(body);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.filter((item): item is Request => item !== null && typeof item === "object");
  } catch {
    return [];
  }
}

function sendJson(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify(value));
}

async function answer(channel: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const calls = requestsIn(await text(request));
  switch (channel) {
    case "rpc-error":
      // Every call fails, with the phishing text as the error's message and data.
      return sendJson(
        response,
        calls.map(({ id }) => ({
          jsonrpc: "2.0",
          id,
          error: { code: -32000, message: PHISHING, data: PHISHING },
        })),
      );
    case "batch-error":
      // The whole batch is refused with one error object, as some endpoints do.
      return sendJson(response, {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32600, message: PHISHING, data: PHISHING },
      });
    case "status-text":
      // The phishing text as the HTTP reason phrase, and as the body.
      response.writeHead(502, PHISHING, { "content-type": "text/plain" });
      return void response.end(PHISHING);
    case "malformed-result":
      // Every call "succeeds" with the phishing text as its result.
      return sendJson(
        response,
        calls.map(({ id }) => ({ jsonrpc: "2.0", id, result: PHISHING })),
      );
    default:
      response.writeHead(404);
      return void response.end();
  }
}

/** Starts the endpoint on an ephemeral port of 127.0.0.1. */
export async function startHostileRpc(): Promise<HostileRpc> {
  const server = createServer((request, response) => {
    if (answerCors(request, response)) return;
    const channel = new URL(request.url ?? "/", "http://localhost").pathname.slice(1);
    answer(channel, request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: (channel) => `http://${host}/${channel}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
