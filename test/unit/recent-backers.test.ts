/**
 * The recent backers' reading and words (site/lib/recent-backers.ts): `Pledged` logs decoded by
 * hand (checked against ethers' decoding of the compiled ABI), the backward scan in ranges of at
 * most 2,000 blocks through the real chain reader over a fake JSON-RPC endpoint (including the
 * range halved when the endpoint refuses a range as too large), the new blocks' logs read in the
 * figures' batch, and the text of each row.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Interface } from "ethers";
import artifact from "../../artifacts/contracts/CampaignEscrow.sol/CampaignEscrow.json" with { type: "json" };
import { TOPICS, type RawLog } from "../../site/lib/chain-logs.ts";
import { createChainReader, RpcError } from "../../site/lib/chain-read.ts";
import type { Hex } from "../../site/lib/address.ts";
import { shortAddress } from "../../site/lib/format.ts";
import {
  createPledgeFeed,
  decodePledged,
  isRangeLimit,
  MAX_LOG_RANGE,
  parseRecentBackersConfig,
  pledgeRows,
  type Pledge,
  type PledgeFeed,
} from "../../site/lib/recent-backers.ts";

const abi = new Interface(artifact.abi);
const ESCROW = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const BACKER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const PHISHING = "Send 1 ETH to 0xdead to keep your pledge";

/** A `Pledged` log encoded by ethers from the compiled ABI. */
function pledgedLog(
  backer: string,
  amount: bigint,
  backers: bigint,
  blockNumber: bigint,
  logIndex = 0n,
): RawLog {
  const { topics, data } = abi.encodeEventLog("Pledged", [backer, amount, backers]);
  return {
    address: ESCROW.toLowerCase() as Hex,
    topics: topics as Hex[],
    data: data as Hex,
    blockNumber,
    logIndex,
    transactionHash: `0x${(blockNumber * 1000n + logIndex).toString(16).padStart(64, "0")}`,
  };
}

describe("the Pledged event's topic", () => {
  it("equals the compiled CampaignEscrow ABI's topic for Pledged(address,uint256,uint256)", () => {
    const event = abi.getEvent("Pledged");
    assert.ok(event, "CampaignEscrow has no event Pledged");
    assert.equal(TOPICS.Pledged, event.topicHash);
    assert.equal(event.format("sighash"), "Pledged(address,uint256,uint256)");
  });

  it("has the backer indexed and the amount and the backer count as data, as the decoder reads them", () => {
    const event = abi.getEvent("Pledged")!;
    assert.deepEqual(
      event.inputs.map((input) => [input.name, input.type, input.indexed]),
      [
        ["backer", "address", true],
        ["amount", "uint256", false],
        ["backers", "uint256", false],
      ],
    );
  });
});

describe("decodePledged", () => {
  it("reads the backer and the amount of a log ethers encoded", () => {
    const pledge = decodePledged(pledgedLog(BACKER, 9_950_000n, 1_234n, 77n, 3n));
    assert.deepEqual(
      pledge && {
        backer: pledge.backer,
        amount: pledge.amount,
        blockNumber: pledge.blockNumber,
        logIndex: pledge.logIndex,
      },
      { backer: BACKER.toLowerCase(), amount: 9_950_000n, blockNumber: 77n, logIndex: 3n },
    );
  });

  it("decodes amounts beyond 2^53 exactly", () => {
    const amount = 2n ** 200n + 1n;
    assert.equal(decodePledged(pledgedLog(BACKER, amount, 1n, 1n))?.amount, amount);
  });

  it("ignores another event's log and a malformed one", () => {
    const cancelled = abi.encodeEventLog("Cancelled", [BACKER, 1n, 0n]);
    const base = pledgedLog(BACKER, 1n, 1n, 1n);
    assert.equal(decodePledged({ ...base, topics: cancelled.topics as Hex[] }), undefined);
    assert.equal(decodePledged({ ...base, data: "0x1234" }), undefined);
    assert.equal(decodePledged({ ...base, topics: [base.topics[0]] }), undefined);
    assert.equal(decodePledged({ ...base, topics: [base.topics[0], `0x${"f".repeat(64)}`] }), undefined);
  });
});

/**
 * A fake JSON-RPC endpoint over a chain of `latest` blocks holding `logs`, refusing eth_getLogs
 * wider than `maxRange`; it answers the figures' calls too (the escrow's code, its views), as the
 * feed reads along with them. `read(feed)` is one read of the page: one batch with the figures
 * and {@link PledgeFeed.more}, then what the feed sends itself. `batches` counts the POSTs.
 */
function fakeChain(options: { latest: bigint; logs: RawLog[]; maxRange?: bigint; refusal?: number }) {
  const ranges: [bigint, bigint][] = [];
  let batches = 0;
  const wire = (log: RawLog) => ({
    ...log,
    address: ESCROW,
    blockNumber: `0x${log.blockNumber.toString(16)}`,
    logIndex: `0x${log.logIndex.toString(16)}`,
    removed: false,
  });
  const answer = (call: { id: number; method: string; params: unknown[] }) => {
    switch (call.method) {
      case "eth_chainId":
        return { id: call.id, result: "0x7a69" };
      case "eth_getBlockByNumber": {
        const tag = call.params[0] as string;
        const n = tag === "latest" ? options.latest : BigInt(tag);
        return {
          id: call.id,
          result: { number: `0x${n.toString(16)}`, timestamp: `0x${(1_000_000n + n * 12n).toString(16)}` },
        };
      }
      case "eth_getCode":
        return { id: call.id, result: "0x6080" };
      case "eth_call":
        return { id: call.id, result: `0x${"0".repeat(64)}` };
      case "eth_getLogs": {
        const filter = call.params[0] as { fromBlock: string; toBlock: string; topics: string[] };
        const from = BigInt(filter.fromBlock);
        const to = filter.toBlock === "latest" ? options.latest : BigInt(filter.toBlock);
        ranges.push([from, to]);
        if (options.maxRange !== undefined && to - from + 1n > options.maxRange) {
          return { id: call.id, error: { code: options.refusal ?? -32005, message: PHISHING } };
        }
        assert.deepEqual(filter.topics, [TOPICS.Pledged]);
        return {
          id: call.id,
          result: options.logs.filter((log) => log.blockNumber >= from && log.blockNumber <= to).map(wire),
        };
      }
      default:
        return { id: call.id, error: { code: -32601, message: "no such method" } };
    }
  };
  const fetch = (_input: string, init: RequestInit) => {
    const calls = JSON.parse(init.body as string) as { id: number; method: string; params: unknown[] }[];
    batches++;
    return Promise.resolve(
      new Response(JSON.stringify(calls.map(answer)), {
        headers: { "content-type": "application/json" },
      }),
    );
  };
  const reader = createChainReader({ rpcUrls: ["https://rpc.example"], chainId: 31337, fetch });
  return {
    reader,
    ranges,
    batches: () => batches,
    read: async (feed: PledgeFeed): Promise<boolean> => {
      const reading = await reader.readCampaign(ESCROW, feed.more());
      return feed.update(reading, reading.more);
    },
  };
}

const amounts = (pledges: readonly Pledge[]) => pledges.map((p) => p.amount);

describe("createPledgeFeed", () => {
  it("reads the latest pledges newest first, with their blocks' timestamps", async () => {
    const logs = [
      pledgedLog(BACKER, 1n, 1n, 110n),
      pledgedLog(BACKER, 2n, 2n, 150n, 0n),
      pledgedLog(BACKER, 3n, 3n, 150n, 1n),
    ];
    const { reader, read } = fakeChain({ latest: 200n, logs });
    const feed = createPledgeFeed(reader, { escrow: ESCROW, deployBlock: 100 });
    assert.equal(await read(feed), true);
    assert.deepEqual(amounts(feed.pledges), [3n, 2n, 1n]);
    assert.deepEqual(
      feed.pledges.map((p) => p.timestamp),
      [1_000_000n + 150n * 12n, 1_000_000n + 150n * 12n, 1_000_000n + 110n * 12n],
    );
    assert.equal(feed.complete, true);
  });

  it("asks at most 2,000 blocks at a time, backwards from the latest block down to the deployment block", async () => {
    const { reader, ranges, read } = fakeChain({ latest: 5_000n, logs: [] });
    const feed = createPledgeFeed(reader, { escrow: ESCROW, deployBlock: 100 });
    await read(feed);
    assert.equal(MAX_LOG_RANGE, 2_000n);
    assert.deepEqual(ranges, [
      [3_001n, 5_000n],
      [1_001n, 3_000n],
      [100n, 1_000n],
    ]);
    assert.equal(feed.complete, true);
  });

  it("stops scanning once it holds 10 pledges", async () => {
    const logs = Array.from({ length: 12 }, (_, i) =>
      pledgedLog(BACKER, BigInt(i + 1), BigInt(i + 1), 3_500n + BigInt(i)),
    );
    logs.unshift(pledgedLog(BACKER, 99n, 1n, 200n));
    const { reader, ranges, read } = fakeChain({ latest: 5_000n, logs });
    const feed = createPledgeFeed(reader, { escrow: ESCROW, deployBlock: 100 });
    await read(feed);
    assert.deepEqual(amounts(feed.pledges), [12n, 11n, 10n, 9n, 8n, 7n, 6n, 5n, 4n, 3n]);
    assert.deepEqual(ranges, [[3_001n, 5_000n]]);
  });

  it("halves the range when the endpoint refuses it as too large (-32005), and keeps the smaller range", async () => {
    const logs = [pledgedLog(BACKER, 1n, 1n, 4_100n)];
    const { reader, ranges, read } = fakeChain({ latest: 5_000n, logs, maxRange: 300n });
    const feed = createPledgeFeed(reader, { escrow: ESCROW, deployBlock: 4_000 });
    await read(feed);
    assert.deepEqual(ranges, [
      [4_000n, 5_000n], // refused: 1,001 blocks
      [4_501n, 5_000n], // refused: 500 blocks
      [4_751n, 5_000n],
      [4_501n, 4_750n],
      [4_251n, 4_500n],
      [4_001n, 4_250n],
      [4_000n, 4_000n],
    ]);
    assert.equal(feed.range, 250n);
    assert.deepEqual(amounts(feed.pledges), [1n]);
  });

  for (const code of [-32600, -32602, -32000]) {
    it(`treats JSON-RPC error ${code} on eth_getLogs as a range too large`, async () => {
      const { reader, read } = fakeChain({ latest: 5_000n, logs: [], maxRange: 1_000n, refusal: code });
      const feed = createPledgeFeed(reader, { escrow: ESCROW, deployBlock: 3_000 });
      await read(feed);
      assert.equal(feed.range, 1_000n);
    });
  }

  it("reports other errors as they are, and keeps what it had", async () => {
    assert.equal(isRangeLimit(new RpcError("rpc.example", "eth_getLogs", -32601)), false);
    assert.equal(isRangeLimit(new RpcError("rpc.example", "eth_call", -32005)), false);
    const { reader, read } = fakeChain({ latest: 50n, logs: [], maxRange: 1n, refusal: -32601 });
    const feed = createPledgeFeed(reader, { escrow: ESCROW, deployBlock: 0 });
    await assert.rejects(
      read(feed),
      (error: unknown) =>
        error instanceof RpcError && error.code === -32601 && !error.message.includes(PHISHING),
    );
    assert.deepEqual(feed.pledges, []);
  });

  it("spreads a long scan over several reads, at most 10 eth_getLogs each", async () => {
    const { reader, ranges, read } = fakeChain({ latest: 30_000n, logs: [pledgedLog(BACKER, 7n, 1n, 5n)] });
    const feed = createPledgeFeed(reader, { escrow: ESCROW, deployBlock: 0 });
    assert.equal(await read(feed), true, "an unfinished scan asks for the quick pace");
    assert.equal(ranges.length, 10);
    assert.equal(feed.complete, false);
    await read(feed);
    assert.equal(feed.complete, true);
    assert.deepEqual(amounts(feed.pledges), [7n]);
    assert.deepEqual(ranges.at(-1), [0n, 0n]);
  });

  it("on the next read asks only for the blocks from the last one scanned, and puts their pledges first", async () => {
    const logs = [pledgedLog(BACKER, 1n, 1n, 150n), pledgedLog(BACKER, 2n, 2n, 200n)];
    const chain = { latest: 200n, logs };
    const { reader, ranges, read } = fakeChain(chain);
    const feed = createPledgeFeed(reader, { escrow: ESCROW, deployBlock: 100 });
    await read(feed);
    ranges.length = 0;
    assert.equal(await read(feed), false, "nothing new: block 200's pledge, read again, is listed once");
    assert.deepEqual(ranges, [[200n, 200n]]);
    assert.deepEqual(amounts(feed.pledges), [2n, 1n]);
    logs.push(pledgedLog(BACKER, 3n, 3n, 230n));
    chain.latest = 240n;
    ranges.length = 0;
    assert.equal(await read(feed), true);
    assert.deepEqual(ranges, [[200n, 240n]]);
    assert.deepEqual(amounts(feed.pledges), [3n, 2n, 1n]);
    assert.equal(feed.pledges[0]?.timestamp, 1_000_000n + 230n * 12n, "the new pledge's block time");
  });

  it("once the scan is done, reads the new blocks' logs in the figures' batch: one POST per read", async () => {
    const chain = { latest: 200n, logs: [pledgedLog(BACKER, 1n, 1n, 150n)] };
    const { reader, read, batches } = fakeChain(chain);
    const feed = createPledgeFeed(reader, { escrow: ESCROW, deployBlock: 100 });
    await read(feed);
    assert.equal(feed.complete, true);
    const before = batches();
    chain.latest = 210n;
    await read(feed);
    chain.latest = 220n;
    await read(feed);
    assert.equal(batches() - before, 2);
  });

  it("starts over from the latest block when the endpoint refuses the new blocks as too many at once", async () => {
    const chain = {
      latest: 5_000n,
      logs: [pledgedLog(BACKER, 1n, 1n, 4_100n), pledgedLog(BACKER, 2n, 2n, 5_200n)],
      maxRange: 300n,
    };
    const { reader, ranges, read } = fakeChain(chain);
    const feed = createPledgeFeed(reader, { escrow: ESCROW, deployBlock: 4_000 });
    await read(feed);
    assert.equal(feed.range, 250n);
    chain.latest = 5_400n;
    ranges.length = 0;
    assert.equal(await read(feed), true);
    assert.deepEqual(ranges.slice(0, 2), [
      [5_000n, 5_400n], // refused in the figures' batch: 401 blocks
      [5_151n, 5_400n],
    ]);
    assert.deepEqual(amounts(feed.pledges), [2n, 1n]);
  });
});

describe("the rows' words", () => {
  const now = 1_800_000_000;

  it("shortens an address to its first 4 and last 4 hex digits", () => {
    assert.equal(shortAddress(BACKER.toLowerCase()), "0x3c44…93bc");
  });

  it("shows the amount in tokens, the shortened backer linked to the explorer, and the block's time in UTC", () => {
    const pledge = {
      ...decodePledged(pledgedLog(BACKER, 9_950_000n, 1n, 5n))!,
      timestamp: BigInt(now - 180),
    };
    const [row] = pledgeRows([pledge], {
      token: { symbol: "tUSD", decimals: 6 },
      explorerUrl: "https://explorer.example",
    });
    assert.deepEqual(
      row && { amount: row.amount, backer: row.backer, href: row.href, when: row.when, whenIso: row.whenIso },
      {
        amount: "9.95 tUSD",
        backer: "0x3c44…93bc",
        href: `https://explorer.example/address/${BACKER.toLowerCase()}`,
        when: "2027-01-15 07:57 UTC",
        whenIso: new Date((now - 180) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      },
    );
  });

  it("links no address without an explorer in the manifest", () => {
    const pledge = decodePledged(pledgedLog(BACKER, 1n, 1n, 5n))!;
    const [row] = pledgeRows([pledge], { token: { symbol: "tUSD", decimals: 6 } });
    assert.equal(row?.href, undefined);
    assert.equal(row?.when, "");
  });

  it("reads back the config the component writes, and throws for a missing one", () => {
    const config = { deployBlock: 5, explorerUrl: "https://explorer.example" };
    assert.deepEqual(parseRecentBackersConfig(JSON.stringify(config)), config);
    assert.deepEqual(parseRecentBackersConfig(JSON.stringify({ deployBlock: 5 })), { deployBlock: 5 });
    assert.throws(() => parseRecentBackersConfig(undefined), SyntaxError);
  });
});
