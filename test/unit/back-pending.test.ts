/**
 * The pending transaction the back page keeps across a reload (site/lib/back/pending.ts): what
 * is stored, and how what became of it is decided from the chain (a receipt, or the account's
 * nonce moving past it and the replacing transaction found in the blocks since it was sent).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import {
  checkPending,
  parsePending,
  replacementReason,
  serialisePending,
  type BlockTransaction,
  type PendingReader,
  type PendingTx,
  type ReceiptFacts,
} from "../../site/lib/back/pending.ts";

const ESCROW = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const FROM = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

const stored: PendingTx = {
  hash: hash(1),
  from: FROM,
  nonce: 7,
  to: ESCROW,
  data: "0x8ff3d0a60000000000000000000000000000000000000000000000000000000000989680",
  kind: "pledge",
  startBlock: 10,
};

interface ChainTx extends BlockTransaction {
  block: number;
  status?: number;
}

/** A chain as plain data: mined transactions and the account's nonce. */
function chain(mined: ChainTx[], latest: number, nonce: number): PendingReader {
  return {
    getTransactionReceipt: (h) => {
      const tx = mined.find((t) => t.hash === h);
      return Promise.resolve(
        tx === undefined
          ? null
          : ({ hash: tx.hash, blockNumber: tx.block, status: tx.status ?? 1 } satisfies ReceiptFacts),
      );
    },
    getTransactionCount: () => Promise.resolve(nonce),
    getBlockNumber: () => Promise.resolve(latest),
    getBlock: (n) =>
      Promise.resolve(n > latest ? null : { prefetchedTransactions: mined.filter((t) => t.block === n) }),
  };
}

describe("stored record", () => {
  it("round-trips through its serialisation", () => {
    assert.deepEqual(parsePending(serialisePending(stored)), stored);
  });

  it("keeps only the fields it needs", () => {
    const text = serialisePending({ ...stored, extra: "x" } as PendingTx);
    assert.deepEqual(Object.keys(JSON.parse(text) as object).sort(), [
      "data",
      "from",
      "hash",
      "kind",
      "nonce",
      "startBlock",
      "to",
    ]);
  });

  it("is absent when nothing was stored or the text is not a record this page wrote", () => {
    assert.equal(parsePending(null), undefined);
    assert.equal(parsePending("not json"), undefined);
    assert.equal(parsePending(JSON.stringify({ ...stored, hash: "0x12" })), undefined);
    assert.equal(parsePending(JSON.stringify({ ...stored, kind: "steal" })), undefined);
    assert.equal(parsePending(JSON.stringify({ ...stored, nonce: -1 })), undefined);
  });
});

describe("replacementReason", () => {
  it("calls the same call with the same nonce a speed-up (repriced)", () => {
    assert.equal(
      replacementReason(stored, { to: ESCROW.toLowerCase(), data: stored.data, value: 0n }),
      "repriced",
    );
  });

  it("calls an empty transaction to oneself a cancel", () => {
    assert.equal(replacementReason(stored, { to: FROM, data: "0x", value: 0n }), "cancelled");
  });

  it("calls anything else a replacement", () => {
    assert.equal(replacementReason(stored, { to: ESCROW, data: "0xea8a1af0", value: 0n }), "replaced");
    assert.equal(replacementReason(stored, { to: FROM, data: "0x", value: 1n }), "replaced");
  });
});

describe("checkPending", () => {
  it("reports the receipt once the stored transaction is mined", async () => {
    const reader = chain([{ ...stored, value: 0n, block: 12 }], 12, 8);
    assert.deepEqual(await checkPending(reader, stored), {
      kind: "mined",
      receipt: { hash: stored.hash, blockNumber: 12, status: 1 },
    });
  });

  it("reports a reverted receipt as mined with status 0", async () => {
    const reader = chain([{ ...stored, value: 0n, block: 12, status: 0 }], 12, 8);
    assert.deepEqual(await checkPending(reader, stored), {
      kind: "mined",
      receipt: { hash: stored.hash, blockNumber: 12, status: 0 },
    });
  });

  it("keeps waiting while the account's nonce has not moved past it", async () => {
    assert.deepEqual(await checkPending(chain([], 15, 7), stored), { kind: "waiting" });
  });

  it("finds a sped-up replacement in the blocks since it was sent", async () => {
    const other = {
      hash: hash(9),
      from: "0x0000000000000000000000000000000000000001",
      nonce: 7,
      to: ESCROW,
      data: stored.data,
      value: 0n,
      block: 11,
    };
    const faster = {
      hash: hash(2),
      from: FROM.toLowerCase(),
      nonce: 7,
      to: ESCROW,
      data: stored.data,
      value: 0n,
      block: 13,
    };
    const outcome = await checkPending(chain([other, faster], 14, 8), stored);
    assert.deepEqual(outcome, {
      kind: "replaced",
      reason: "repriced",
      replacementHash: hash(2),
      receipt: { hash: hash(2), blockNumber: 13, status: 1 },
    });
  });

  it("finds a cancel sent from the wallet", async () => {
    const cancel = { hash: hash(3), from: FROM, nonce: 7, to: FROM, data: "0x", value: 0n, block: 10 };
    const outcome = await checkPending(chain([cancel], 11, 8), stored);
    assert.equal(outcome.kind === "replaced" && outcome.reason, "cancelled");
  });

  it("says replaced, by an unknown transaction, when the nonce moved but no block holds it", async () => {
    assert.deepEqual(await checkPending(chain([], 11, 8), stored), {
      kind: "replaced",
      reason: "replaced",
      replacementHash: "",
    });
  });
});
