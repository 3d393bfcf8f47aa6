/**
 * Text for the numbers a campaign shows: token amounts, counts, percentages, time left, the
 * escrow's state. Pure and locale-independent (English, comma-grouped) so the build and the
 * browser print exactly the same thing.
 */
import { isHexAddress } from "./address.ts";
import { CampaignState } from "./campaign-state.ts";

/** Groups an unsigned run of digits in threes: "2487500" → "2,487,500". */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A whole number with thousands separators: 250000 → "250,000". */
export function formatInteger(value: bigint | number): string {
  const n = typeof value === "bigint" ? value : BigInt(Math.trunc(value));
  return n < 0n ? `-${groupDigits((-n).toString())}` : groupDigits(n.toString());
}

export interface FormatUnitsOptions {
  /**
   * Show at most this many fraction digits, cutting (never rounding) the rest, so an amount is
   * never shown larger than it is. Default: every significant digit.
   */
  maxFractionDigits?: number;
}

/**
 * A token amount given in its smallest unit, in whole tokens: (9950000n, 6) → "9.95",
 * (2487500000000n, 6) → "2,487,500". Exact (bigint arithmetic); trailing zeros are dropped.
 */
export function formatUnits(value: bigint, decimals: number, options: FormatUnitsOptions = {}): string {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`decimals must be a whole number ≥ 0, got ${decimals}`);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = groupDigits((abs / base).toString());
  let fraction = decimals === 0 ? "" : (abs % base).toString().padStart(decimals, "0");
  if (options.maxFractionDigits !== undefined) fraction = fraction.slice(0, Math.max(0, options.maxFractionDigits));
  fraction = fraction.replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}

/** A token amount with its symbol: (9950000n, { decimals: 6, symbol: "tUSD" }) → "9.95 tUSD". */
export function formatTokenAmount(
  value: bigint,
  token: { readonly decimals: number; readonly symbol: string },
  options?: FormatUnitsOptions,
): string {
  return `${formatUnits(value, token.decimals, options)} ${token.symbol}`;
}

/**
 * `part` as a share of `whole`, to two decimals, cut not rounded: (1234, 250000) → "0.49%".
 * A share that is positive but under 0.01% says so instead of printing "0%".
 */
export function formatPercent(part: bigint | number, whole: bigint | number): string {
  const p = BigInt(part);
  const w = BigInt(whole);
  if (w <= 0n) throw new RangeError("whole must be positive");
  const hundredths = (p * 10_000n) / w; // percent × 100
  if (hundredths === 0n && p > 0n) return "less than 0.01%";
  const fraction = (hundredths % 100n).toString().padStart(2, "0").replace(/0+$/, "");
  return `${formatInteger(hundredths / 100n)}${fraction === "" ? "" : `.${fraction}`}%`;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A count with its unit, plural unless 1: (3, "minute") → "3 minutes", (1, "day") → "1 day". */
export function plural(count: number, unit: string): string {
  return `${formatInteger(count)} ${unit}${count === 1 ? "" : "s"}`;
}

/** Two largest units, the second omitted when zero: "12 days 4 hours", "5 minutes". */
function twoUnits(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? plural(big, bigUnit) : `${plural(big, bigUnit)} ${plural(small, smallUnit)}`;
}

/**
 * Time left until a deadline, in its two largest units: "12 days 4 hours", "3 hours 1 minute",
 * "5 minutes 30 seconds", "1 second"; "the deadline has passed" at or after it.
 * @param seconds Seconds from now to the deadline (negative once it has passed).
 */
export function formatTimeLeft(seconds: bigint | number): string {
  const s = Math.floor(Number(seconds));
  if (!(s > 0)) return "the deadline has passed";
  if (s >= DAY) return twoUnits(Math.floor(s / DAY), "day", Math.floor((s % DAY) / HOUR), "hour");
  if (s >= HOUR) return twoUnits(Math.floor(s / HOUR), "hour", Math.floor((s % HOUR) / MINUTE), "minute");
  if (s >= MINUTE) return twoUnits(Math.floor(s / MINUTE), "minute", s % MINUTE, "second");
  return plural(s, "second");
}

/** A Unix time (seconds) as ISO 8601 in UTC without milliseconds, and as short readable text. */
export function formatDeadline(unixSeconds: number | bigint): { iso: string; date: string; text: string } {
  const iso = new Date(Number(unixSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const date = iso.slice(0, 10);
  return { iso, date, text: `${date} ${iso.slice(11, 16)} UTC` };
}

export type CampaignStateName = keyof typeof CampaignState;

/** The escrow's `state()` values' names, in the contract's enum order (index = value). */
export const CAMPAIGN_STATES: readonly CampaignStateName[] = (Object.keys(CampaignState) as CampaignStateName[]).sort(
  (a, b) => CampaignState[a] - CampaignState[b],
);

const STATE_LABELS: Readonly<Record<CampaignStateName, string>> = {
  Funding: "funding: pledges are open",
  Succeeded: "succeeded: the goal was met, the funds await release",
  Failed: "failed: the goal was missed, every backer can claim a refund",
  Released: "released: the funds were paid to the producer",
};

/** The enum name for a `state()` value, or undefined for a value the contract never returns. */
export function stateName(state: bigint | number): CampaignStateName | undefined {
  const index = Number(state);
  return Number.isInteger(index) ? CAMPAIGN_STATES[index] : undefined;
}

/** A sentence-fragment label for a `state()` value: 0n → "funding: pledges are open". */
export function stateLabel(state: bigint | number): string {
  const name = stateName(state);
  return name === undefined ? `unknown state (${state})` : STATE_LABELS[name];
}

/**
 * An address cut to its first 4 and last 4 hex digits, as wallets show it:
 * "0x1234567890abcdef1234567890abcdef12345678" → "0x1234…5678". Anything else is returned as is.
 */
export function shortAddress(address: string): string {
  return isHexAddress(address) ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}
