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
 * as the first read, so every read is one round trip. It also reads the escrow's logs and block
 * timestamps (for the recent backers), with the same endpoint order, timeouts and checks.
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

/**
 * Topic 0 of the escrow's events read here: keccak256 of the event's signature, checked against
 * the compiled ABI by a unit test like {@link SELECTORS}.
 */
export const TOPICS = {
  /** `Pledged(address indexed backer, uint256 amount, uint256 backers)`. */
  Pledged: "0xb8765119b6cc15a7b5d15b95f6c505f2f3c24754824af1892788aad4c0e9945f",
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

/** One log of an eth_getLogs answer, checked for shape. */
export interface RawLog {
  /** Lowercase. */
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: bigint;
  logIndex: bigint;
  transactionHash: Hex;
}

/** An eth_getLogs filter over a closed block range. */
export interface LogFilter {
  address: string;
  /** Topic 0 (the event's signature hash) first; `null` matches any value. */
  topics: (Hex | null)[];
  fromBlock: bigint;
  toBlock: bigint;
}

/** Every method throws one of the {@link ChainReadError} subclasses for what an endpoint did. */
export interface ChainReader {
  /** Reads the escrow at `escrow`. */
  readCampaign(escrow: string): Promise<CampaignReading>;
  /** The latest block's number and timestamp (Unix seconds). */
  latestBlock(): Promise<{ number: bigint; timestamp: bigint }>;
  /**
   * The logs matching `filter` (`eth_getLogs`), removed logs dropped. Endpoints cap the range
   * or the result size with an {@link RpcError}: see site/lib/recent-backers.ts for the paging.
   */
  readLogs(filter: LogFilter): Promise<RawLog[]>;
  /** Each block's timestamp (Unix seconds), in one batch of `eth_getBlockByNumber`. */
  blockTimestamps(numbers: readonly bigint[]): Promise<Map<bigint, bigint>>;
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
    super(`Could not reach the chain: ${failures.map((f) => `${f.host} (${f.reason})`).join(", ")}`);
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
    super(`The RPC ${host} is on the wrong chain: expected ${expected}, the RPC reports ${actual}`);
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
    super(`There is no contract at the escrow address ${address} on chain ${chainId} (asked ${host})`);
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
    super(`The RPC ${host} answered ${method} with an error (${code === undefined ? "without a valid JSON-RPC code" : `JSON-RPC code ${code}`})`);
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

  /** Prepends the chain check to `calls` while `url` has not passed it; returns the results of `calls` alone. */
  async function checkedBatch(url: string, calls: readonly RpcCall[]): Promise<unknown[]> {
    const checkChain = !chainChecked.has(url);
    const results = await batch(url, checkChain ? [{ method: "eth_chainId", params: [] }, ...calls] : calls);
    if (checkChain) {
      const actual = decodeUint(results.shift(), "eth_chainId");
      if (actual !== BigInt(chainId)) throw new WrongChainError(chainId, Number(actual), endpointHost(url));
      chainChecked.add(url);
    }
    return results;
  }

  async function readFrom(url: string, escrow: string): Promise<CampaignReading> {
    const host = endpointHost(url);
    const codeKey = `${url} ${escrow.toLowerCase()}`;
    const checkCode = !codeChecked.has(codeKey);
    const call = (data: Hex): RpcCall => ({ method: "eth_call", params: [{ to: escrow, data }, "latest"] });
    const results = await checkedBatch(url, [
      ...(checkCode ? [{ method: "eth_getCode", params: [escrow, "latest"] }] : []),
      { method: "eth_getBlockByNumber", params: ["latest", false] },
      call(SELECTORS.state),
      call(SELECTORS.backers),
      call(SELECTORS.totalPledged),
    ]);
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
        if (error instanceof EndpointUnusable) {
          const { message: reason, retryAfterSeconds } = error;
          failures.push({ host: endpointHost(url), reason, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
        } else if (error instanceof ChainReadError) {
          answered ??= error;
          failures.push({ host: endpointHost(url), reason: error.message });
        } else throw error;
      }
    }
    throw answered ?? new RpcUnreachableError(failures);
  }

  return {
    async readCampaign(escrow) {
      if (!isAddress(escrow)) throw new RangeError(`not an address: ${escrow}`);
      return anyEndpoint((url) => readFrom(url, escrow));
    },

    async latestBlock() {
      return anyEndpoint(async (url) => {
        const [block] = await checkedBatch(url, [{ method: "eth_getBlockByNumber", params: ["latest", false] }]);
        const { timestamp, number } = (block ?? {}) as { timestamp?: unknown; number?: unknown };
        return { number: decodeUint(number, "eth_getBlockByNumber"), timestamp: decodeUint(timestamp, "eth_getBlockByNumber") };
      });
    },

    async readLogs(filter) {
      if (!isAddress(filter.address)) throw new RangeError(`not an address: ${filter.address}`);
      if (filter.fromBlock < 0n || filter.toBlock < filter.fromBlock) throw new RangeError(`not a block range: ${filter.fromBlock}-${filter.toBlock}`);
      const address = filter.address.toLowerCase();
      const params = [{ address: filter.address, topics: filter.topics, fromBlock: quantity(filter.fromBlock), toBlock: quantity(filter.toBlock) }];
      return anyEndpoint(async (url) => {
        const [logs] = await checkedBatch(url, [{ method: "eth_getLogs", params }]);
        if (!Array.isArray(logs)) throw new EndpointUnusable("malformed answer to eth_getLogs");
        // A removed log belongs to a block that is no longer on the chain; another address's log is not ours.
        return logs.map(decodeLog).filter((log) => log !== undefined && log.address === address) as RawLog[];
      });
    },

    async blockTimestamps(numbers) {
      const unique = [...new Set(numbers)];
      if (unique.length === 0) return new Map();
      return anyEndpoint(async (url) => {
        const blocks = await checkedBatch(url, unique.map((n) => ({ method: "eth_getBlockByNumber", params: [quantity(n), false] })));
        return new Map(
          unique.map((n, i) => {
            const { timestamp, number } = (blocks[i] ?? {}) as { timestamp?: unknown; number?: unknown };
            if (decodeUint(number, "eth_getBlockByNumber") !== n) throw new EndpointUnusable("malformed answer to eth_getBlockByNumber");
            return [n, decodeUint(timestamp, "eth_getBlockByNumber")];
          }),
        );
      });
    },
  };
}

function isAddress(value: string): boolean {
  return /^0x[0-9a-fA-F]{40}$/.test(value);
}

/** A JSON-RPC quantity: `0x` and the number in hex without leading zeros. */
function quantity(n: bigint): Hex {
  return `0x${n.toString(16)}`;
}

const HEX = /^0x[0-9a-fA-F]*$/;
const WORD = /^0x[0-9a-fA-F]{64}$/;

/**
 * One entry of an eth_getLogs answer, checked for shape; `undefined` for a removed log. A
 * malformed entry makes the whole answer unusable (the endpoint is not speaking JSON-RPC).
 */
function decodeLog(item: unknown): RawLog | undefined {
  const log = (item ?? {}) as { removed?: unknown; address?: unknown; topics?: unknown; data?: unknown; blockNumber?: unknown; logIndex?: unknown; transactionHash?: unknown };
  if (log.removed === true) return undefined;
  const topics = log.topics;
  if (
    typeof log.address !== "string" ||
    !isAddress(log.address) ||
    !Array.isArray(topics) ||
    !topics.every((topic) => typeof topic === "string" && WORD.test(topic)) ||
    typeof log.data !== "string" ||
    !HEX.test(log.data) ||
    typeof log.transactionHash !== "string" ||
    !WORD.test(log.transactionHash)
  ) {
    throw new EndpointUnusable("malformed answer to eth_getLogs");
  }
  return {
    address: log.address.toLowerCase() as Hex,
    topics: topics as Hex[],
    data: log.data as Hex,
    blockNumber: decodeUint(log.blockNumber, "eth_getLogs"),
    logIndex: decodeUint(log.logIndex, "eth_getLogs"),
    transactionHash: log.transactionHash as Hex,
  };
}
