/**
 * JSON-RPC batches over `fetch` for the verifier: every answer kept apart (one failed call does
 * not hide the others), each endpoint named by its host only, and every failure in our own
 * words. Nothing an endpoint writes (error messages, reason phrases) is ever copied: the verify
 * page must not let an RPC write on it, and an RPC URL's path or query may hold an API key.
 */
import { endpointHost } from "../chain-read.ts";

export { endpointHost };

export interface RpcCall {
  method: string;
  params: readonly unknown[];
}

/** One call's answer: its `result`, or why there is none, in our words. */
export type RpcAnswer = { ok: true; result: unknown } | { ok: false; error: string };

/**
 * The endpoint could not be used at all (network, timeout, HTTP error, not JSON-RPC). The message is ours.
 */
export class RpcTransportError extends Error {
  override name = "RpcTransportError";
}

export interface RpcOptions {
  /** Per HTTP request. */
  timeoutMs: number;
  /** Calls per HTTP request: public endpoints cap batches (often at 10 to 100). */
  batchMaxCount: number;
  fetch: (input: string, init: RequestInit) => Promise<Response>;
}

export const DEFAULT_RPC_OPTIONS: RpcOptions = {
  timeoutMs: 10_000,
  batchMaxCount: 10,
  fetch: (input, init) => globalThis.fetch(input, init),
};

function transportReason(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (cause?.code === "ECONNREFUSED") return "connection refused";
  if (typeof cause?.code === "string" && /^[A-Z][A-Z0-9_]*$/.test(cause.code))
    return `network error ${cause.code}`;
  // Not the error's own message: browsers say only "Failed to fetch", and some messages quote the URL.
  return "cannot connect: the endpoint is down or unreachable, or refuses this request";
}

function errorCode(error: unknown): number | undefined {
  const code = error !== null && typeof error === "object" ? (error as { code?: unknown }).code : undefined;
  return typeof code === "number" && Number.isSafeInteger(code) ? code : undefined;
}

let nextId = 1;

async function post(url: string, calls: readonly RpcCall[], options: RpcOptions): Promise<RpcAnswer[]> {
  const ids = calls.map(() => nextId++);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  let payload: unknown;
  try {
    let response: Response;
    try {
      response = await options.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(
          calls.map((call, index) => ({
            jsonrpc: "2.0",
            id: ids[index],
            method: call.method,
            params: call.params,
          })),
        ),
        signal: controller.signal,
      });
    } catch (error) {
      throw new RpcTransportError(transportReason(error, timedOut, options.timeoutMs));
    }
    // The status number only: the reason phrase is the endpoint's own text.
    if (!response.ok)
      throw new RpcTransportError(
        response.status === 429 ? "HTTP 429, rate limited" : `HTTP ${response.status}`,
      );
    try {
      payload = await response.json();
    } catch {
      throw new RpcTransportError(
        timedOut ? `no answer within ${options.timeoutMs / 1000} s` : "the answer is not JSON",
      );
    }
  } finally {
    clearTimeout(timer);
  }
  if (!Array.isArray(payload)) {
    const code = errorCode((payload as { error?: unknown } | null)?.error);
    throw new RpcTransportError(
      `refused the JSON-RPC batch${code === undefined ? "" : ` (JSON-RPC code ${code})`}`,
    );
  }
  const byId = new Map<unknown, { result?: unknown; error?: unknown }>();
  for (const item of payload)
    if (item !== null && typeof item === "object")
      byId.set((item as { id?: unknown }).id, item as { result?: unknown; error?: unknown });
  return calls.map((call, index): RpcAnswer => {
    const item = byId.get(ids[index]);
    if (item === undefined) return { ok: false, error: `sent no answer to ${call.method}` };
    if (item.error !== undefined && item.error !== null) {
      const code = errorCode(item.error);
      return {
        ok: false,
        error: `answered ${call.method} with an error (${code === undefined ? "no valid JSON-RPC code" : `JSON-RPC code ${code}`})`,
      };
    }
    return { ok: true, result: item.result };
  });
}

/**
 * Sends `calls` to `url` in batches of at most `batchMaxCount`, one after the other, and returns
 * each call's answer in order. Throws {@link RpcTransportError} when a batch gets no JSON-RPC answer.
 */
export async function rpcBatch(
  url: string,
  calls: readonly RpcCall[],
  options: RpcOptions = DEFAULT_RPC_OPTIONS,
): Promise<RpcAnswer[]> {
  const answers: RpcAnswer[] = [];
  for (let from = 0; from < calls.length; from += options.batchMaxCount) {
    answers.push(...(await post(url, calls.slice(from, from + options.batchMaxCount), options)));
  }
  return answers;
}
