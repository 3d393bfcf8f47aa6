/**
 * The watch page's recent backers: the escrow's latest `Pledged` events, newest first, read with
 * eth_getLogs through the tiny JSON-RPC client (site/lib/chain-logs.ts), decoded by hand (no ABI
 * coder in the page), and the words the list shows for each. No DOM here: the paging and the
 * text are unit-tested; recent-backers-live.ts copies the rows into the page.
 *
 * Paging: public RPCs cap eth_getLogs by block range (commonly 2,000 to 10,000 blocks, some
 * fewer) or by result size, so the scan asks at most {@link MAX_LOG_RANGE} blocks at a time,
 * backwards from the latest block, until it holds {@link RECENT_LIMIT} pledges or reaches the
 * escrow's deployment block; a refusal that means "too much at once" halves the range for the
 * rest of the page's life. Each read sends at most {@link MAX_LOG_REQUESTS_PER_READ} eth_getLogs,
 * so a long scan over a quiet campaign is spread over several reads (the poll schedule's pace)
 * instead of a burst, at the campaign's scale of many open pages.
 */
import { blockTimestamps, latestBlock, readLogs, TOPICS, type RawLog } from "./chain-logs.ts";
import { RpcError, type ChainReader } from "./chain-read.ts";
import type { Hex } from "./address.ts";
import { formatDeadline, formatTokenAmount, plural, shortAddress } from "./format.ts";
import { parseLiveConfig } from "./progress-view.ts";

/** How many pledges the list shows. */
export const RECENT_LIMIT = 10;
/** The widest block range asked of eth_getLogs: within what public RPCs accept. */
export const MAX_LOG_RANGE = 2_000n;
/** eth_getLogs requests one read may send (retries after a refusal included). */
export const MAX_LOG_REQUESTS_PER_READ = 10;

/**
 * JSON-RPC error codes with which endpoints refuse an eth_getLogs for asking too much at once
 * (too many blocks or too many results), answered by asking for half the range:
 * - -32005 "limit exceeded" (EIP-1474; Infura: more than 10,000 results),
 * - -32600 "invalid request" (Alchemy's answer to a range over its block limit),
 * - -32602 "invalid params" (QuickNode and others for a range over their limit),
 * - -32000 the generic server error Geth-based nodes use ("exceed maximum block range"),
 * - -32062 "block range is too large" (Blast API),
 * - -32614 "eth_getLogs is limited to a 10,000 range" (Chainstack).
 * Halving on a code that meant something else costs a few requests and then fails as it would
 * have: the error is reported once the range is down to one block.
 */
export const RANGE_LIMIT_CODES: ReadonlySet<number> = new Set([-32005, -32600, -32602, -32000, -32062, -32614]);

/** Whether `error` is an endpoint refusing an eth_getLogs for its size (see {@link RANGE_LIMIT_CODES}). */
export function isRangeLimit(error: unknown): boolean {
  return error instanceof RpcError && error.method === "eth_getLogs" && error.code !== undefined && RANGE_LIMIT_CODES.has(error.code);
}

/** One `Pledged(address indexed backer, uint256 amount, uint256 backers)` event. */
export interface Pledge {
  /** Lowercase. */
  backer: Hex;
  /** This pledge (a first pledge or a top-up), in the token's smallest unit. */
  amount: bigint;
  /** The backer count after it. */
  backers: bigint;
  blockNumber: bigint;
  logIndex: bigint;
  transactionHash: Hex;
  /** The block's timestamp (Unix seconds), once read. */
  timestamp?: bigint;
}

/**
 * Decodes a `Pledged` log: topic 1 is the backer (an address left-padded to 32 bytes), the data
 * two 32-byte words, `amount` and `backers`. `undefined` for any other log or a malformed one.
 */
export function decodePledged(log: RawLog): Pledge | undefined {
  const [topic0, topic1] = log.topics;
  if (log.topics.length !== 2 || topic0?.toLowerCase() !== TOPICS.Pledged || !/^0x0{24}[0-9a-fA-F]{40}$/.test(topic1 ?? "")) return undefined;
  if (!/^0x[0-9a-fA-F]{128}$/.test(log.data)) return undefined;
  return {
    backer: `0x${topic1!.slice(26).toLowerCase()}`,
    amount: BigInt(log.data.slice(0, 66)),
    backers: BigInt(`0x${log.data.slice(66)}`),
    blockNumber: log.blockNumber,
    logIndex: log.logIndex,
    transactionHash: log.transactionHash,
  };
}

/** Newest first: by block, then by position in the block. */
function newestFirst(a: Pledge, b: Pledge): number {
  return a.blockNumber !== b.blockNumber ? (a.blockNumber > b.blockNumber ? -1 : 1) : a.logIndex > b.logIndex ? -1 : a.logIndex < b.logIndex ? 1 : 0;
}

export interface PledgeFeedOptions {
  escrow: string;
  /** Where the escrow begins: no pledge is older. */
  deployBlock: number | bigint;
  /** Default {@link RECENT_LIMIT}. */
  limit?: number;
  /** Default {@link MAX_LOG_RANGE}. */
  maxRange?: bigint;
  /** Default {@link MAX_LOG_REQUESTS_PER_READ}. */
  maxRequestsPerRead?: number;
}

export interface PledgeFeed {
  /**
   * Reads what is new since the last read (and continues an unfinished backward scan); resolves
   * to whether there is anything new to show. Throws the reader's errors; what was read before
   * stays.
   */
  read(): Promise<boolean>;
  /** The latest pledges, newest first, at most `limit`. */
  readonly pledges: readonly Pledge[];
  /** Whether the scan has gone back far enough: `limit` pledges found, or the deployment block reached. */
  readonly complete: boolean;
  /** The latest block's timestamp at the last read (Unix seconds), the chain's "now". */
  readonly latestTimestamp: bigint | undefined;
  /** The block range eth_getLogs is asked for now (smaller after a refusal). */
  readonly range: bigint;
}

/** The escrow's latest pledges through `reader`. See {@link PledgeFeed}. */
export function createPledgeFeed(reader: ChainReader, options: PledgeFeedOptions): PledgeFeed {
  const limit = options.limit ?? RECENT_LIMIT;
  const deployBlock = BigInt(options.deployBlock);
  const maxRequests = options.maxRequestsPerRead ?? MAX_LOG_REQUESTS_PER_READ;
  let range = options.maxRange ?? MAX_LOG_RANGE;
  let pledges: Pledge[] = [];
  /** Highest block scanned (inclusive); `undefined` before the first read. */
  let top: bigint | undefined;
  /** Lowest block scanned (inclusive): the backward scan continues below it. */
  let bottom = 0n;
  let latestTimestamp: bigint | undefined;
  const timestamps = new Map<bigint, bigint>();
  const complete = () => top !== undefined && (pledges.length >= limit || bottom <= deployBlock);

  /**
   * Scans [from, to] downwards in ranges of at most `range` blocks, within `budget.left`
   * requests, until `want` pledges are found. Returns them (newest first) and the lowest block
   * scanned.
   */
  async function scanDown(from: bigint, to: bigint, want: number, budget: { left: number }): Promise<{ found: Pledge[]; lowest: bigint }> {
    const found: Pledge[] = [];
    let lowest = to + 1n;
    while (lowest > from && found.length < want && budget.left > 0) {
      const high = lowest - 1n;
      const low = high - range + 1n > from ? high - range + 1n : from;
      budget.left--;
      let logs: RawLog[];
      try {
        logs = await readLogs(reader, { address: options.escrow, topics: [TOPICS.Pledged], fromBlock: low, toBlock: high });
      } catch (error) {
        if (!isRangeLimit(error) || high === low) throw error;
        // Asked too much at once: half the range, for good (an endpoint's limit does not grow).
        const size = high - low + 1n;
        range = size / 2n > 0n ? size / 2n : 1n;
        continue;
      }
      found.push(...logs.flatMap((log) => decodePledged(log) ?? []).sort(newestFirst));
      lowest = low;
    }
    return { found: found.slice(0, want), lowest };
  }

  return {
    get pledges() {
      return pledges;
    },
    get complete() {
      return complete();
    },
    get latestTimestamp() {
      return latestTimestamp;
    },
    get range() {
      return range;
    },

    async read() {
      const latest = await latestBlock(reader);
      latestTimestamp = latest.timestamp;
      const before = pledges.map((p) => `${p.transactionHash}:${p.logIndex}`).join();
      const budget = { left: maxRequests };
      if (top === undefined || latest.number - top > range * BigInt(maxRequests)) {
        // First read, or away too long to fill the gap in one read: start over from the top.
        // (A pledge in a block that a reorganisation later drops stays listed until a reload.)
        pledges = [];
        top = latest.number;
        bottom = latest.number + 1n;
      } else if (latest.number > top) {
        const fresh = await scanDown(top + 1n, latest.number, limit, budget);
        if (fresh.lowest > top + 1n) {
          // The gap was not scanned to its end (`limit` newer pledges were found first, or a
          // refusal used the requests up): the list restarts from the newer ones and the
          // backward scan goes on below them.
          pledges = fresh.found;
          bottom = fresh.lowest;
        } else {
          pledges = [...fresh.found, ...pledges].slice(0, limit);
        }
        top = latest.number;
      }
      const floor = deployBlock > 0n ? deployBlock : 0n;
      if (pledges.length < limit && bottom > floor) {
        const older = await scanDown(floor, bottom - 1n, limit - pledges.length, budget);
        pledges = [...pledges, ...older.found];
        bottom = older.lowest;
      }
      const missing = pledges.filter((p) => !timestamps.has(p.blockNumber)).map((p) => p.blockNumber);
      for (const [block, time] of await blockTimestamps(reader, missing)) timestamps.set(block, time);
      for (const p of pledges) p.timestamp = timestamps.get(p.blockNumber);
      const after = pledges.map((p) => `${p.transactionHash}:${p.logIndex}`).join();
      // An unfinished scan counts as a change, so the next read comes at the quick pace.
      return after !== before || !complete();
    },
  };
}

/** An address as the list shows it, as wallets do: "0x3c44…93bc". */
export { shortAddress };

const ago = (count: number, unit: string): string => `${plural(count, unit)} ago`;

/**
 * When something happened, from `seconds` (Unix) seen at `nowSeconds`: "just now", "3 minutes
 * ago", "5 hours ago", "2 days ago", then the date ("on 2027-04-30").
 */
export function relativeTime(seconds: number, nowSeconds: number): string {
  const age = Math.floor(nowSeconds - seconds);
  if (age < 60) return "just now";
  if (age < 3_600) return ago(Math.floor(age / 60), "minute");
  if (age < 86_400) return ago(Math.floor(age / 3_600), "hour");
  if (age < 7 * 86_400) return ago(Math.floor(age / 86_400), "day");
  return `on ${formatDeadline(seconds).date}`;
}

/** The slice of the manifest the feed needs, serialised into the page as JSON. */
export interface RecentBackersConfig {
  rpcUrls: string[];
  chainId: number;
  escrow: string;
  deployBlock: number;
  token: { symbol: string; decimals: number };
  /** Block explorer base URL: backers link to `${explorerUrl}/address/<address>`. */
  explorerUrl?: string;
}

/** Reads and checks the JSON a `<pp-recent-backers>` element carries in `data-config`. */
export function parseRecentBackersConfig(json: string | undefined): RecentBackersConfig {
  const problem = "data-config does not describe a campaign's recent backers";
  const config = parseLiveConfig<RecentBackersConfig>(json, ["deployBlock"], problem);
  if (config.explorerUrl !== undefined && typeof config.explorerUrl !== "string") throw new TypeError(problem);
  return config;
}

/** What one row of the list says. */
export interface PledgeRow {
  /** Unique per pledge (transaction and log index). */
  key: string;
  /** "9.95 tUSD". */
  amount: string;
  /** "0x3c44…93bc". */
  backer: string;
  /** The full address (lowercase), for a title and the link. */
  address: string;
  /** The explorer's page for the backer, when the manifest names an explorer. */
  href?: string;
  /** "3 minutes ago"; "" while the block's time is unknown. */
  when: string;
  /** ISO 8601 for `<time datetime>`; "" while unknown. */
  whenIso: string;
}

/** The rows for `pledges` at chain time `nowSeconds`. */
export function pledgeRows(pledges: readonly Pledge[], nowSeconds: number, config: Pick<RecentBackersConfig, "token" | "explorerUrl">): PledgeRow[] {
  const explorer = config.explorerUrl?.replace(/\/+$/, "");
  return pledges.map((p) => ({
    key: `${p.transactionHash}:${p.logIndex}`,
    amount: formatTokenAmount(p.amount, config.token),
    backer: shortAddress(p.backer),
    address: p.backer,
    ...(explorer === undefined ? {} : { href: `${explorer}/address/${p.backer}` }),
    when: p.timestamp === undefined ? "" : relativeTime(Number(p.timestamp), nowSeconds),
    whenIso: p.timestamp === undefined ? "" : formatDeadline(p.timestamp).iso,
  }));
}
