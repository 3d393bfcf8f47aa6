/**
 * site/lib/poll-schedule.ts: which RPC endpoint a page asks first, and how long it waits before
 * the next read, rule by rule. `random()` is injected, so every delay is exact.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import {
  BACKOFF_MAX_MS,
  endpointOrder,
  IDLE_MAX_MS,
  INITIAL_POLL_STATE,
  nextPoll,
  POLL_MS,
  type PollOutcome,
  type PollState,
} from "../../site/lib/poll-schedule.ts";

const URLS = ["https://a.example", "https://b.example", "https://c.example"] as const;
const CHANGED: PollOutcome = { ok: true, changed: true };
const UNCHANGED: PollOutcome = { ok: true, changed: false };
const FAILED: PollOutcome = { ok: false };
const always = (value: number) => () => value;

/** The delays after each outcome in turn, from the initial state. */
function delays(
  outcomes: readonly PollOutcome[],
  random: () => number = always(0.5),
  start: PollState = INITIAL_POLL_STATE,
): number[] {
  let state = start;
  return outcomes.map((outcome) => {
    const next = nextPoll(state, outcome, random);
    state = next.state;
    return next.delayMs;
  });
}

describe("the first RPC endpoint a page asks", () => {
  it("is picked uniformly: random() in [0, 1/3) picks the first of three, [1/3, 2/3) the second, [2/3, 1) the third", () => {
    assert.equal(endpointOrder(URLS, always(0))[0], URLS[0]);
    assert.equal(endpointOrder(URLS, always(0.33))[0], URLS[0]);
    assert.equal(endpointOrder(URLS, always(0.34))[0], URLS[1]);
    assert.equal(endpointOrder(URLS, always(0.66))[0], URLS[1]);
    assert.equal(endpointOrder(URLS, always(0.67))[0], URLS[2]);
    assert.equal(endpointOrder(URLS, always(0.999_999))[0], URLS[2]);
  });

  it("is the first in the manifest when random() returns something outside [0, 1)", () => {
    for (const value of [1, -0.1, Number.NaN]) assert.equal(endpointOrder(URLS, always(value))[0], URLS[0]);
  });
});

describe("the fallback endpoints", () => {
  it("follow the first choice in the manifest's order, wrapping around to the start", () => {
    assert.deepEqual(endpointOrder(URLS, always(0)), [URLS[0], URLS[1], URLS[2]]);
    assert.deepEqual(endpointOrder(URLS, always(0.5)), [URLS[1], URLS[2], URLS[0]]);
    assert.deepEqual(endpointOrder(URLS, always(0.9)), [URLS[2], URLS[0], URLS[1]]);
  });

  it("are none for a manifest with a single endpoint", () => {
    assert.deepEqual(endpointOrder([URLS[0]], always(0.9)), [URLS[0]]);
  });
});

describe("the delay before the next read", () => {
  it("is 15 s after every reading that found a change", () => {
    assert.deepEqual(delays([CHANGED, CHANGED, CHANGED]), [POLL_MS, POLL_MS, POLL_MS]);
    assert.equal(POLL_MS, 15_000);
  });

  it("doubles while nothing changes, 15 s → 30 s → 60 s, and stays at 60 s", () => {
    assert.deepEqual(
      delays([CHANGED, UNCHANGED, UNCHANGED, UNCHANGED, UNCHANGED]),
      [15_000, 30_000, 60_000, 60_000, 60_000],
    );
    assert.equal(IDLE_MAX_MS, 60_000);
  });

  it("returns to 15 s on the first reading that finds a change", () => {
    assert.deepEqual(
      delays([UNCHANGED, UNCHANGED, UNCHANGED, CHANGED, UNCHANGED]),
      [30_000, 60_000, 60_000, 15_000, 30_000],
    );
  });

  it("is 15 s after the first failure in a row, whatever random() returns", () => {
    for (const value of [0, 0.5, 0.999]) assert.deepEqual(delays([FAILED], always(value)), [POLL_MS]);
  });

  it("backs off with full jitter from the second failure in a row: random() × 15 s × 2^failures", () => {
    assert.deepEqual(delays([FAILED, FAILED], always(0.5)), [15_000, 30_000]);
    assert.deepEqual(delays([FAILED, FAILED], always(0.25)), [15_000, 15_000]);
    assert.deepEqual(delays([FAILED, FAILED], always(0.999)), [15_000, 60_000]);
  });

  it("keeps a jittered delay within [1 s, the window] and in whole seconds", () => {
    assert.deepEqual(delays([FAILED, FAILED], always(0)), [15_000, 1_000], "never 0: no retry loop");
    for (let i = 0; i < 200; i++) {
      const [, delay] = delays([FAILED, FAILED], Math.random);
      assert.ok(delay >= 1_000 && delay <= 60_000, `${delay} ms`);
      assert.equal(delay % 1_000, 0, `${delay} ms`);
    }
  });

  it("doubles the backoff window with each failure in a row", () => {
    assert.deepEqual(
      delays([FAILED, FAILED, FAILED, FAILED], always(0.5)),
      [15_000, 30_000, 60_000, 120_000],
    );
  });

  it("caps the backoff window at 5 min", () => {
    assert.equal(BACKOFF_MAX_MS, 300_000);
    const many = Array.from({ length: 40 }, () => FAILED);
    assert.deepEqual(
      delays(many, always(0.999_999)).slice(4),
      Array.from({ length: 36 }, () => BACKOFF_MAX_MS),
    );
    assert.deepEqual(delays(many, always(0.5)).slice(-1), [150_000]);
  });

  it("waits at least as long as a Retry-After asks, even after the first failure", () => {
    assert.deepEqual(delays([{ ok: false, retryAfterMs: 42_000 }]), [42_000]);
    assert.deepEqual(delays([FAILED, { ok: false, retryAfterMs: 42_000 }], always(0.5)), [15_000, 42_000]);
  });

  it("keeps the backoff when it is longer than a Retry-After", () => {
    assert.deepEqual(
      delays([FAILED, FAILED, { ok: false, retryAfterMs: 2_000 }], always(0.5)),
      [15_000, 30_000, 60_000],
    );
  });

  it("bounds a Retry-After by the 5 min cap", () => {
    assert.deepEqual(delays([{ ok: false, retryAfterMs: 86_400_000 }]), [BACKOFF_MAX_MS]);
  });

  it("is back to the healthy pace after a success, and the next failure starts the backoff over", () => {
    assert.deepEqual(
      delays([FAILED, FAILED, FAILED, CHANGED, FAILED, FAILED], always(0.5)),
      [15_000, 30_000, 60_000, 15_000, 15_000, 30_000],
    );
  });

  it("counts the slow-down afresh after a failure", () => {
    assert.deepEqual(
      delays([UNCHANGED, UNCHANGED, FAILED, UNCHANGED], always(0.5)),
      [30_000, 60_000, 15_000, 30_000],
    );
  });
});
