/**
 * Turns what a producer types (addresses, "9.95", "+6w", "2027-03-01T00:00:00Z") into the
 * escrow's constructor values, with an error per bad value that says what was expected.
 */
import { parseUnits } from "ethers";
import { checksumAddress, hasValidChecksum, isHexAddress, type Address } from "../../site/lib/address.ts";
import { UserError } from "./cli.ts";

export const MAX_GOAL_BACKERS = 2 ** 32 - 1;
const SECONDS = { m: 60, h: 3_600, d: 86_400, w: 604_800 } as const;

/** A checksummed, non-zero address, or a UserError naming `what`. */
export function parseAddress(value: string | undefined, what: string): Address {
  if (value === undefined || value === "")
    throw new UserError(`${what} is required (a 0x-prefixed address).`);
  if (!isHexAddress(value))
    throw new UserError(`${what} "${value}" is not a 0x-prefixed 20-byte hex address.`);
  if (!hasValidChecksum(value)) {
    throw new UserError(
      `${what} "${value}" has a wrong EIP-55 checksum (mixed case that does not match): check for a typo.`,
    );
  }
  if (/^0x0{40}$/i.test(value)) throw new UserError(`${what} must not be the zero address.`);
  return checksumAddress(value);
}

/** A goal in backers: a whole number from 1 to 2^32-1. */
export function parseGoal(value: string): number {
  const goal = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(goal) || goal < 1 || goal > MAX_GOAL_BACKERS) {
    throw new UserError(`goal "${value}" must be a whole number of backers from 1 to ${MAX_GOAL_BACKERS}.`);
  }
  return goal;
}

/** A human amount ("9.95") in a token with `decimals`, as smallest units; must be > 0 and exact. */
export function parseTokenAmount(value: string, decimals: number, what = "amount"): bigint {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value))
    throw new UserError(`${what} "${value}" must be a positive decimal number like 9.95.`);
  const fraction = value.split(".")[1] ?? "";
  if (fraction.length > decimals) {
    throw new UserError(`${what} "${value}" has more decimals than the token's ${decimals}.`);
  }
  const units = parseUnits(value, decimals);
  if (units <= 0n) throw new UserError(`${what} must be greater than zero.`);
  return units;
}

/**
 * A deadline as Unix seconds: an ISO 8601 date-time with a zone ("2027-03-01T00:00:00Z") or an
 * offset from `now` ("+6w", "+42d", "+12h", "+30m").
 */
export function parseDeadline(value: string, now: bigint): bigint {
  const relative = /^\+([0-9]+)([mhdw])$/.exec(value);
  if (relative !== null) {
    const unit = relative[2] as keyof typeof SECONDS;
    return now + BigInt(relative[1]) * BigInt(SECONDS[unit]);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new UserError(
      `deadline "${value}" must be an ISO 8601 date-time with a time zone (2027-03-01T00:00:00Z) or an offset like +6w, +42d, +12h.`,
    );
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UserError(`deadline "${value}" is not a real date.`);
  return BigInt(Math.floor(ms / 1000));
}

/** Refuses a deadline that is not after the chain's latest block time. */
export function assertDeadlineAhead(deadline: bigint, chainNow: bigint): void {
  if (deadline <= chainNow) {
    const when = (s: bigint) => new Date(Number(s) * 1000).toISOString();
    throw new UserError(
      `deadline ${when(deadline)} is not in the future: the chain's latest block is at ${when(chainNow)}.`,
    );
  }
}
