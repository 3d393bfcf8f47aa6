/**
 * Tiny read-only JSON-RPC client for the campaign's live figures, small enough for the landing
 * page: `fetch`, one JSON-RPC batch per read, and hand-encoded calls to three argument-less
 * views (so no ABI coder, no wallet library, no ethers in the browser bundle).
 *
 * A reader tries the manifest's RPC URLs starting at one picked at random, then the others in
 * order after it (see {@link endpointOrder}), each with a timeout: many pages spread their reads
 * over every endpoint instead of all asking the first. Before trusting an
 * endpoint it checks, once per endpoint, that it serves the manifest's chain (`eth_chainId`)
 * and that the escrow address holds code (`eth_getCode`); both checks ride in the same batch
 * as the first read, so every read is one round trip.
 *
 * Every error this module throws is in its own words: what failed, the endpoint's host, the HTTP
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

export interface ChainReader {
  /** Reads the escrow at `escrow`. Throws one of the {@link ChainReadError} subclasses. */
  readCampaign(escrow: string): Promise<CampaignReading>;
}

export const DEFAULT_TIMEOUT_MS = 8_000;

/** Base class of every error thrown by this module. */
export class ChainReadError extends Error {
  constructor(message: string) {
    super(message);
    // Set by hand: class names do not survive minification.
    this.name = "ChainReadError";
  }
}

/**
 * How errors name an endpoint: its host (`rpc.example.org`, `127.0.0.1:8545`), never the full
 * URL, whose path or query may hold an API key.
 */
export function endpointHost(url: string): string {
  try {
    return new URL(url).host || "an RPC endpoint without a host";
  } catch {
    return "an RPC endpoint with an invalid URL";
  }
}

/** A JSON-RPC error code as sent, if it is one (an integer); anything else is dropped. */
function rpcCode(error: unknown): number | undefined {
  const code = error !== null && typeof error === "object" ? (error as { code?: unknown }).code : undefined;
  return typeof code === "number" && Number.isSafeInteger(code) ? code : undefined;
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
  readonly failures: readonly EndpointFailure[];
  /** The longest `Retry-After` any endpoint sent, in seconds; `undefined` when none did. */
  readonly retryAfterSeconds: number | undefined;
  constructor(failures: readonly EndpointFailure[]) {
    const list = failures.map((f) => `${f.host} (${f.reason})`).join("; ");
    super(`no RPC endpoint answered: ${list}`);
    this.name = "RpcUnreachableError";
    this.failures = failures;
    const asked = failures.flatMap((f) => (f.retryAfterSeconds === undefined ? [] : [f.retryAfterSeconds]));
    this.retryAfterSeconds = asked.length === 0 ? undefined : Math.max(...asked);
  }
}

/** The endpoint serves another chain than the manifest's. */
export class WrongChainError extends ChainReadError {
  readonly expected: number;
  readonly actual: number;
  /** See {@link endpointHost}. */
  readonly host: string;
  constructor(expected: number, actual: number, host: string) {
    super(`wrong chain: expected ${expected}, the RPC reports ${actual} (${host})`);
    this.name = "WrongChainError";
    this.expected = expected;
    this.actual = actual;
    this.host = host;
  }
}

/** No contract code at the escrow address on this chain. */
export class NoContractError extends ChainReadError {
  readonly address: string;
  readonly chainId: number;
  /** See {@link endpointHost}. */
  readonly host: string;
  constructor(address: string, chainId: number, host: string) {
    super(`no contract at ${address} on chain ${chainId} (according to ${host})`);
    this.name = "NoContractError";
    this.address = address;
    this.chainId = chainId;
    this.host = host;
  }
}

/**
 * The endpoint answered a request with a JSON-RPC error object. Only its code is kept: the
 * object's `message` and `data` are the endpoint's own text, dropped unread.
 */
export class RpcError extends ChainReadError {
  /** See {@link endpointHost}. */
  readonly host: string;
  /** The request that failed: one of the methods this module sends. */
  readonly method: string;
  /** The JSON-RPC error code, or `undefined` when the endpoint sent none that is an integer. */
  readonly code: number | undefined;
  constructor(host: string, method: string, code: number | undefined) {
    super(`${host} answered ${method} with ${code === undefined ? "a JSON-RPC error without a valid code" : `JSON-RPC error ${code}`}`);
    this.name = "RpcError";
    this.host = host;
    this.method = method;
    this.code = code;
  }
}

/** A transport-level failure of one endpoint: worth trying the next. Its message is ours alone. */
class EndpointUnusable extends Error {
  /** See {@link EndpointFailure.retryAfterSeconds}. */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, retryAfterSeconds?: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * A `Retry-After` header's delay in whole seconds, read as a number and nothing else (the
 * HTTP-date form and anything malformed are ignored), so no text of the endpoint's is kept.
 */
function retryAfter(response: Response): number | undefined {
  const value = response.headers.get("retry-after")?.trim() ?? "";
  const seconds = /^\d{1,9}$/.test(value) ? Number(value) : 0;
  return seconds > 0 ? seconds : undefined;
}

interface RpcCall {
  method: string;
  params: readonly unknown[];
}

/** Decodes a hex quantity or a 32-byte ABI word (the first one in `hex`) into a bigint. */
export function decodeUint(hex: unknown, what: string): bigint {
  if (typeof hex !== "string" || !/^0x[0-9a-fA-F]+$/.test(hex)) {
    throw new EndpointUnusable(`malformed answer to ${what}`);
  }
  return BigInt(hex.length > 66 ? hex.slice(0, 66) : hex);
}

/** Decodes an ABI-encoded `uint256` return value: exactly one or more 32-byte words. */
function decodeWord(hex: unknown, what: string): bigint {
  if (typeof hex !== "string" || hex.length < 66) {
    throw new EndpointUnusable(`malformed answer to ${what}`);
  }
  return decodeUint(hex, what);
}

function describeFetchError(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause?.code === "ECONNREFUSED") return "connection refused";
  if (typeof cause?.code === "string" && /^[A-Z][A-Z0-9_]*$/.test(cause.code)) return `network error ${cause.code}`;
  // Not the fetch error's own message: browsers say only "Failed to fetch" (the server is down,
  // unreachable, or refused CORS), and some messages quote the full URL.
  return "cannot connect: the endpoint is down, unreachable, or refuses requests from this page";
}

/** Creates a reader for the given endpoints. See {@link ChainReader.readCampaign}. */
export function createChainReader(options: ChainReaderOptions): ChainReader {
  const { chainId } = options;
  if (options.rpcUrls.length === 0) throw new RangeError("createChainReader needs at least one RPC URL");
  const rpcUrls = endpointOrder(options.rpcUrls, options.random ?? Math.random);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
  /** Endpoints that reported the right chain id. */
  const chainChecked = new Set<string>();
  /** `${url} ${address}` pairs known to hold code. */
  const codeChecked = new Set<string>();
  let nextId = 1;

  /** Sends `calls` as one batch; returns their results in order, or throws. */
  async function batch(url: string, calls: readonly RpcCall[]): Promise<unknown[]> {
    const host = endpointHost(url);
    const ids = calls.map(() => nextId++);
    const body = JSON.stringify(calls.map((call, i) => ({ jsonrpc: "2.0", id: ids[i], ...call })));
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    let payload: unknown;
    try {
      let response: Response;
      try {
        response = await doFetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          signal: controller.signal,
        });
      } catch (error) {
        throw new EndpointUnusable(describeFetchError(error, timedOut, timeoutMs));
      }
      // The status number only: the reason phrase (`statusText`) is the endpoint's own text.
      if (!response.ok) {
        const status = response.status === 429 ? "HTTP 429, rate limited" : `HTTP ${response.status}`;
        throw new EndpointUnusable(status, retryAfter(response));
      }
      try {
        payload = await response.json();
      } catch (error) {
        throw new EndpointUnusable(timedOut ? `no answer within ${timeoutMs} ms` : "the answer is not JSON");
      }
    } finally {
      clearTimeout(timer);
    }
    if (!Array.isArray(payload)) {
      const refusal = payload !== null && typeof payload === "object" ? (payload as { error?: unknown }).error : undefined;
      if (refusal === undefined || refusal === null) throw new EndpointUnusable("the answer is not a JSON-RPC batch response");
      const code = rpcCode(refusal);
      throw new EndpointUnusable(`refused the JSON-RPC batch${code === undefined ? "" : ` with JSON-RPC error ${code}`}`);
    }
    const byId = new Map<unknown, { result?: unknown; error?: unknown }>();
    for (const item of payload) if (item !== null && typeof item === "object") byId.set(item.id, item);
    return calls.map((call, i) => {
      const item = byId.get(ids[i]);
      if (item === undefined) throw new EndpointUnusable(`no answer to ${call.method} in the batch response`);
      if (item.error !== undefined && item.error !== null) throw new RpcError(host, call.method, rpcCode(item.error));
      return item.result;
    });
  }

  async function readFrom(url: string, escrow: string): Promise<CampaignReading> {
    const host = endpointHost(url);
    const codeKey = `${url} ${escrow.toLowerCase()}`;
    const checkChain = !chainChecked.has(url);
    const checkCode = !codeChecked.has(codeKey);
    const call = (data: Hex): RpcCall => ({ method: "eth_call", params: [{ to: escrow, data }, "latest"] });
    const calls: RpcCall[] = [
      ...(checkChain ? [{ method: "eth_chainId", params: [] }] : []),
      ...(checkCode ? [{ method: "eth_getCode", params: [escrow, "latest"] }] : []),
      { method: "eth_getBlockByNumber", params: ["latest", false] },
      call(SELECTORS.state),
      call(SELECTORS.backers),
      call(SELECTORS.totalPledged),
    ];
    const results = await batch(url, calls);
    if (checkChain) {
      const actual = decodeUint(results.shift(), "eth_chainId");
      if (actual !== BigInt(chainId)) throw new WrongChainError(chainId, Number(actual), host);
      chainChecked.add(url);
    }
    if (checkCode) {
      const code = results.shift();
      if (typeof code !== "string" || !/^0x[0-9a-fA-F]*$/.test(code)) throw new EndpointUnusable("malformed answer to eth_getCode");
      if (/^0x0*$/.test(code)) throw new NoContractError(escrow, chainId, host);
      codeChecked.add(codeKey);
    }
    const [block, state, backers, totalPledged] = results;
    const { timestamp, number } = (block ?? {}) as { timestamp?: unknown; number?: unknown };
    return {
      state: decodeWord(state, "state()"),
      backers: decodeWord(backers, "backers()"),
      totalPledged: decodeWord(totalPledged, "totalPledged()"),
      blockTimestamp: decodeUint(timestamp, "eth_getBlockByNumber"),
      blockNumber: decodeUint(number, "eth_getBlockByNumber"),
      rpcUrl: url,
    };
  }

  return {
    async readCampaign(escrow) {
      if (!/^0x[0-9a-fA-F]{40}$/.test(escrow)) throw new RangeError(`not an address: ${escrow}`);
      const failures: EndpointFailure[] = [];
      let answered: ChainReadError | undefined;
      for (const url of rpcUrls) {
        try {
          return await readFrom(url, escrow);
        } catch (error) {
          if (error instanceof EndpointUnusable) {
            const { message: reason, retryAfterSeconds } = error;
            failures.push({ host: endpointHost(url), reason, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
          } else if (error instanceof ChainReadError) {
            // The endpoint answered, but not usefully (wrong chain, no code, an RPC error):
            // another endpoint may still do better; if none does, this is the error to report.
            answered ??= error;
            failures.push({ host: endpointHost(url), reason: error.message });
          } else throw error;
        }
      }
      throw answered ?? new RpcUnreachableError(failures);
    },
  };
}
