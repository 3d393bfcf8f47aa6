/**
 * The transaction the page is waiting for, kept in sessionStorage so a reload does not lose
 * it, and the logic that decides what became of it. After a reload only what was stored is
 * known, so a replacement (the user sped it up or cancelled it in the wallet) is recognised by
 * the account's nonce moving past the stored one without a receipt for the stored hash; the
 * replacing transaction is then found by scanning blocks from `startBlock` for one from the
 * same account with the same nonce. No ethers import here: the reader is any provider-shaped
 * object, so the decisions are tested with plain data.
 */

/** What a transaction was for (how the page describes it after a reload). */
export type PendingKind = "pledge" | "pledgeWithPermit" | "approve" | "cancel" | "refund" | "release";

const KINDS: readonly PendingKind[] = [
  "pledge",
  "pledgeWithPermit",
  "approve",
  "cancel",
  "refund",
  "release",
];

export interface PendingTx {
  hash: string;
  from: string;
  nonce: number;
  /** The contract called. */
  to: string;
  /** The calldata. */
  data: string;
  kind: PendingKind;
  /** The latest block before it was sent: where a scan for a replacement starts. */
  startBlock: number;
}

const isHex = (value: unknown, bytes?: number): value is string =>
  typeof value === "string" &&
  (bytes === undefined ? /^0x([0-9a-fA-F]{2})*$/ : new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`)).test(value);
const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

export function serialisePending(tx: PendingTx): string {
  const { hash, from, nonce, to, data, kind, startBlock } = tx;
  return JSON.stringify({ hash, from, nonce, to, data, kind, startBlock });
}

/** The stored record, or undefined when there is none or it is not one this page wrote. */
export function parsePending(text: string | null | undefined): PendingTx | undefined {
  if (text === null || text === undefined) return undefined;
  let data: Partial<Record<keyof PendingTx, unknown>>;
  try {
    data = JSON.parse(text) as typeof data;
  } catch {
    return undefined;
  }
  if (typeof data !== "object" || data === null) return undefined;
  const { hash, from, nonce, to, data: calldata, kind, startBlock } = data;
  if (
    !isHex(hash, 32) ||
    !isHex(from, 20) ||
    !isHex(to, 20) ||
    !isHex(calldata) ||
    !isCount(nonce) ||
    !isCount(startBlock)
  )
    return undefined;
  if (!KINDS.includes(kind as PendingKind)) return undefined;
  return { hash, from, nonce, to, data: calldata, kind: kind as PendingKind, startBlock };
}

/** sessionStorage access that never throws (storage can be disabled or full). */
export function loadPending(storage: Storage | undefined, key: string): PendingTx | undefined {
  try {
    return parsePending(storage?.getItem(key));
  } catch {
    return undefined;
  }
}

export function savePending(storage: Storage | undefined, key: string, tx: PendingTx): void {
  try {
    storage?.setItem(key, serialisePending(tx));
  } catch {
    // Without storage the page still follows the transaction; only a reload loses it.
  }
}

export function clearPending(storage: Storage | undefined, key: string): void {
  try {
    storage?.removeItem(key);
  } catch {
    // Nothing to clear.
  }
}

/**
 * How a mined transaction with the stored one's nonce relates to it, in ethers' words:
 * "repriced" (the same call, sped up), "cancelled" (nothing sent to oneself, the wallet's
 * cancel) or "replaced" (anything else).
 */
export type ReplacementReason = "repriced" | "cancelled" | "replaced";

export function replacementReason(
  stored: Pick<PendingTx, "from" | "to" | "data">,
  replacement: { to: string | null; data: string; value?: bigint },
): ReplacementReason {
  const same = (a: string | null, b: string | null) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
  if (same(replacement.to, stored.to) && same(replacement.data, stored.data)) return "repriced";
  if (
    (replacement.data === "0x" || replacement.data === "") &&
    same(replacement.to, stored.from) &&
    (replacement.value ?? 0n) === 0n
  )
    return "cancelled";
  return "replaced";
}

/** What a receipt says, as much as the page shows. */
export interface ReceiptFacts {
  hash: string;
  blockNumber: number;
  /** 1 success, 0 reverted. */
  status: number | null;
}

export type PendingOutcome =
  | { kind: "mined"; receipt: ReceiptFacts }
  | { kind: "replaced"; reason: ReplacementReason; replacementHash: string; receipt?: ReceiptFacts }
  | { kind: "waiting" };

/** What the check reads of a transaction in a block (an ethers TransactionResponse has it). */
export interface BlockTransaction {
  hash: string;
  from: string;
  nonce: number;
  to: string | null;
  data: string;
  value: bigint;
}

/** The provider calls the check needs (an ethers Provider has them all). */
export interface PendingReader {
  getTransactionReceipt(hash: string): Promise<ReceiptFacts | null>;
  getTransactionCount(address: string, blockTag: "latest"): Promise<number>;
  getBlockNumber(): Promise<number>;
  getBlock(
    block: number,
    prefetchTxs: true,
  ): Promise<{ prefetchedTransactions: readonly BlockTransaction[] } | null>;
}

/** How many blocks a replacement scan reads at most (a wallet's replacement lands within a few). */
const MAX_SCAN_BLOCKS = 256;

/**
 * Looks once at what became of `stored`: mined (receipt), replaced (the account's nonce moved
 * past it, and the replacing transaction when the scan finds it) or still waiting.
 */
export async function checkPending(reader: PendingReader, stored: PendingTx): Promise<PendingOutcome> {
  const receipt = await reader.getTransactionReceipt(stored.hash);
  if (receipt !== null) return { kind: "mined", receipt: pickReceipt(receipt) };
  const nonce = await reader.getTransactionCount(stored.from, "latest");
  if (nonce <= stored.nonce) return { kind: "waiting" };
  // Mined between the two calls?
  const late = await reader.getTransactionReceipt(stored.hash);
  if (late !== null) return { kind: "mined", receipt: pickReceipt(late) };
  const latest = await reader.getBlockNumber();
  const first = Math.max(stored.startBlock, latest - MAX_SCAN_BLOCKS + 1);
  for (let n = first; n <= latest; n++) {
    const block = await reader.getBlock(n, true);
    const tx = block?.prefetchedTransactions.find(
      (t) => t.nonce === stored.nonce && t.from.toLowerCase() === stored.from.toLowerCase(),
    );
    if (tx !== undefined) {
      const replacementReceipt = await reader.getTransactionReceipt(tx.hash);
      return {
        kind: "replaced",
        reason: replacementReason(stored, tx),
        replacementHash: tx.hash,
        ...(replacementReceipt === null ? {} : { receipt: pickReceipt(replacementReceipt) }),
      };
    }
  }
  // The nonce was used by a transaction the scan did not reach: replaced, by what is unknown.
  return { kind: "replaced", reason: "replaced", replacementHash: "" };
}

function pickReceipt(receipt: ReceiptFacts): ReceiptFacts {
  return { hash: receipt.hash, blockNumber: receipt.blockNumber, status: receipt.status };
}

/**
 * Checks `stored` every `intervalMs` until it is decided, then calls `onOutcome` once. Read
 * errors are retried at the same pace (`onError` hears of each). Returns a function that stops.
 */
export function watchPending(
  reader: PendingReader,
  stored: PendingTx,
  onOutcome: (outcome: Exclude<PendingOutcome, { kind: "waiting" }>) => void,
  onError: (error: unknown) => void,
  intervalMs = 2_000,
): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const round = async () => {
    timer = undefined;
    try {
      const outcome = await checkPending(reader, stored);
      if (stopped) return;
      if (outcome.kind !== "waiting") {
        stopped = true;
        onOutcome(outcome);
        return;
      }
    } catch (error) {
      if (stopped) return;
      onError(error);
    }
    timer = setTimeout(() => void round(), intervalMs);
  };
  void round();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
