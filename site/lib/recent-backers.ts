/**
 * The watch page's recent backers: the escrow's latest `Pledged` events, newest first, read with
 * eth_getLogs through the tiny JSON-RPC client (site/lib/chain-logs.ts), decoded by hand (no ABI
 * coder in the page), and the words the list shows for each. No DOM here: the paging and the
 * text are unit-tested; recent-backers-live.ts copies the rows into the page.
 *
 * Each read of the page is one batch (site/lib/chain-read.ts readCampaign): the figures, the
 * latest block, and the eth_getLogs of the blocks since the last read ({@link PledgeFeed.more}).
 * Only the first reads send more: public RPCs cap eth_getLogs by block range (commonly 2,000 to
 * 10,000 blocks, some fewer) or by result size, so the first scan asks at most
 * {@link MAX_LOG_RANGE} blocks at a time, backwards from the latest block, until it holds
 * {@link RECENT_LIMIT} pledges or reaches the escrow's deployment block; a refusal that means
 * "too much at once" halves the range for the rest of the page's life. Each read sends at most
 * {@link MAX_LOG_REQUESTS_PER_READ} eth_getLogs of that scan, so a long scan over a quiet
 * campaign is spread over several reads (the poll schedule's pace) instead of a burst, at the
 * campaign's scale of many open pages; and one more batch for the new pledges' block times.
 */
import { blockTimestamps, decodeLogs, logsCall, readLogs, TOPICS, type RawLog } from "./chain-logs.ts";
import { RpcError, type CampaignReading, type ChainReader, type MoreCalls } from "./chain-read.ts";
import type { Hex } from "./address.ts";
import type { ProgressConfig } from "./progress-view.ts";
import { formatDeadline, formatTokenAmount, shortAddress } from "./format.ts";

/** How many pledges the list shows. */
const RECENT_LIMIT = 10;
/** The widest block range asked of eth_getLogs: within what public RPCs accept. */
export const MAX_LOG_RANGE = 2_000n;
/** eth_getLogs requests of the backward scan one read may send (retries after a refusal included). */
const MAX_LOG_REQUESTS_PER_READ = 10;

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
const RANGE_LIMIT_CODES: ReadonlySet<number> = new Set([-32005, -32600, -32602, -32000, -32062, -32614]);

/** Whether `error` is an endpoint refusing an eth_getLogs for its size (see {@link RANGE_LIMIT_CODES}). */
export function isRangeLimit(error: unknown): boolean {
  return error instanceof RpcError && error.method === "eth_getLogs" && RANGE_LIMIT_CODES.has(error.code!);
}

/** One `Pledged(address indexed backer, uint256 amount, uint256 backers)` event. */
export interface Pledge {
  /** Lowercase. */
  backer: Hex;
  /** This pledge (a first pledge or a top-up), in the token's smallest unit. */
  amount: bigint;
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
  if (
    log.topics.length !== 2 ||
    String(topic0).toLowerCase() !== TOPICS.Pledged ||
    !/^0x0{24}[0-9a-fA-F]{40}$/.test(String(topic1))
  )
    return undefined;
  if (!/^0x[0-9a-fA-F]{128}$/.test(log.data)) return undefined;
  return {
    backer: `0x${topic1.slice(26).toLowerCase()}`,
    // The second word, the backer count after it, is not shown: the figures say it.
    amount: BigInt(log.data.slice(0, 66)),
    blockNumber: log.blockNumber,
    logIndex: log.logIndex,
    transactionHash: log.transactionHash,
  };
}

/** Newest first: by block, then by position in the block. */
function newestFirst(a: Pledge, b: Pledge): number {
  return Number(b.blockNumber - a.blockNumber || b.logIndex - a.logIndex);
}

export interface PledgeFeedOptions {
  escrow: string;
  /** Where the escrow begins: no pledge is older. */
  deployBlock: number | bigint;
}

export interface PledgeFeed {
  /**
   * What the feed adds to the next read of the escrow (site/lib/chain-read.ts readCampaign):
   * the logs from the last block it scanned to the latest, in the same batch; nothing before
   * its first read.
   */
  more: () => MoreCalls<RawLog[] | RpcError> | undefined;
  /**
   * Takes a read of the escrow (its latest block, and the answer to {@link more}), scans what
   * that answer did not cover (the first read's backward scan, a range the endpoint refused) with
   * requests of its own, and resolves to whether there is anything new to show. Throws the
   * reader's errors; what was read before stays.
   */
  update(
    reading: Pick<CampaignReading, "blockNumber" | "blockTimestamp">,
    fresh: RawLog[] | RpcError | undefined,
  ): Promise<boolean>;
  /** The latest pledges, newest first, at most {@link RECENT_LIMIT}. */
  readonly pledges: readonly Pledge[];
  /** Whether the scan has gone back far enough: `limit` pledges found, or the deployment block reached. */
  readonly complete: boolean;
  /** The block range eth_getLogs is asked for now (smaller after a refusal). */
  readonly range: bigint;
}

const keyOf = (p: Pledge): string => `${p.transactionHash}:${p.logIndex}`;
const pledgesOf = (logs: readonly RawLog[]): Pledge[] =>
  logs.flatMap((log) => decodePledged(log) ?? []).sort(newestFirst);

/** The escrow's latest pledges through `reader`. See {@link PledgeFeed}. */
export function createPledgeFeed(reader: ChainReader, options: PledgeFeedOptions): PledgeFeed {
  const limit = RECENT_LIMIT;
  const deployBlock = BigInt(options.deployBlock);
  const filter = { address: options.escrow, topics: [TOPICS.Pledged] };
  let range = MAX_LOG_RANGE;
  let pledges: Pledge[] = [];
  /** Highest block scanned (inclusive); `undefined` before the first read. */
  let top: bigint | undefined;
  /** Lowest block scanned (inclusive): the backward scan continues below it. */
  let bottom = 0n;
  const timestamps = new Map<bigint, bigint>();
  const complete = () => top !== undefined && (pledges.length >= limit || bottom <= deployBlock);

  /**
   * Scans [from, to] downwards in ranges of at most `range` blocks, within {@link MAX_LOG_REQUESTS_PER_READ}
   * requests, until `want` pledges are found. Returns them (newest first) and the lowest block
   * scanned.
   */
  async function scanDown(
    from: bigint,
    to: bigint,
    want: number,
  ): Promise<{ found: Pledge[]; lowest: bigint }> {
    const found: Pledge[] = [];
    let lowest = to + 1n;
    for (let left = MAX_LOG_REQUESTS_PER_READ; lowest > from && found.length < want && left > 0; left--) {
      const high = lowest - 1n;
      const low = high - range + 1n > from ? high - range + 1n : from;
      let logs: RawLog[];
      try {
        logs = await readLogs(reader, { ...filter, fromBlock: low, toBlock: high });
      } catch (error) {
        if (!isRangeLimit(error) || high === low) throw error;
        // Asked too much at once: half the range, for good (an endpoint's limit does not grow).
        const size = high - low + 1n;
        range = size / 2n > 0n ? size / 2n : 1n;
        continue;
      }
      found.push(...pledgesOf(logs));
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
    get range() {
      return range;
    },

    more() {
      // From the last block scanned, not the one after it: that one may not exist yet, and
      // endpoints refuse a range that starts past the latest block. Its pledges are known already.
      return top === undefined
        ? undefined
        : {
            calls: [logsCall({ ...filter, fromBlock: top, toBlock: "latest" })],
            decode: ([logs]) => (logs instanceof RpcError ? logs : decodeLogs(options.escrow, logs)),
          };
    },

    async update({ blockNumber, blockTimestamp }, fresh) {
      const before = pledges.map(keyOf).join();
      if (Array.isArray(fresh)) {
        const known = new Set(pledges.map(keyOf));
        for (const p of pledgesOf(fresh)) {
          if (!known.has(keyOf(p))) pledges.push(p);
          if (p.blockNumber > top!) top = p.blockNumber;
        }
        pledges = pledges.sort(newestFirst).slice(0, limit);
        if (blockNumber > top!) top = blockNumber;
      } else if (fresh instanceof RpcError && top !== undefined && !isRangeLimit(fresh)) {
        throw fresh;
      } else if (top === undefined || blockNumber > top) {
        // First read, or the new blocks refused as too many at once (after a long while away):
        // start over from the top, the backward scan paging through at its pace.
        // (A pledge in a block that a reorganisation later drops stays listed until a reload.)
        pledges = [];
        top = blockNumber;
        bottom = blockNumber + 1n;
      }
      // (Else an endpoint behind the one read last, refusing a range that starts past its latest block:
      // nothing new.)
      const floor = deployBlock > 0n ? deployBlock : 0n;
      if (pledges.length < limit && bottom > floor) {
        const older = await scanDown(floor, bottom - 1n, limit - pledges.length);
        pledges = [...pledges, ...older.found];
        bottom = older.lowest;
      }
      // A pledge in the block just read has its time; older blocks' times take one more batch.
      timestamps.set(blockNumber, blockTimestamp);
      const missing = pledges.filter((p) => !timestamps.has(p.blockNumber)).map((p) => p.blockNumber);
      for (const [block, time] of await blockTimestamps(reader, missing)) timestamps.set(block, time);
      for (const p of pledges) p.timestamp = timestamps.get(p.blockNumber);
      // An unfinished scan counts as a change, so the next read comes at the quick pace.
      return pledges.map(keyOf).join() !== before || !complete();
    },
  };
}

/**
 * What the feed needs beyond the progress's config (the RPCs, the chain, the escrow, its token:
 * site/lib/progress-view.ts ProgressConfig), serialised into the page as JSON.
 */
export interface RecentBackersConfig {
  deployBlock: number;
  /**
   * Block explorer base URL, without a trailing slash: backers link to `${explorerUrl}/address/<address>`.
   */
  explorerUrl?: string;
}

/**
 * Reads the JSON the recent backers' list carries in `data-config`: see site/lib/progress-view.ts
 * parseProgressConfig.
 */
export function parseRecentBackersConfig(json: string | undefined): RecentBackersConfig {
  return JSON.parse(json ?? "") as RecentBackersConfig;
}

/** What one row of the list says. */
export interface PledgeRow {
  /** "9.95 tUSD". */
  amount: string;
  /** "0x3c44…93bc". */
  backer: string;
  /** The full address (lowercase), for a title and the link. */
  address: string;
  /** The explorer's page for the backer, when the manifest names an explorer. */
  href: string | undefined;
  /** The block's time in UTC, "2027-04-30 18:05 UTC"; "" while unknown. */
  when: string;
  /** ISO 8601 for `<time datetime>`; "" while unknown. */
  whenIso: string;
}

/** The rows for `pledges`. */
export function pledgeRows(
  pledges: readonly Pledge[],
  config: Pick<RecentBackersConfig, "explorerUrl"> & Pick<ProgressConfig, "token">,
): PledgeRow[] {
  const explorer = config.explorerUrl;
  return pledges.map((p) => {
    const time = p.timestamp === undefined ? { text: "", iso: "" } : formatDeadline(p.timestamp);
    return {
      amount: formatTokenAmount(p.amount, config.token),
      backer: shortAddress(p.backer),
      address: p.backer,
      href: explorer && `${explorer}/address/${p.backer}`,
      when: time.text,
      whenIso: time.iso,
    };
  });
}
