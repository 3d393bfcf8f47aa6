/**
 * When a watch page reads the chain next, and from which RPC endpoint first: pure functions of
 * the last outcome, two counters and `random()`, so they are unit-tested without timers or a DOM.
 * The campaign's scale is the reason: with 100,000 pages open, every page polling the same
 * endpoint at a fixed pace is a load no public RPC accepts. So pages spread over the manifest's
 * endpoints, slow down while nothing changes, and back off with jitter when reads fail.
 */

/** The pace while figures change: one read (one batched POST) every 15 s. */
export const POLL_MS = 15_000;
/** While nothing changes the pace halves per unchanged reading, down to one read a minute. */
export const IDLE_MAX_MS = 60_000;
/** Failed reads back off from {@link POLL_MS} up to this (a `Retry-After` is bounded by it too). */
export const BACKOFF_MAX_MS = 300_000;
/** A jittered delay is never shorter than this (no retry loop when `random()` is near 0). */
const MIN_DELAY_MS = 1_000;

/** What the scheduler remembers between reads. */
export interface PollState {
  /** Failed reads in a row, up to and including the last one. */
  failures: number;
  /** Successful readings in a row with the same figures as the one before. */
  unchanged: number;
}

export const INITIAL_POLL_STATE: PollState = { failures: 0, unchanged: 0 };

/** How the last read went. */
export type PollOutcome =
  /** Read; `changed` when state, backers or total differ from the previous reading (or there was none). */
  | { ok: true; changed: boolean }
  /** Failed; `retryAfterMs` when an endpoint asked for a pause (HTTP `Retry-After`). */
  | { ok: false; retryAfterMs?: number };

export interface NextPoll {
  /** Wait this long before the next read: whole seconds, so "Retrying in N s." is exact. */
  delayMs: number;
  state: PollState;
}

/** Counters never need to grow past this: 2^30 × 15 s is far beyond every cap. */
const MAX_COUNT = 30;

function wholeSeconds(ms: number): number {
  return Math.max(MIN_DELAY_MS, Math.round(ms / 1000) * 1000);
}

/**
 * The delay before the next read, and the counters after `outcome`:
 * - a changed reading: {@link POLL_MS};
 * - an unchanged one: twice the last pace, at most {@link IDLE_MAX_MS} (15 s → 30 s → 60 s);
 * - the first failure in a row: {@link POLL_MS}, as if healthy (one failure may be a blip);
 * - the n-th failure in a row, n ≥ 2: exponential backoff with full jitter,
 *   `random() × min(BACKOFF_MAX_MS, POLL_MS × 2^n)`;
 * - a `Retry-After` is honoured as a minimum, bounded by {@link BACKOFF_MAX_MS}.
 * A success resets the failures; a failure resets the unchanged count.
 */
export function nextPoll(state: PollState, outcome: PollOutcome, random: () => number): NextPoll {
  if (outcome.ok) {
    const unchanged = outcome.changed ? 0 : Math.min(state.unchanged + 1, MAX_COUNT);
    return { delayMs: Math.min(IDLE_MAX_MS, POLL_MS * 2 ** unchanged), state: { failures: 0, unchanged } };
  }
  const failures = Math.min(state.failures + 1, MAX_COUNT);
  let delayMs =
    failures === 1 ? POLL_MS : wholeSeconds(unit(random) * Math.min(BACKOFF_MAX_MS, POLL_MS * 2 ** failures));
  const retryAfterMs = outcome.retryAfterMs;
  if (retryAfterMs !== undefined && retryAfterMs > 0)
    delayMs = Math.max(delayMs, wholeSeconds(Math.min(BACKOFF_MAX_MS, retryAfterMs)));
  return { delayMs, state: { failures, unchanged: 0 } };
}

/** `random()`, kept in [0, 1) whatever it returns. */
function unit(random: () => number): number {
  const r = random();
  return r >= 0 && r < 1 ? r : 0;
}

/**
 * The order in which one page tries `urls`: a first choice uniform over them (so pages spread
 * their reads over every endpoint), then the others in the manifest's order after it, wrapping
 * around (so the fallback load of each endpoint lands on its successor, not all on the first).
 */
export function endpointOrder<T>(urls: readonly T[], random: () => number): T[] {
  const first = Math.floor(unit(random) * urls.length);
  return [...urls.slice(first), ...urls.slice(0, first)];
}
