/**
 * What the Progress component's live part says (site/lib/progress-view.ts): the figures for a
 * reading, and one plain sentence per kind of failed read.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { CampaignState } from "../../site/lib/campaign-state.ts";
import {
  NoContractError,
  RpcError,
  RpcUnreachableError,
  WrongChainError,
  type CampaignReading,
} from "../../site/lib/chain-read.ts";
import {
  errorText,
  outcomeHeadline,
  parseProgressConfig,
  readingView,
  timeLeftView,
  type ProgressConfig,
} from "../../site/lib/progress-view.ts";

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
    rpcUrl: config.rpcUrls[0],
  };
}

describe("readingView", () => {
  it("shows the backer count, the share of the goal and the total in tokens, with no headline while funding", () => {
    assert.deepEqual(readingView(config, reading(1_234n)), {
      outcome: "",
      backers: "1,234",
      percent: "0.49%",
      progressValue: 1_234,
      totalPledged: "12,278.3 tUSD",
    });
  });

  it("caps the progress bar at the goal when the goal is exceeded", () => {
    const view = readingView(config, reading(300_000n, 1n));
    assert.equal(view.progressValue, 250_000);
    assert.equal(view.backers, "300,000");
    assert.equal(view.percent, "120%");
  });
});

describe("outcomeHeadline", () => {
  const before = config.deadline - 60;
  const after = config.deadline + 1;

  it("says nothing while the campaign is open", () => {
    assert.equal(outcomeHeadline(config, BigInt(CampaignState.Funding), 1n, before), "");
  });

  it("says 'Funded' when the state is Succeeded", () => {
    assert.equal(outcomeHeadline(config, BigInt(CampaignState.Succeeded), 250_000n, after), "Funded");
  });

  it("says 'Not funded — refunds open' when the state is Failed", () => {
    assert.equal(
      outcomeHeadline(config, BigInt(CampaignState.Failed), 3n, after),
      "Not funded — refunds open",
    );
  });

  it("says 'Released' when the state is Released", () => {
    assert.equal(outcomeHeadline(config, BigInt(CampaignState.Released), 250_000n, after), "Released");
  });

  it("gives the verdict the contract will give once the deadline has passed by the chain's clock, before a new block says so", () => {
    assert.equal(
      outcomeHeadline(config, BigInt(CampaignState.Funding), 3n, after),
      "Not funded — refunds open",
    );
    assert.equal(outcomeHeadline(config, BigInt(CampaignState.Funding), 250_000n, after), "Funded");
  });

  it("makes no headline of a state the contract never returns", () => {
    assert.equal(outcomeHeadline(config, 9n, 3n, after), "");
  });
});

describe("timeLeftView", () => {
  it("counts down while open, then says when it ended", () => {
    assert.deepEqual(timeLeftView(config, config.deadline - 3_600), { value: "1 hour", label: "left" });
    assert.deepEqual(
      timeLeftView(config, config.deadline),
      { value: "Ended", label: "" },
      "the deadline is on the goal's line already",
    );
  });
});

describe("errorText", () => {
  it("names every RPC endpoint by host with its failure, and says it will retry, when none answered", () => {
    const error = new RpcUnreachableError([
      { host: "127.0.0.1:8545", reason: "connection refused" },
      { host: "rpc.example.org", reason: "no answer within 8000 ms" },
    ]);
    assert.equal(
      errorText(error, 15),
      "Could not reach the chain: 127.0.0.1:8545 (connection refused), rpc.example.org (no answer within 8000 ms). Retrying in 15 s.",
    );
  });

  it("says 'wrong chain: 1, not 31337' for an endpoint on another chain", () => {
    const text = errorText(new WrongChainError(31337, 1, "rpc.example.org"), 15);
    assert.ok(text.includes("wrong chain: 1, not 31337"), text);
    assert.ok(text.includes("rpc.example.org"));
  });

  it("says there is no contract at the escrow address, naming it and the chain", () => {
    const text = errorText(new NoContractError(config.escrow, 31337, "127.0.0.1:8545"), 15);
    assert.equal(
      text,
      "No contract at the escrow 0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512 on chain 31337 (asked 127.0.0.1:8545). Retrying in 15 s.",
    );
  });

  it("names a JSON-RPC error by the endpoint's host, the method and the error code", () => {
    const text = errorText(new RpcError("127.0.0.1:8545", "eth_call", -32000), 15);
    assert.equal(text, "The RPC 127.0.0.1:8545 refused eth_call (JSON-RPC code -32000). Retrying in 15 s.");
  });

  it("says a JSON-RPC error came without a valid code rather than making one up", () => {
    const text = errorText(new RpcError("127.0.0.1:8545", "eth_call", undefined), 15);
    assert.equal(text, "The RPC 127.0.0.1:8545 refused eth_call (JSON-RPC code missing). Retrying in 15 s.");
  });

  it("falls back to the error for anything else (not from an endpoint: the page's own code)", () => {
    assert.equal(
      errorText(new Error("boom"), 15),
      "Could not read the campaign (Error: boom). Retrying in 15 s.",
    );
  });
});

describe("parseProgressConfig", () => {
  it("reads back the JSON the component writes", () => {
    assert.deepEqual(parseProgressConfig(JSON.stringify(config)), config);
  });

  it("throws for a missing config", () => {
    assert.throws(() => parseProgressConfig(undefined), SyntaxError);
  });
});
