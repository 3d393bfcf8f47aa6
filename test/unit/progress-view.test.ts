/**
 * What the Progress component's live part says (site/lib/progress-view.ts): the figures for a
 * reading, and one plain sentence per kind of failed read.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  NoContractError,
  RpcError,
  RpcUnreachableError,
  WrongChainError,
  type CampaignReading,
} from "../../site/lib/chain-read.ts";
import { errorText, parseProgressConfig, readingView, timeLeftText, type ProgressConfig } from "../../site/lib/progress-view.ts";

const config: ProgressConfig = {
  rpcUrls: ["http://127.0.0.1:8545", "https://rpc.example.org"],
  chainId: 31337,
  escrow: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  goalBackers: 250_000,
  deadline: 1_809_100_800,
  token: { symbol: "tUSD", decimals: 6 },
};

function reading(backers: bigint, state = 0n): CampaignReading {
  return {
    state,
    backers,
    totalPledged: backers * 9_950_000n,
    blockTimestamp: 1_800_000_000n,
    blockNumber: 42n,
    rpcUrl: config.rpcUrls[0]!,
  };
}

describe("readingView", () => {
  it("shows backers against the goal, the share, the total in tokens and the state", () => {
    assert.deepEqual(readingView(config, reading(1_234n)), {
      state: "funding: pledges are open",
      backers: "1,234 of 250,000 (0.49%)",
      progressValue: 1_234,
      totalPledged: "12,278.3 tUSD",
    });
  });

  it("caps the progress bar at the goal when the goal is exceeded", () => {
    const view = readingView(config, reading(300_000n, 1n));
    assert.equal(view.progressValue, 250_000);
    assert.equal(view.backers, "300,000 of 250,000 (120%)");
  });
});

describe("timeLeftText", () => {
  it("counts down to the manifest's deadline from the given time", () => {
    assert.equal(timeLeftText(config, config.deadline - 2 * 86_400 - 3_600), "2 days 1 hour");
    assert.equal(timeLeftText(config, config.deadline), "the deadline has passed");
  });
});

describe("errorText", () => {
  it("names every RPC URL and its failure, and says it will retry, when none answered", () => {
    const error = new RpcUnreachableError([
      { url: "http://127.0.0.1:8545", reason: "connection refused" },
      { url: "https://rpc.example.org", reason: "no answer within 8000 ms" },
    ]);
    assert.equal(
      errorText(config, error, 15),
      "Could not reach the chain: http://127.0.0.1:8545 (connection refused), https://rpc.example.org (no answer within 8000 ms). Retrying in 15 s.",
    );
  });

  it("says 'wrong chain: expected 31337, the RPC reports 1' for an endpoint on another chain", () => {
    const text = errorText(config, new WrongChainError(31337, 1, "https://rpc.example.org"), 15);
    assert.ok(text.includes("wrong chain: expected 31337, the RPC reports 1"), text);
    assert.ok(text.includes("https://rpc.example.org"));
  });

  it("says there is no contract at the escrow address, naming it and the chain", () => {
    const text = errorText(config, new NoContractError(config.escrow, 31337, "http://127.0.0.1:8545"), 15);
    assert.equal(
      text,
      "There is no contract at the escrow address 0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512 on chain 31337 (asked http://127.0.0.1:8545). Retrying in 15 s.",
    );
  });

  it("quotes a JSON-RPC error's code and message", () => {
    const text = errorText(config, new RpcError("http://127.0.0.1:8545", "eth_call", -32000, "execution reverted"), 15);
    assert.equal(text, "The RPC http://127.0.0.1:8545 answered eth_call with an error (-32000: execution reverted). Retrying in 15 s.");
  });

  it("falls back to naming the RPC URLs and the error for anything else", () => {
    assert.equal(
      errorText(config, new Error("boom"), 15),
      "Could not read the campaign from http://127.0.0.1:8545, https://rpc.example.org: boom. Retrying in 15 s.",
    );
  });
});

describe("parseProgressConfig", () => {
  it("reads back the JSON the component writes", () => {
    assert.deepEqual(parseProgressConfig(JSON.stringify(config)), config);
  });

  it("rejects a missing or incomplete config", () => {
    assert.throws(() => parseProgressConfig(undefined), TypeError);
    assert.throws(() => parseProgressConfig(JSON.stringify({ ...config, token: {} })), TypeError);
  });
});
