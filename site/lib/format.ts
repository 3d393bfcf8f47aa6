/**
 * Text for the numbers a campaign shows: token amounts, counts, percentages, time left, dates,
 * addresses, byte counts (the site's and the scripts': the one home of those units). Pure and
 * locale-independent (English, comma-grouped) so the build and the browser print exactly the same thing.
 */
import { isHexAddress } from "./address.ts";

/** Groups an unsigned run of digits in threes: "2487500" → "2,487,500". */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * `value` / 10^`decimals`, exact (bigint arithmetic), comma-grouped, with at most `maxFraction`
 * fraction digits, cut (never rounded, so an amount is never shown larger than it is), and
 * trailing zeros dropped: (9950000n, 6) → "9.95". The numbers shown are never negative.
 */
function decimal(value: bigint, decimals: number, maxFraction = decimals): string {
  const digits = value.toString().padStart(decimals + 1, "0");
  const cut = digits.length - decimals;
  const fraction = digits.slice(cut, cut + Math.max(0, maxFraction)).replace(/0+$/, "");
  return groupDigits(digits.slice(0, cut)) + (fraction && `.${fraction}`);
}

/** A whole number with thousands separators: 250000 → "250,000". */
export function formatInteger(value: bigint | number): string {
  return decimal(BigInt(typeof value === "number" ? Math.trunc(value) : value), 0);
}

export interface FormatUnitsOptions {
  /**
   * Show at most this many fraction digits, cutting (never rounding) the rest. Default: every significant
   * digit.
   */
  maxFractionDigits?: number;
}

/**
 * A token amount given in its smallest unit, in whole tokens: (9950000n, 6) → "9.95", (2487500000000n, 6) →
 * "2,487,500".
 */
export function formatUnits(value: bigint, decimals: number, options: FormatUnitsOptions = {}): string {
  if (!Number.isInteger(decimals) || decimals < 0)
    throw new RangeError(`not a number of decimals: ${decimals}`);
  return decimal(value, decimals, options.maxFractionDigits);
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
 * `part` as a share of `whole` (positive), to two decimals, cut not rounded: (1234, 250000) →
 * "0.49%". A share that is positive but under 0.01% says so instead of printing "0%".
 */
export function formatPercent(part: bigint | number, whole: bigint | number): string {
  const p = BigInt(part);
  const hundredths = (p * 10_000n) / BigInt(whole); // percent × 100
  return hundredths === 0n && p > 0n ? "less than 0.01%" : `${decimal(hundredths, 2)}%`;
}

/** A count with its unit, plural unless 1: (3, "minute") → "3 minutes", (1, "day") → "1 day". */
export function plural(count: number, unit: string): string {
  return `${formatInteger(count)} ${unit}${count === 1 ? "" : "s"}`;
}

/**
 * Byte counts are told in binary units (1 KiB = 1,024 bytes), as BitTorrent clients and file managers
 * count a file: whole KiB, one decimal from MiB up. Largest first.
 */
const BYTE_UNITS = [
  [1024 ** 3, "GiB"],
  [1024 ** 2, "MiB"],
  [1024, "KiB"],
] as const;

/** The unit a byte count is told in (KiB from 1,024 bytes up; `undefined` below): for a chart's axis, say. */
export function byteUnit(bytes: number): { size: number; name: string } | undefined {
  const unit = BYTE_UNITS.find(([size]) => bytes >= size);
  return unit && { size: unit[0], name: unit[1] };
}

/** `bytes` in its unit, or undefined under 1 KiB. */
function inByteUnit(bytes: number): string | undefined {
  const unit = byteUnit(bytes);
  return unit && `${(bytes / unit.size).toFixed(unit.size === 1024 ? 0 : 1)} ${unit.name}`;
}

/** A byte count: 0 → "0 bytes", 1 → "1 byte", 1536 → "2 KiB", 5.3 MiB → "5.3 MiB", 3.5 GiB → "3.5 GiB". */
export function formatBytes(bytes: number): string {
  return inByteUnit(bytes) ?? plural(Math.round(bytes), "byte");
}

/** Bytes per second, in the units of {@link formatBytes}: 512 → "512 B/s", 9.7 MiB/s → "9.7 MiB/s". */
export function formatByteRate(bytesPerSecond: number): string {
  return `${inByteUnit(bytesPerSecond) ?? `${Math.round(bytesPerSecond)} B`}/s`;
}

/** The units time left is told in, largest first, with their length in seconds. */
const UNITS = [
  [86_400, "day"],
  [3_600, "hour"],
  [60, "minute"],
  [1, "second"],
] as const;

/**
 * Time left until a deadline, in its two largest units, the second omitted when zero:
 * "12 days 4 hours", "3 hours 1 minute", "5 minutes 30 seconds", "1 second"; "the deadline has
 * passed" at or after it.
 * @param seconds Seconds from now to the deadline (negative once it has passed).
 */
export function formatTimeLeft(seconds: bigint | number): string {
  const s = Math.floor(Number(seconds));
  if (!(s > 0)) return "the deadline has passed";
  const i = UNITS.findIndex(([length]) => s >= length);
  const [length, unit] = UNITS[i];
  const big = plural(Math.floor(s / length), unit);
  const next = UNITS[i + 1];
  const small = next === undefined ? 0 : Math.floor((s % length) / next[0]);
  return small === 0 ? big : `${big} ${plural(small, next[1])}`;
}

/** A Unix time (seconds) as ISO 8601 in UTC without milliseconds, and as short readable text. */
export function formatDeadline(unixSeconds: number | bigint): { iso: string; date: string; text: string } {
  const iso = `${new Date(Number(unixSeconds) * 1000).toISOString().slice(0, 19)}Z`;
  const date = iso.slice(0, 10);
  return { iso, date, text: `${date} ${iso.slice(11, 16)} UTC` };
}

/**
 * An address cut to its first 4 and last 4 hex digits, as wallets show it:
 * "0x1234567890abcdef1234567890abcdef12345678" → "0x1234…5678". Anything else is returned as is.
 */
export function shortAddress(address: string): string {
  return isHexAddress(address) ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}
