/**
 * What the back page checks before a signature (site/lib/back/checks.ts): the typed amount, and
 * each sentence that blocks a pledge, cancel, refund or release.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import {
  cancelProblems,
  cancelRule,
  formatAboutNative,
  GAS_ESTIMATES,
  parseAmount,
  pledgeProblems,
  refundProblems,
  releaseProblems,
  type CancelFacts,
  type PledgeFacts,
} from "../../site/lib/back/checks.ts";
import { CampaignState } from "../../site/lib/back/escrow-abi.ts";
import { formatDeadline, shortAddress } from "../../site/lib/format.ts";

const tUSD = { symbol: "tUSD", decimals: 6 };
const ETHER = 10n ** 18n;
/** 100,000 gas at 1 gwei. */
const FEE = 100_000n * 10n ** 9n;
const DAY = 86_400n;
const DEADLINE = 1_767_225_600n; // 2026-01-01 00:00 UTC

function problemOf(text: string, token = tUSD): string {
  const parsed = parseAmount(text, token);
  assert.equal(parsed.ok, false, `"${text}" was accepted`);
  return parsed.ok ? "" : parsed.problem;
}

function valueOf(text: string, token = tUSD): bigint {
  const parsed = parseAmount(text, token);
  assert.ok(parsed.ok, `"${text}" was refused: ${parsed.ok ? "" : parsed.problem}`);
  return parsed.value;
}

describe("parseAmount", () => {
  it('reads "9.95" as 9,950,000 units of a 6-decimals token, exactly', () => {
    assert.equal(valueOf("9.95"), 9_950_000n);
  });

  it("reads whole numbers, a leading dot, a trailing dot and leading zeros", () => {
    assert.equal(valueOf("10"), 10_000_000n);
    assert.equal(valueOf(".5"), 500_000n);
    assert.equal(valueOf("10."), 10_000_000n);
    assert.equal(valueOf("007.1"), 7_100_000n);
  });

  it("ignores leading and trailing spaces", () => {
    assert.equal(valueOf("  9.95\t\n"), 9_950_000n);
  });

  it("reads the smallest unit and a fraction no float can hold exactly", () => {
    assert.equal(valueOf("0.000001"), 1n);
    assert.equal(valueOf("0.3", { symbol: "WETH", decimals: 18 }), 300_000_000_000_000_000n);
    assert.equal(valueOf("12345678901234567890.123456"), 12_345_678_901_234_567_890_123_456n);
  });

  it("accepts trailing zeros beyond the token's decimals", () => {
    assert.equal(valueOf("9.950000000"), 9_950_000n);
  });

  it("refuses an empty field", () => {
    assert.equal(problemOf(""), "Enter an amount in tUSD.");
    assert.equal(problemOf("   "), "Enter an amount in tUSD.");
  });

  it('refuses "abc" and a lone dot', () => {
    assert.equal(problemOf("abc"), "Write the amount in digits, like 9.95.");
    assert.equal(problemOf("."), "Write the amount in digits, like 9.95.");
    assert.equal(problemOf("9.9.5"), "Write the amount in digits, like 9.95.");
  });

  it('refuses a negative amount ("-1")', () => {
    assert.equal(problemOf("-1"), "The amount can't be negative.");
  });

  it('refuses an exponent ("1e3")', () => {
    assert.equal(problemOf("1e3"), "Write the amount in plain digits, like 9.95 (no exponent such as 1e3).");
  });

  it('refuses a comma ("1,5"), which means 1.5 in some countries and 15 in others', () => {
    assert.equal(
      problemOf("1,5"),
      "Use a dot for the decimals and no thousands separators, like 9.95 or 1000.",
    );
  });

  it("refuses more fraction digits than the token has, saying how many each has", () => {
    assert.equal(problemOf("9.9500001"), "tUSD has 6 decimals: 9.9500001 has 7.");
    assert.equal(
      problemOf("1.5", { symbol: "WHOLE", decimals: 0 }),
      "WHOLE has no decimals: write a whole number.",
    );
  });

  it("refuses zero", () => {
    assert.equal(problemOf("0"), "The amount must be more than 0 tUSD.");
    assert.equal(problemOf("0.000000"), "The amount must be more than 0 tUSD.");
  });

  it("refuses an amount above what the escrow's uint128 totals hold", () => {
    assert.equal(
      problemOf("340282366920938463463374607431768.211456"),
      "That amount is far more than the escrow can hold.",
    );
    assert.equal(problemOf("9".repeat(500)), "That amount is far more than the escrow can hold.");
  });
});

/** A first pledge of the minimum by a backer who can afford it. */
const pledge: PledgeFacts = {
  amount: 9_950_000n,
  tokenBalance: 100_000_000n,
  gasBalance: ETHER,
  gasCost: FEE,
  currentPledge: 0n,
  minPledge: 9_950_000n,
  state: CampaignState.Funding,
  token: tUSD,
  nativeSymbol: "ETH",
};

describe("pledgeProblems", () => {
  it("has no problem with an affordable first pledge of the minimum", () => {
    assert.deepEqual(pledgeProblems(pledge), []);
  });

  it("refuses a first pledge below the minimum, with both amounts", () => {
    assert.deepEqual(pledgeProblems({ ...pledge, amount: 5_000_000n }), [
      "The first pledge must be at least 9.95 tUSD; 5 tUSD is less.",
    ]);
  });

  it("allows a top-up of any positive amount below the minimum", () => {
    assert.deepEqual(pledgeProblems({ ...pledge, currentPledge: 9_950_000n, amount: 1n }), []);
  });

  it("refuses a pledge of zero, even as a top-up", () => {
    assert.deepEqual(pledgeProblems({ ...pledge, currentPledge: 9_950_000n, amount: 0n }), [
      "The amount must be more than 0 tUSD.",
    ]);
  });

  it("refuses more than the token balance, with both amounts", () => {
    assert.deepEqual(pledgeProblems({ ...pledge, tokenBalance: 3_500_000n }), [
      "You have 3.5 tUSD; this pledge needs 9.95 tUSD.",
    ]);
  });

  it("says so when the wallet holds none of the token", () => {
    assert.deepEqual(pledgeProblems({ ...pledge, tokenBalance: 0n }), [
      "You have no tUSD in this wallet; this pledge needs 9.95 tUSD.",
    ]);
  });

  it("refuses when there is no gas money, with the fee", () => {
    assert.deepEqual(pledgeProblems({ ...pledge, gasBalance: 0n }), [
      "You have no ETH to pay the network fee (about 0.0001 ETH).",
    ]);
  });

  it("refuses when the gas money is short, with both amounts", () => {
    assert.deepEqual(pledgeProblems({ ...pledge, gasBalance: 50_000_000_000_000n }), [
      "You have 0.00005 ETH; the network fee needs about 0.0001 ETH.",
    ]);
  });

  it("lists every problem at once, in order", () => {
    assert.deepEqual(
      pledgeProblems({ ...pledge, amount: 5_000_000n, tokenBalance: 1_000_000n, gasBalance: 0n }),
      [
        "The first pledge must be at least 9.95 tUSD; 5 tUSD is less.",
        "You have 1 tUSD; this pledge needs 5 tUSD.",
        "You have no ETH to pay the network fee (about 0.0001 ETH).",
      ],
    );
  });

  it("refuses any pledge once the campaign is not in Funding, and says only that", () => {
    assert.deepEqual(pledgeProblems({ ...pledge, state: CampaignState.Failed, gasBalance: 0n }), [
      "Pledges are closed: the deadline has passed and the campaign missed its goal.",
    ]);
    assert.deepEqual(pledgeProblems({ ...pledge, state: CampaignState.Succeeded }), [
      "Pledges are closed: the deadline has passed and the campaign met its goal.",
    ]);
    assert.deepEqual(pledgeProblems({ ...pledge, state: CampaignState.Released }), [
      "Pledges are closed: the deadline has passed and the funds were released to the producer.",
    ]);
  });

  it("refuses a state the contract never returns", () => {
    assert.deepEqual(pledgeProblems({ ...pledge, state: 7 }), [
      "The campaign is in a state this page does not know (7); reload the page.",
    ]);
  });
});

/** A backer's cancel a week before the deadline, at exactly the goal. */
const cancel: CancelFacts = {
  state: CampaignState.Funding,
  currentPledge: 9_950_000n,
  backers: 3n,
  goalBackers: 3n,
  deadline: DEADLINE,
  now: DEADLINE - 7n * DAY,
  lockWindow: DAY,
  gasBalance: ETHER,
  gasCost: FEE,
  nativeSymbol: "ETH",
};

describe("cancelProblems", () => {
  it("has no problem before the last 24 hours, even at exactly the goal", () => {
    assert.deepEqual(cancelProblems(cancel), []);
  });

  it("refuses a cancel in the last 24 hours at exactly the goal, explained with the deadline as a date", () => {
    const problems = cancelProblems({ ...cancel, now: DEADLINE - DAY + 1n });
    assert.deepEqual(problems, [
      `The campaign has exactly its goal of 3 backers and ends on ${formatDeadline(DEADLINE).text}, less than 24 hours from now: a cancel now would make it fail, so cancels are locked until the deadline.`,
    ]);
    assert.match(problems[0], /2026-01-01 00:00 UTC/);
  });

  it("locks from exactly 24 hours before the deadline, as the contract does", () => {
    assert.equal(cancelProblems({ ...cancel, now: DEADLINE - DAY }).length, 1);
    assert.equal(cancelProblems({ ...cancel, now: DEADLINE - DAY - 1n }).length, 0);
  });

  it("allows a cancel in the last 24 hours when the campaign is above the goal", () => {
    assert.deepEqual(cancelProblems({ ...cancel, now: DEADLINE - 60n, backers: 4n }), []);
  });

  it("allows a cancel in the last 24 hours when the campaign is below the goal", () => {
    assert.deepEqual(cancelProblems({ ...cancel, now: DEADLINE - 60n, backers: 2n }), []);
  });

  it("refuses a cancel without a pledge", () => {
    assert.deepEqual(cancelProblems({ ...cancel, currentPledge: 0n }), ["You have no pledge to cancel."]);
  });

  it("refuses a cancel without gas money", () => {
    assert.deepEqual(cancelProblems({ ...cancel, gasBalance: 0n }), [
      "You have no ETH to pay the network fee (about 0.0001 ETH).",
    ]);
  });

  it("refuses a cancel after the deadline and points a failed campaign's backer to the refund", () => {
    assert.deepEqual(cancelProblems({ ...cancel, state: CampaignState.Failed }), [
      `Cancels are closed: the deadline (${formatDeadline(DEADLINE).text}) has passed and the campaign missed its goal. Every backer can get a refund instead.`,
    ]);
  });

  it("states the rule in words before any click", () => {
    assert.equal(
      cancelRule(DAY, DEADLINE),
      "You can cancel and get your whole pledge back until the deadline (2026-01-01 00:00 UTC), except in its last 24 hours while the campaign is exactly at its goal, when a cancel would make it fail.",
    );
  });
});

describe("refundProblems and releaseProblems", () => {
  const BACKER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  const refund = {
    state: CampaignState.Failed,
    deadline: DEADLINE,
    pledge: 9_950_000n,
    backer: BACKER,
    self: true,
    gasBalance: ETHER,
    gasCost: FEE,
    nativeSymbol: "ETH",
  };
  const release = {
    state: CampaignState.Succeeded,
    deadline: DEADLINE,
    gasBalance: ETHER,
    gasCost: FEE,
    nativeSymbol: "ETH",
  };

  it("has no problem with a refund of a failed campaign's pledge", () => {
    assert.deepEqual(refundProblems(refund), []);
  });

  it("refuses a refund while funding, with the deadline", () => {
    assert.deepEqual(refundProblems({ ...refund, state: CampaignState.Funding }), [
      "Refunds open only after the deadline (2026-01-01 00:00 UTC), and only if the campaign misses its goal.",
    ]);
  });

  it("refuses a refund of a successful campaign", () => {
    assert.deepEqual(refundProblems({ ...refund, state: CampaignState.Succeeded }), [
      "The campaign met its goal, so there are no refunds.",
    ]);
  });

  it("refuses a refund without a pledge, for oneself and for another backer", () => {
    assert.deepEqual(refundProblems({ ...refund, pledge: 0n }), [
      "You have no pledge to refund (or it was refunded already).",
    ]);
    assert.deepEqual(refundProblems({ ...refund, pledge: 0n, self: false }), [
      "0x7099…79C8 has no pledge to refund (or it was refunded already).",
    ]);
  });

  it("has no problem with a release of a successful campaign", () => {
    assert.deepEqual(releaseProblems(release), []);
  });

  it("refuses a release while funding, after a failure and after the release", () => {
    assert.deepEqual(releaseProblems({ ...release, state: CampaignState.Funding }), [
      "The funds can be released only after the deadline (2026-01-01 00:00 UTC), and only if the campaign meets its goal.",
    ]);
    assert.deepEqual(releaseProblems({ ...release, state: CampaignState.Failed }), [
      "The campaign missed its goal, so nothing can be released; every backer can get a refund.",
    ]);
    assert.deepEqual(releaseProblems({ ...release, state: CampaignState.Released }), [
      "The funds were already released to the producer.",
    ]);
  });

  it("refuses a release without gas money", () => {
    assert.deepEqual(releaseProblems({ ...release, gasBalance: 1n }), [
      "You have 0.000000000000000001 ETH; the network fee needs about 0.0001 ETH.",
    ]);
  });
});

describe("gas figures", () => {
  it("rounds a fee up to two significant digits, never down", () => {
    assert.equal(formatAboutNative(154_000_000_000_000n), "0.00016");
    assert.equal(formatAboutNative(100_000_000_000_000n), "0.0001");
    assert.equal(formatAboutNative(7n), "0.000000000000000007");
    assert.equal(formatAboutNative(0n), "0");
  });

  it("estimates at least the measured gas of every call (npm run bench)", () => {
    const measured = {
      pledge: 75_323n,
      pledgeWithPermit: 103_827n,
      cancel: 45_668n,
      refund: 45_821n,
      release: 56_588n,
      approve: 46_000n,
    };
    for (const [call, gas] of Object.entries(measured)) {
      assert.ok(GAS_ESTIMATES[call as keyof typeof GAS_ESTIMATES] >= gas, call);
    }
  });
});

describe("shortAddress (site/lib/format.ts)", () => {
  it('cuts an address to "0x" + 4 and the last 4 hex digits, as wallets show it', () => {
    assert.equal(shortAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"), "0x7099…79C8");
  });

  it("leaves anything that is not an address as it is", () => {
    assert.equal(shortAddress("alice.eth"), "alice.eth");
  });
});
