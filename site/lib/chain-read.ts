/**
 * Tiny read-only JSON-RPC client for the campaign's live figures, small enough for the landing
 * page: `fetch`, one JSON-RPC batch per read, and hand-encoded calls to three argument-less
 * views (so no ABI coder, no wallet library, no ethers in the browser bundle).
 *
 * A reader tries the manifest's RPC URLs starting at one picked at random, then the others in
 * order after it (see {@link endpointOrder}), each with a timeout: many pages spread their reads
 * over every endpoint instead of all asking the first. Before trusting an endpoint it checks,
 * once per endpoint, that it serves the manifest's chain (`eth_chainId`) and, once per escrow,
 * that the escrow address holds code (`eth_getCode`); both checks ride in the same batch as the
 * first read, so every read is one round trip. Other reads (the escrow's logs, for the recent
 * backers: site/lib/chain-logs.ts) ride in the same batch as the figures (the new blocks' logs)
 * or go through {@link ChainReader.query}, with the same endpoint order, timeouts and checks.
 *
 * Every error this module throws is in its own words, a sentence the page shows as it is (see
 * site/lib/progress-view.ts errorText): what failed, the endpoint's host, the HTTP
 * status number (429 also as "rate limited"), the JSON-RPC error code, the number of seconds a
 * `Retry-After` header asks for. No text an endpoint sends (its error messages, its HTTP
 * reason phrase, a malformed result) is ever copied into an error, because the page shows these
 * errors to fans and an RPC endpoint must not be able to write on the campaign page. Endpoints
 * are named by host only: an RPC URL's path or query may hold an API key.
 */

import type { Hex } from "./address.ts";
import { endpointOrder } from "./poll-schedule.ts";

/**
 * 4-byte selectors of the escrow views read here. A unit test checks them against the
 * compiled contract's ABI, so they cannot drift from the Solidity source.
 */
export const SELECTORS = {
  /** `state()` → `uint8` (Funding, Succeeded, Failed, Released). */
  state: "0xc19d93fb",
  /** `backers()` → `uint256`. */
  backers: "0x92dff48a",
  /** `totalPledged()` → `uint256`. */
  totalPledged: "0x55468ba4",
} as const satisfies Record<string, Hex>;

/** What one read of the escrow returns; every number as read at one (latest) block. */
export interface CampaignReading {
  /** `state()`: 0 Funding, 1 Succeeded, 2 Failed, 3 Released. */
  state: bigint;
  backers: bigint;
  /** In the token's smallest unit. */
  totalPledged: bigint;
  /** Timestamp (Unix seconds) of the latest block: the chain's own clock. */
  blockTimestamp: bigint;
  blockNumber: bigint;
  /** The RPC URL that answered. */
  rpcUrl: string;
}

export interface ChainReaderOptions {
  /** Every read tries them all: from one chosen at random when the reader is made, then in order after it. */
  rpcUrls: readonly string[];
  /** The chain the manifest names; an endpoint serving another one is refused. */
  chainId: number;
  /** Per endpoint and request; default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Injectable for tests; default the global `fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Picks the first endpoint; injectable for tests, default `Math.random`. */
  random?: () => number;
}

/** One JSON-RPC request of a batch. */
export interface RpcCall {
  method: string;
  params: readonly unknown[];
}

/** Every method throws one of the {@link ChainReadError} subclasses for what an endpoint did. */
export interface ChainReader {
  /**
   * Reads the escrow at `escrow`. `more` rides in the same batch (the recent backers' logs):
   * `more.decode` gets their results in order, an {@link RpcError} in place of a result the
   * endpoint refused (the figures are good without it), and may throw like `query`'s.
   */
  readCampaign<T = undefined>(
    escrow: string,
    more?: MoreCalls<T>,
  ): Promise<CampaignReading & { more: T | undefined }>;
  /**
   * Sends `calls` as one batch to each endpoint in turn until one answers them all and
   * `decode` accepts the results (in the order of `calls`); `decode` throws {@link malformed}
   * for an answer of the wrong shape, which moves on to the next endpoint.
   */
  query<T>(calls: readonly RpcCall[], decode: (results: unknown[]) => T): Promise<T>;
}

/**
 * Calls sent along with a read of the escrow, and what to make of their results. See {@link
 * ChainReader.readCampaign}.
 */
export interface MoreCalls<T> {
  calls: readonly RpcCall[];
  decode(results: unknown[]): T;
}

const DEFAULT_TIMEOUT_MS = 8_000;

/** Base class of every error thrown by this module; a subclass's facts are its fields. */
export class ChainReadError extends Error {
  constructor(message: string, facts: object) {
    super(message);
    Object.assign(this, facts);
  }
}

/**
 * How errors name an endpoint: its host (`rpc.example.org`, `127.0.0.1:8545`), never the full
 * URL, whose path or query may hold an API key.
 */
export function endpointHost(url: string): string {
  return URL.parse(url)?.host || "an invalid RPC URL";
}

/** A JSON-RPC error code as sent, if it is one (an integer); anything else is dropped. */
function rpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return Number.isSafeInteger(code) ? (code as number) : undefined;
}

/** Why one endpoint could not be used, in this module's words. */
export interface EndpointFailure {
  /** See {@link endpointHost}. */
  host: string;
  reason: string;
  /** Whole seconds the endpoint asked to wait (an HTTP `Retry-After` in seconds), when it did. */
  retryAfterSeconds?: number;
}

/** No endpoint gave a usable answer (network error, timeout, HTTP error, not JSON-RPC). */
export class RpcUnreachableError extends ChainReadError {
  declare readonly failures: readonly EndpointFailure[];
  /** The longest `Retry-After` any endpoint sent, in seconds; `undefined` when none did. */
  declare readonly retryAfterSeconds: number | undefined;
  constructor(failures: readonly EndpointFailure[]) {
    const asked = failures.flatMap((f) => f.retryAfterSeconds ?? []);
    super(`Could not reach the chain: ${failures.map((f) => `${f.host} (${f.reason})`).join(", ")}`, {
      failures,
      retryAfterSeconds: Math.max(0, ...asked) || undefined,
    });
  }
}

/** The endpoint serves another chain than the manifest's. */
export class WrongChainError extends ChainReadError {
  declare readonly expected: number;
  declare readonly actual: number;
  /** See {@link endpointHost}. */
  declare readonly host: string;
  constructor(expected: number, actual: number, host: string) {
    super(`The RPC ${host} is on the wrong chain: ${actual}, not ${expected}`, { expected, actual, host });
  }
}

/** No contract code at the escrow address on this chain. */
export class NoContractError extends ChainReadError {
  declare readonly address: string;
  declare readonly chainId: number;
  /** See {@link endpointHost}. */
  declare readonly host: string;
  constructor(address: string, chainId: number, host: string) {
    super(`No contract at the escrow ${address} on chain ${chainId} (asked ${host})`, {
      address,
      chainId,
      host,
    });
  }
}

/**
 * The endpoint answered a request with a JSON-RPC error object. Only its code is kept: the
 * object's `message` and `data` are the endpoint's own text, dropped unread.
 */
export class RpcError extends ChainReadError {
  /** See {@link endpointHost}. */
  declare readonly host: string;
  /** The request that failed: one of the methods this module sends. */
  declare readonly method: string;
  /** The JSON-RPC error code, or `undefined` when the endpoint sent none that is an integer. */
  declare readonly code: number | undefined;
  constructor(host: string, method: string, code: number | undefined) {
    super(`The RPC ${host} refused ${method} (JSON-RPC code ${code ?? "missing"})`, { host, method, code });
  }
}

/** A transport-level failure of one endpoint: worth trying the next. Its message is ours alone. */
class EndpointUnusable extends Error {
  constructor(
    message: string,
    /** See {@link EndpointFailure.retryAfterSeconds}. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** `result`, unless it is an endpoint's refusal: then throws it. */
export function refused<T>(result: T): Exclude<T, RpcError> {
  if (result instanceof RpcError) throw result;
  return result as Exclude<T, RpcError>;
}

/** Throws the failure of an endpoint whose answer to `what` has the wrong shape (its text is never shown). */
export function malformed(what: string): never {
  throw new EndpointUnusable(`malformed answer to ${what}`);
}

/**
 * Decodes a hex quantity into a bigint; with `word`, the first 32-byte ABI word of a return
 * value, which must hold at least one.
 */
export function decodeUint(hex: unknown, what: string, word = false): bigint {
  if (typeof hex !== "string" || !/^0x[0-9a-fA-F]+$/.test(hex) || (word && hex.length < 66)) malformed(what);
  return BigInt(hex.slice(0, 66));
}

/** A block's number and timestamp (Unix seconds), from an `eth_getBlockByNumber` answer. */
export function decodeBlock(block: unknown): { number: bigint; timestamp: bigint } {
  const { number, timestamp } = (block ?? {}) as { number?: unknown; timestamp?: unknown };
  return {
    number: decodeUint(number, "eth_getBlockByNumber"),
    timestamp: decodeUint(timestamp, "eth_getBlockByNumber"),
  };
}

/**
 * Why `fetch` failed, in our words: not the error's own message (browsers say only "Failed to fetch", some
 * messages quote the full URL).
 */
function fetchFailure(error: unknown): string {
  // Only Node names the cause; a browser says nothing more than that the request failed.
  return (error as { cause?: { code?: unknown } } | null)?.cause?.code === "ECONNREFUSED"
    ? "connection refused"
    : "cannot connect";
}

/** Creates a reader for the given endpoints. See {@link ChainReader.readCampaign}. */
export function createChainReader(options: ChainReaderOptions): ChainReader {
  const { chainId } = options;
  const rpcUrls = endpointOrder(options.rpcUrls, options.random ?? Math.random);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  /** Endpoints that reported the right chain id, and `${url} ${address}` pairs known to hold code. */
  const checked = new Set<string>();

  /**
   * Sends `calls` as one batch to `url`, the chain check first while `url` has not passed it;
   * returns the results of `calls` in order, an {@link RpcError} for each one refused, or throws.
   */
  async function batch(url: string, calls: readonly RpcCall[]): Promise<unknown[]> {
    const checkChain = !checked.has(url);
    const sent = checkChain ? [{ method: "eth_chainId", params: [] }, ...calls] : calls;
    // Covers the answer's body too: an endpoint that stalls mid-answer times out like a silent one.
    const signal = AbortSignal.timeout(timeoutMs);
    const unusable = (reason: string) => () => {
      throw new EndpointUnusable(signal.aborted ? `no answer within ${timeoutMs} ms` : reason);
    };
    const response = await doFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      // Ids are the calls' positions, from 1: each batch has its own response.
      body: JSON.stringify(sent.map((call, i) => ({ jsonrpc: "2.0", id: i + 1, ...call }))),
      signal,
    }).catch((error: unknown) => unusable(fetchFailure(error))());
    // The status number only: the reason phrase (`statusText`) is the endpoint's own text.
    if (!response.ok) {
      // A `Retry-After` in whole seconds, read as a number and nothing else (the HTTP-date form, anything
      // malformed and 0 are ignored).
      const seconds =
        Number(/^\d{1,9}$/.exec(response.headers.get("retry-after")?.trim() ?? "")?.[0]) || undefined;
      throw new EndpointUnusable(
        `HTTP ${response.status}${response.status === 429 ? ", rate limited" : ""}`,
        seconds,
      );
    }
    const payload: unknown = await response.json().catch(unusable("not JSON"));
    if (!Array.isArray(payload)) {
      const refusal = (payload as { error?: unknown } | null)?.error;
      if (refusal == null) throw new EndpointUnusable("not a JSON-RPC batch");
      const code = rpcCode(refusal);
      throw new EndpointUnusable(`refused the batch (JSON-RPC code ${code ?? "missing"})`);
    }
    const results = sent.map((call, i) => {
      const item = (payload as ({ id?: unknown; result?: unknown; error?: unknown } | null)[]).find(
        (answer) => answer?.id === i + 1,
      );
      if (!item) throw new EndpointUnusable(`no answer to ${call.method}`);
      return item.error == null
        ? item.result
        : new RpcError(endpointHost(url), call.method, rpcCode(item.error));
    });
    if (checkChain) {
      const actual = decodeUint(refused(results.shift()), "eth_chainId");
      if (actual !== BigInt(chainId)) throw new WrongChainError(chainId, Number(actual), endpointHost(url));
      checked.add(url);
    }
    return results;
  }

  /**
   * `read` on each endpoint in turn until one succeeds. Transport failures are collected; an
   * endpoint that answered unhelpfully (wrong chain, no code, an RPC error) is remembered, and
   * its error is the one thrown if no endpoint does better.
   */
  async function anyEndpoint<T>(read: (url: string) => Promise<T>): Promise<T> {
    const failures: EndpointFailure[] = [];
    let answered: ChainReadError | undefined;
    for (const url of rpcUrls) {
      try {
        return await read(url);
      } catch (error) {
        if (!(error instanceof EndpointUnusable || error instanceof ChainReadError)) throw error;
        if (error instanceof ChainReadError) answered ??= error;
        const seconds = error instanceof EndpointUnusable ? error.retryAfterSeconds : undefined;
        failures.push({
          host: endpointHost(url),
          reason: error.message,
          ...(seconds === undefined ? {} : { retryAfterSeconds: seconds }),
        });
      }
    }
    throw answered ?? new RpcUnreachableError(failures);
  }

  /** The results, throwing the first refusal among them. */
  const answered = (results: unknown[]): unknown[] => results.map(refused);

  return {
    readCampaign(escrow, more) {
      const codeKey = ` ${escrow.toLowerCase()}`;
      return anyEndpoint(async (url) => {
        const checkCode = !checked.has(url + codeKey);
        const own = [
          ...(checkCode ? [{ method: "eth_getCode", params: [escrow, "latest"] }] : []),
          { method: "eth_getBlockByNumber", params: ["latest", false] },
          // state(), backers(), totalPledged(), in SELECTORS' order.
          ...Object.values(SELECTORS).map((data) => ({
            method: "eth_call",
            params: [{ to: escrow, data }, "latest"],
          })),
        ];
        const all = await batch(url, [...own, ...(more?.calls ?? [])]);
        const results = answered(all.slice(0, own.length));
        if (checkCode) {
          const code = results.shift();
          if (typeof code !== "string" || !/^0x[0-9a-fA-F]*$/.test(code)) malformed("eth_getCode");
          if (/^0x0*$/.test(code)) throw new NoContractError(escrow, chainId, endpointHost(url));
          checked.add(url + codeKey);
        }
        const [block, ...views] = results;
        const [state, backers, totalPledged] = views.map((view) => decodeUint(view, "eth_call", true));
        const { number, timestamp } = decodeBlock(block);
        return {
          state: state,
          backers: backers,
          totalPledged: totalPledged,
          blockTimestamp: timestamp,
          blockNumber: number,
          rpcUrl: url,
          more: more?.decode(all.slice(own.length)),
        };
      });
    },

    query: (calls, decode) => anyEndpoint(async (url) => decode(answered(await batch(url, calls)))),
  };
}
