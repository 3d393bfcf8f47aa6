/**
 * The one set of parsers for what a user types on a command line: ports, counts, goals, token
 * amounts, deadlines, URLs and addresses. Each returns the typed value or throws a {@link UserError}
 * that names the value and says what was expected; wrapped in `flag()` (scripts/lib/cli.ts), the
 * error also names the flag.
 */
import { parseUnits } from "ethers";
import { addressProblem, checksumAddress, type Address } from "../../site/lib/address.ts";
import { UserError } from "./cli.ts";

/** The largest goal the escrow takes: its `goalBackers` is a uint32. */
export const MAX_GOAL_BACKERS = 2 ** 32 - 1;
const SECONDS = { m: 60, h: 3_600, d: 86_400, w: 604_800 } as const;

/** A TCP port, 0 (any free port) to 65535. */
export function parsePort(value: string, what = "port"): number {
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65_535)
    throw new UserError(`${what} "${value}" is not a port number (0-65535).`);
  return port;
}

/** `count` ports separated by commas ("8080,8081"). */
export function parsePortList(value: string, count: number, what = "ports"): number[] {
  const ports = value.split(",").map((port) => parsePort(port.trim(), what));
  if (ports.length !== count) {
    const example = Array.from({ length: count }, (_, i) => 8080 + i).join(",");
    throw new UserError(`${what} "${value}": give ${count} ports separated by commas, e.g. ${example}.`);
  }
  return ports;
}

/** A whole number from `min` up (a count of runs, fans, backers, …). */
export function parseWholeNumber(value: string, what = "count", min = 0): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < min)
    throw new UserError(`${what} "${value}" must be a whole number from ${min} up.`);
  return n;
}

/** A whole number from 1 up. */
export function parsePositiveInteger(value: string, what = "count"): number {
  return parseWholeNumber(value, what, 1);
}

/** A number greater than zero, fractions allowed (a price, a rate, a time limit). */
export function parsePositiveNumber(value: string, what = "number"): number {
  const n = Number(value);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || !(n > 0))
    throw new UserError(`${what} "${value}" must be a number greater than zero.`);
  return n;
}

/** One of `choices` (a section, a runner), or a UserError listing them. */
export function parseChoice<T extends string>(choices: readonly T[], what = "value"): (value: string) => T {
  return (value) => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    const list = `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
    throw new UserError(`${what} "${value}": use ${list}.`);
  };
}

/** A goal in backers: a whole number from 1 to 2^32-1. */
export function parseGoal(value: string): number {
  const goal = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(goal) || goal < 1 || goal > MAX_GOAL_BACKERS) {
    throw new UserError(`goal "${value}" must be a whole number of backers from 1 to ${MAX_GOAL_BACKERS}.`);
  }
  return goal;
}

/**
 * A human amount ("9.95"), checked for its form only: a positive decimal number. Its decimals are
 * checked against the token's by {@link parseTokenAmount}, once the token is known.
 */
export function parseDecimalAmount(value: string, what = "amount"): string {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value))
    throw new UserError(`${what} "${value}" must be a positive decimal number like 9.95.`);
  return value;
}

/** A human amount ("9.95") in a token with `decimals`, as smallest units; must be > 0 and exact. */
export function parseTokenAmount(value: string, decimals: number, what = "amount"): bigint {
  parseDecimalAmount(value, what);
  const fraction = value.split(".")[1] ?? "";
  if (fraction.length > decimals) {
    throw new UserError(`${what} "${value}" has more decimals than the token's ${decimals}.`);
  }
  const units = parseUnits(value, decimals);
  if (units <= 0n) throw new UserError(`${what} must be greater than zero.`);
  return units;
}

/** A deadline as typed: a date-time or an offset from a time known later (the chain's). */
export type DeadlineSpec = { at: bigint } | { after: bigint };

/**
 * A deadline: an ISO 8601 date-time with a zone ("2027-03-01T00:00:00Z", as Unix seconds) or an
 * offset in seconds ("+6w", "+42d", "+12h", "+30m"), to add to a time chosen by the caller (see
 * {@link resolveDeadline}).
 */
export function parseDeadlineSpec(value: string): DeadlineSpec {
  const relative = /^\+([0-9]+)([mhdw])$/.exec(value);
  if (relative !== null) {
    const unit = relative[2] as keyof typeof SECONDS;
    return { after: BigInt(relative[1]) * BigInt(SECONDS[unit]) };
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new UserError(
      `deadline "${value}" must be an ISO 8601 date-time with a time zone (2027-03-01T00:00:00Z) or an offset like +6w, +42d, +12h.`,
    );
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UserError(`deadline "${value}" is not a real date.`);
  return { at: BigInt(Math.floor(ms / 1000)) };
}

/** A parsed deadline as Unix seconds, an offset counted from `now`. */
export function resolveDeadline(spec: DeadlineSpec, now: bigint): bigint {
  return "at" in spec ? spec.at : now + spec.after;
}

/** A deadline as Unix seconds: {@link parseDeadlineSpec} resolved against `now`. */
export function parseDeadline(value: string, now: bigint): bigint {
  return resolveDeadline(parseDeadlineSpec(value), now);
}

/**
 * An http(s) URL, e.g. an RPC endpoint. The value is not repeated in the error: a private RPC URL
 * may hold an API key.
 */
export function parseHttpUrl(value: string, what = "URL"): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
    throw new UserError(
      `${what}: that is not an http(s) URL. Give the address, e.g. https://rpc.example.org.`,
    );
  return value;
}

/** A checksummed, non-zero address, or a UserError naming `what` (the rule: site/lib/address.ts). */
export function parseAddress(value: string | undefined, what: string): Address {
  if (value === undefined || value === "")
    throw new UserError(`${what} is required (a 0x-prefixed address).`);
  const problem = addressProblem(value);
  if (problem !== undefined) throw new UserError(`${what} "${value}": ${problem}.`);
  return checksumAddress(value);
}
