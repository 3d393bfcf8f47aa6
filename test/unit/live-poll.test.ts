/**
 * The read loop of the page's live parts (site/lib/live-poll.ts), on fake timers with a stand-in
 * `document` (an EventTarget with `hidden`): reads at once, then at the poll schedule's pace; a
 * `peerpilot:refresh` on `document` reads at once, except during a backoff, which it respects.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, vi } from "vitest";
import { REFRESH_EVENT, startLivePoll } from "../../site/lib/live-poll.ts";
import { POLL_MS } from "../../site/lib/poll-schedule.ts";

/** A read that resolves (or rejects) when the test says so, counting its calls. */
function controlledRead() {
  const pending: { resolve: (changed: boolean) => void; reject: (error: unknown) => void }[] = [];
  return {
    pending,
    get calls() {
      return pending.length;
    },
    read: () => new Promise<boolean>((resolve, reject) => pending.push({ resolve, reject })),
  };
}

describe("startLivePoll", () => {
  let stop: (() => void) | undefined;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.99);
    (globalThis as { document?: unknown }).document = Object.assign(new EventTarget(), { hidden: false });
  });

  afterEach(() => {
    stop?.();
    stop = undefined;
    vi.useRealTimers();
    vi.restoreAllMocks();
    delete (globalThis as { document?: unknown }).document;
  });

  const refresh = () => document.dispatchEvent(new Event(REFRESH_EVENT));

  it("reads at once, then again after the schedule's 15 s", async () => {
    const r = controlledRead();
    stop = startLivePoll({ read: r.read, failed: () => {} });
    await vi.advanceTimersByTimeAsync(0);
    assert.equal(r.calls, 1);
    r.pending[0].resolve(true);
    await vi.advanceTimersByTimeAsync(POLL_MS - 1);
    assert.equal(r.calls, 1);
    await vi.advanceTimersByTimeAsync(1);
    assert.equal(r.calls, 2);
  });

  it("reads at once when the page fires peerpilot:refresh", async () => {
    const r = controlledRead();
    stop = startLivePoll({ read: r.read, failed: () => {} });
    await vi.advanceTimersByTimeAsync(0);
    r.pending[0].resolve(false);
    await vi.advanceTimersByTimeAsync(1_000);
    refresh();
    await vi.advanceTimersByTimeAsync(0);
    assert.equal(r.calls, 2);
  });

  it("reads again right after a read that was in flight when peerpilot:refresh came", async () => {
    const r = controlledRead();
    stop = startLivePoll({ read: r.read, failed: () => {} });
    await vi.advanceTimersByTimeAsync(0);
    refresh();
    await vi.advanceTimersByTimeAsync(0);
    assert.equal(r.calls, 1, "no second read while one is in flight");
    r.pending[0].resolve(true);
    await vi.advanceTimersByTimeAsync(0);
    assert.equal(r.calls, 2);
  });

  it("keeps an active backoff: peerpilot:refresh reads no sooner than the retry was due", async () => {
    const r = controlledRead();
    const retries: number[] = [];
    stop = startLivePoll({ read: r.read, failed: (_error, retryMs) => retries.push(retryMs) });
    await vi.advanceTimersByTimeAsync(0);
    r.pending[0].reject(new Error("down"));
    await vi.advanceTimersByTimeAsync(POLL_MS);
    r.pending[1].reject(new Error("down"));
    await vi.advanceTimersByTimeAsync(0);
    const backoff = retries[1];
    assert.ok(backoff > POLL_MS, `a second failure backs off beyond ${POLL_MS} ms, got ${backoff}`);
    refresh();
    await vi.advanceTimersByTimeAsync(backoff - 1);
    assert.equal(r.calls, 2, "no read before the backoff ends");
    await vi.advanceTimersByTimeAsync(1);
    assert.equal(r.calls, 3);
  });

  it("reads no more once stopped", async () => {
    const r = controlledRead();
    stop = startLivePoll({ read: r.read, failed: () => {} });
    await vi.advanceTimersByTimeAsync(0);
    r.pending[0].resolve(true);
    stop();
    refresh();
    await vi.advanceTimersByTimeAsync(10 * POLL_MS);
    assert.equal(r.calls, 1);
  });
});
