/**
 * What the back page checks before it asks a wallet to sign: the amount typed, and every reason
 * the escrow or the token would refuse a pledge, cancel, refund or release. Each problem is one
 * plain sentence for a fan; an empty list means "go ahead". Pure: the page reads the facts
 * (balances, state, pledge) from the chain and passes them in.
 */
import { parseUnits } from "ethers";
import { formatDeadline, formatInteger, formatTokenAmount, formatUnits, shortAddress } from "../format.ts";
import { CampaignState } from "./escrow-abi.ts";

export interface TokenInfo {
  readonly symbol: string;
  readonly decimals: number;
}

/**
 * Gas units per call, for the "enough gas money?" check only (the wallet estimates the real
 * figure): each call's dearest case, rounded up. test/escrow/gas.test.ts measures those cases and
 * fails if one costs more: the campaign's first pledge (99,923; a later one 75,323), the first
 * pledge with a permit (133,227: the token's nonce and allowance slots start at zero too), an
 * approve from zero (46,281), and a payout into an empty token account (cancel and refund about
 * 62,800, release 73,700: 17,100 more than into a holding account, for the fresh storage slot).
 */
export const GAS_ESTIMATES = {
  pledge: 100_000n,
  pledgeWithPermit: 135_000n,
  approve: 47_000n,
  cancel: 63_000n,
  refund: 63_000n,
  release: 74_000n,
} as const;

/** The escrow totals are uint128: a larger pledge reverts (SafeCast). */
const MAX_PLEDGE = (1n << 128n) - 1n;

export type AmountParse = { ok: true; value: bigint } | { ok: false; problem: string };

/**
 * Reads an amount typed in whole tokens into the token's smallest unit, exactly (bigint, never
 * floating point). Spaces around it are ignored. Accepted: digits with an optional dot and
 * fraction ("9.95", "10", "10.", ".5"); fraction digits beyond the token's decimals are refused
 * unless they are zeros. Refused with a sentence saying why: empty, negative, exponents ("1e3"),
 * commas ("1,5" — ambiguous between locales), anything else, zero, and more than the escrow holds.
 */
export function parseAmount(text: string, token: TokenInfo): AmountParse {
  const fail = (problem: string): AmountParse => ({ ok: false, problem });
  const input = text.trim();
  if (input === "") return fail(`Enter an amount in ${token.symbol}.`);
  if (input.startsWith("-")) return fail("The amount can't be negative.");
  if (/^[\d.]*e/i.test(input))
    return fail("Write the amount in plain digits, like 9.95 (no exponent such as 1e3).");
  if (input.includes(","))
    return fail("Use a dot for the decimals and no thousands separators, like 9.95 or 1000.");
  const match = /^(\d*)(?:\.(\d*))?$/.exec(input);
  if (match === null || (match[1] === "" && (match[2] ?? "") === "")) {
    return fail("Write the amount in digits, like 9.95.");
  }
  const whole = match[1] === "" ? "0" : match[1];
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > token.decimals) {
    return fail(
      token.decimals === 0
        ? `${token.symbol} has no decimals: write a whole number.`
        : `${token.symbol} has ${token.decimals} decimals: ${input} has ${fraction.length}.`,
    );
  }
  // A length cap first, so a pasted wall of digits is not turned into a giant bigint.
  if (whole.replace(/^0+/, "").length > 40) return fail("That amount is far more than the escrow can hold.");
  const value = parseUnits(fraction === "" ? whole : `${whole}.${fraction}`, token.decimals);
  if (value === 0n) return fail(`The amount must be more than 0 ${token.symbol}.`);
  if (value > MAX_PLEDGE) return fail("That amount is far more than the escrow can hold.");
  return { ok: true, value };
}

/**
 * An amount of the native currency (18 decimals) rounded up to two significant digits, for
 * "about …" sentences: 154_000_000_000_000n → "0.00016".
 */
export function formatAboutNative(wei: bigint): string {
  if (wei <= 0n) return "0";
  const digits = wei.toString().length;
  const step = digits > 2 ? 10n ** BigInt(digits - 2) : 1n;
  return formatUnits(((wei + step - 1n) / step) * step, 18);
}

/** The sentence when the wallet cannot pay the network fee, or undefined when it can. */
function gasProblem(gasBalance: bigint, gasCost: bigint, nativeSymbol: string): string | undefined {
  if (gasBalance >= gasCost) return undefined;
  const fee = `about ${formatAboutNative(gasCost)} ${nativeSymbol}`;
  return gasBalance === 0n
    ? `You have no ${nativeSymbol} to pay the network fee (${fee}).`
    : `You have ${formatUnits(gasBalance, 18)} ${nativeSymbol}; the network fee needs ${fee}.`;
}

/** What the user tries to do; each needs the campaign in one state. */
export type EscrowAction = "pledge" | "cancel" | "pledge or cancel" | "refund" | "release";

/** " (2026-03-01 18:00 UTC)" for a known deadline, "" otherwise. */
function onDeadline(deadline: bigint | undefined): string {
  return deadline === undefined ? "" : ` (${formatDeadline(deadline).text})`;
}

/**
 * Why `action` is impossible in `state`, or undefined when the state allows it. Shared by the
 * checks before signing and by the explanation of a WrongState revert.
 */
export function stateProblem(action: EscrowAction, state: number, deadline?: bigint): string | undefined {
  const ended: Record<number, string> = {
    [CampaignState.Succeeded]: "the campaign met its goal",
    [CampaignState.Failed]: "the campaign missed its goal",
    [CampaignState.Released]: "the funds were released to the producer",
  };
  if (!Object.values(CampaignState).includes(state as CampaignState)) {
    return `The campaign is in a state this page does not know (${state}); reload the page.`;
  }
  switch (action) {
    case "pledge":
    case "cancel":
    case "pledge or cancel": {
      if (state === CampaignState.Funding) return undefined;
      const what =
        action === "pledge" ? "Pledges are" : action === "cancel" ? "Cancels are" : "Pledges and cancels are";
      const refund =
        state === CampaignState.Failed && action !== "pledge"
          ? " Every backer can get a refund instead."
          : "";
      return `${what} closed: the deadline${onDeadline(deadline)} has passed and ${ended[state]}.${refund}`;
    }
    case "refund":
      if (state === CampaignState.Failed) return undefined;
      if (state === CampaignState.Funding) {
        return `Refunds open only after the deadline${onDeadline(deadline)}, and only if the campaign misses its goal.`;
      }
      return "The campaign met its goal, so there are no refunds.";
    case "release":
      if (state === CampaignState.Succeeded) return undefined;
      if (state === CampaignState.Funding) {
        return `The funds can be released only after the deadline${onDeadline(deadline)}, and only if the campaign meets its goal.`;
      }
      if (state === CampaignState.Failed)
        return "The campaign missed its goal, so nothing can be released; every backer can get a refund.";
      return "The funds were already released to the producer.";
  }
}

export interface PledgeFacts {
  /** The pledge (or top-up) the user wants to make, in the token's smallest unit. */
  amount: bigint;
  tokenBalance: bigint;
  /** The wallet's native balance (wei). */
  gasBalance: bigint;
  /** Gas units × fee per gas (wei) of the transactions this pledge needs. */
  gasCost: bigint;
  /** The user's pledge so far: 0n makes this a first pledge. */
  currentPledge: bigint;
  minPledge: bigint;
  state: number;
  token: TokenInfo;
  nativeSymbol: string;
}

/** Every reason the escrow or the token would refuse this pledge, in order; [] = OK to sign. */
export function pledgeProblems(facts: PledgeFacts): string[] {
  const closed = stateProblem("pledge", facts.state);
  // Once closed, nothing else matters.
  if (closed !== undefined) return [closed];
  const problems: string[] = [];
  const tokens = (value: bigint) => formatTokenAmount(value, facts.token);
  if (facts.amount <= 0n) {
    problems.push(`The amount must be more than 0 ${facts.token.symbol}.`);
  } else if (facts.currentPledge === 0n && facts.amount < facts.minPledge) {
    problems.push(
      `The first pledge must be at least ${tokens(facts.minPledge)}; ${tokens(facts.amount)} is less.`,
    );
  }
  if (facts.amount > facts.tokenBalance) {
    problems.push(
      facts.tokenBalance === 0n
        ? `You have no ${facts.token.symbol} in this wallet; this pledge needs ${tokens(facts.amount)}.`
        : `You have ${tokens(facts.tokenBalance)}; this pledge needs ${tokens(facts.amount)}.`,
    );
  }
  const gas = gasProblem(facts.gasBalance, facts.gasCost, facts.nativeSymbol);
  if (gas !== undefined) problems.push(gas);
  return problems;
}

export interface CancelFacts {
  state: number;
  currentPledge: bigint;
  backers: bigint;
  goalBackers: bigint;
  /** The campaign's deadline (Unix seconds). */
  deadline: bigint;
  /** The time the cancel would be mined at, as near as known (the latest block's, Unix seconds). */
  now: bigint;
  /** CANCEL_LOCK_WINDOW (seconds). */
  lockWindow: bigint;
  gasBalance: bigint;
  gasCost: bigint;
  nativeSymbol: string;
}

/** A window of seconds in words: 86400n → "24 hours". */
function windowText(seconds: bigint): string {
  if (seconds % 3600n === 0n) return `${formatInteger(seconds / 3600n)} hour${seconds === 3600n ? "" : "s"}`;
  return `${formatInteger(seconds / 60n)} minutes`;
}

/** The cancel rule, for the page to show before any click. */
export function cancelRule(lockWindow: bigint, deadline: bigint): string {
  return (
    `You can cancel and get your whole pledge back until the deadline (${formatDeadline(deadline).text}), ` +
    `except in its last ${windowText(lockWindow)} while the campaign is exactly at its goal, when a cancel would make it fail.`
  );
}

/** Every reason the escrow would refuse this backer's cancel, in order; [] = OK to sign. */
export function cancelProblems(facts: CancelFacts): string[] {
  const closed = stateProblem("cancel", facts.state, facts.deadline);
  if (closed !== undefined) return [closed];
  const problems: string[] = [];
  if (facts.currentPledge === 0n) problems.push("You have no pledge to cancel.");
  // The contract's own test: within the window and exactly at the goal (one fewer would miss it).
  else if (facts.now + facts.lockWindow >= facts.deadline && facts.backers === facts.goalBackers) {
    problems.push(
      `The campaign has exactly its goal of ${formatInteger(facts.goalBackers)} backers and ends on ` +
        `${formatDeadline(facts.deadline).text}, less than ${windowText(facts.lockWindow)} from now: ` +
        "a cancel now would make it fail, so cancels are locked until the deadline.",
    );
  }
  const gas = gasProblem(facts.gasBalance, facts.gasCost, facts.nativeSymbol);
  if (gas !== undefined) problems.push(gas);
  return problems;
}

export interface RefundFacts {
  state: number;
  deadline: bigint;
  /** The pledge the escrow holds for `backer`. */
  pledge: bigint;
  backer: string;
  /** Whether `backer` is the connected wallet (the sentence says "You"). */
  self: boolean;
  gasBalance: bigint;
  gasCost: bigint;
  nativeSymbol: string;
}

/** Every reason the escrow would refuse refunding `backer`, in order; [] = OK to sign. */
export function refundProblems(facts: RefundFacts): string[] {
  const closed = stateProblem("refund", facts.state, facts.deadline);
  if (closed !== undefined) return [closed];
  const problems: string[] = [];
  if (facts.pledge === 0n) {
    problems.push(
      facts.self
        ? "You have no pledge to refund (or it was refunded already)."
        : `${shortAddress(facts.backer)} has no pledge to refund (or it was refunded already).`,
    );
  }
  const gas = gasProblem(facts.gasBalance, facts.gasCost, facts.nativeSymbol);
  if (gas !== undefined) problems.push(gas);
  return problems;
}

export interface ReleaseFacts {
  state: number;
  deadline: bigint;
  gasBalance: bigint;
  gasCost: bigint;
  nativeSymbol: string;
}

/** Every reason the escrow would refuse a release, in order; [] = OK to sign. */
export function releaseProblems(facts: ReleaseFacts): string[] {
  const closed = stateProblem("release", facts.state, facts.deadline);
  if (closed !== undefined) return [closed];
  const gas = gasProblem(facts.gasBalance, facts.gasCost, facts.nativeSymbol);
  return gas === undefined ? [] : [gas];
}
