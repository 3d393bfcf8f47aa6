/**
 * The read loop shared by the page's live parts (the progress figures, the recent backers): reads
 * while the tab is visible, at the pace site/lib/poll-schedule.ts sets (every 15 s while what is
 * shown changes, down to once a minute while it does not, backing off with jitter on errors and
 * honouring a `Retry-After`), and at once when the page announces that the chain changed (the
 * back page fires {@link REFRESH_EVENT} on `document` after each confirmed transaction), an
 * active backoff still respected.
 */
import { RpcUnreachableError } from "./chain-read.ts";
import { INITIAL_POLL_STATE, nextPoll, POLL_MS } from "./poll-schedule.ts";

/** Fired on `document` when something on the page changed the chain: live parts read again. */
export const REFRESH_EVENT = "peerpilot:refresh";

/**
 * Sets `element`'s text only when it differs (an identical write in a live region would still be announced).
 */
export function setText(element: Element | null, text: string): void {
  if (element !== null && element.textContent !== text) element.textContent = text;
}

export interface LivePollOptions {
  /** One read; resolves to whether what it shows changed. */
  read: () => Promise<boolean>;
  /** A read failed; the next one is due in `retryMs`. */
  failed: (error: unknown, retryMs: number) => void;
}

/** Starts reading; returns a function that stops for good. */
export function startLivePoll({ read, failed }: LivePollOptions): () => void {
  let lastAttempt = 0;
  /** When the next read is due, counted from `lastAttempt`. */
  let delayMs = 0;
  let pollState = INITIAL_POLL_STATE;
  let inFlight = false;
  /** A refresh asked for while a read was in flight or the tab hidden: read once that is over. */
  let refreshWanted = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function poll(): Promise<void> {
    timer = undefined;
    if (stopped || inFlight || document.hidden) return;
    inFlight = true;
    refreshWanted = false;
    lastAttempt = Date.now();
    try {
      ({ delayMs, state: pollState } = nextPoll(pollState, { ok: true, changed: await read() }, Math.random));
    } catch (error) {
      // 0 when no endpoint asked for a pause: nextPoll ignores it.
      const seconds = error instanceof RpcUnreachableError ? (error.retryAfterSeconds ?? 0) : 0;
      ({ delayMs, state: pollState } = nextPoll(
        pollState,
        { ok: false, retryAfterMs: seconds * 1000 },
        Math.random,
      ));
      failed(error, delayMs);
    } finally {
      inFlight = false;
      if (refreshWanted) refresh();
      else schedule(delayMs);
    }
  }

  function schedule(ms: number): void {
    clearTimeout(timer);
    timer = stopped || document.hidden ? undefined : setTimeout(() => void poll(), ms);
  }

  /** When the next read may happen counted from now: at once, or when an active backoff ends. */
  function dueIn(ms: number): number {
    return Math.max(0, lastAttempt + ms - Date.now());
  }

  function refresh(): void {
    if (stopped) return;
    if (inFlight || document.hidden) {
      refreshWanted = true;
      return;
    }
    schedule(pollState.failures > 0 ? dueIn(delayMs) : 0);
  }

  function onVisibility(): void {
    if (document.hidden) {
      clearTimeout(timer);
      timer = undefined;
    } else if (refreshWanted) {
      refresh();
    } else if (!inFlight) {
      // A fan coming back reads as soon as the healthy pace allows, whatever the idle
      // slow-down; a backoff after failures is kept.
      schedule(dueIn(pollState.failures > 0 ? delayMs : Math.min(delayMs, POLL_MS)));
    }
  }

  document.addEventListener("visibilitychange", onVisibility);
  document.addEventListener(REFRESH_EVENT, refresh);
  onVisibility();

  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", onVisibility);
    document.removeEventListener(REFRESH_EVENT, refresh);
  };
}
