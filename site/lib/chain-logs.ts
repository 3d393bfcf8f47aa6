/**
 * The escrow's event logs and block times, read through the tiny JSON-RPC client
 * (site/lib/chain-read.ts: the same endpoint order, timeouts, checks and errors), for the watch
 * page's recent backers. Its own module so that the progress figures, on every page, do not
 * carry it: only the recent backers' chunk does.
 */
import type { Hex } from "./address.ts";
import { decodeBlock, decodeUint, malformed, type ChainReader, type RpcCall } from "./chain-read.ts";

/**
 * Topic 0 of the escrow's events read here: keccak256 of the event's signature, checked against
 * the compiled ABI by a unit test, like chain-read.ts's SELECTORS.
 */
export const TOPICS = {
  /** `Pledged(address indexed backer, uint256 amount, uint256 backers)`. */
  Pledged: "0xb8765119b6cc15a7b5d15b95f6c505f2f3c24754824af1892788aad4c0e9945f",
} as const satisfies Record<string, Hex>;

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

/** An eth_getLogs filter over a block range, closed or up to the latest block. */
export interface LogFilter {
  address: string;
  /** Topic 0 (the event's signature hash) first; `null` matches any value. */
  topics: (Hex | null)[];
  fromBlock: bigint;
  toBlock: bigint | "latest";
}

/** A JSON-RPC quantity: `0x` and the number in hex without leading zeros. */
const quantity = (n: bigint): Hex => `0x${n.toString(16)}`;

/**
 * One entry of an eth_getLogs answer, checked for shape as far as a log's reader does not check
 * it (see site/lib/recent-backers.ts decodePledged for the topics and data); `undefined` for a
 * removed log (its block is no longer on the chain). A malformed entry makes the whole answer
 * unusable (the endpoint is not speaking JSON-RPC).
 */
function decodeLog(item: unknown): RawLog | undefined {
  const log = (item ?? {}) as {
    removed?: unknown;
    address?: unknown;
    topics?: unknown;
    data?: unknown;
    blockNumber?: unknown;
    logIndex?: unknown;
    transactionHash?: unknown;
  };
  if (log.removed === true) return undefined;
  const { address, topics, data, transactionHash } = log;
  if (
    typeof address !== "string" ||
    !Array.isArray(topics) ||
    typeof transactionHash !== "string" ||
    !/^0x[0-9a-fA-F]{64}$/.test(transactionHash)
  ) {
    malformed("eth_getLogs");
  }
  return {
    address: address.toLowerCase() as Hex,
    topics: topics as Hex[],
    data: data as Hex,
    blockNumber: decodeUint(log.blockNumber, "eth_getLogs"),
    logIndex: decodeUint(log.logIndex, "eth_getLogs"),
    transactionHash: transactionHash as Hex,
  };
}

/** The eth_getLogs request for `filter`. */
export function logsCall(filter: LogFilter): RpcCall {
  const { address, topics, fromBlock, toBlock } = filter;
  return {
    method: "eth_getLogs",
    params: [
      {
        address,
        topics,
        fromBlock: quantity(fromBlock),
        toBlock: toBlock === "latest" ? toBlock : quantity(toBlock),
      },
    ],
  };
}

/** An eth_getLogs answer for `address`: removed logs and other addresses' logs dropped. */
export function decodeLogs(address: string, logs: unknown): RawLog[] {
  const own = address.toLowerCase();
  return Array.isArray(logs)
    ? logs.map(decodeLog).filter((log): log is RawLog => log?.address === own)
    : malformed("eth_getLogs");
}

/**
 * The logs matching `filter` (`eth_getLogs`): see {@link decodeLogs}. Endpoints cap the range or
 * the result size with an RpcError: see site/lib/recent-backers.ts for the paging.
 */
export async function readLogs(reader: ChainReader, filter: LogFilter): Promise<RawLog[]> {
  return reader.query([logsCall(filter)], ([logs]) => decodeLogs(filter.address, logs));
}

/** Each block's timestamp (Unix seconds), in one batch of `eth_getBlockByNumber`. */
export async function blockTimestamps(
  reader: ChainReader,
  numbers: readonly bigint[],
): Promise<Map<bigint, bigint>> {
  const unique = [...new Set(numbers)];
  if (unique.length === 0) return new Map();
  return reader.query(
    unique.map((n) => ({ method: "eth_getBlockByNumber", params: [quantity(n), false] })),
    (blocks) =>
      new Map(
        unique.map((n, i) => {
          const block = decodeBlock(blocks[i]);
          return [n, block.number === n ? block.timestamp : malformed("eth_getBlockByNumber")];
        }),
      ),
  );
}
