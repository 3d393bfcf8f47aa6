/**
 * The live part of the Progress component, loaded on demand by its tiny inline script: reads
 * the escrow while the tab is visible, at the pace site/lib/poll-schedule.ts sets (every 15 s
 * while figures change, down to once a minute while they do not, backing off on errors), and
 * copies the figures into the page. Only figures that changed are written, so the polite live
 * regions speak only when something happened; the countdown is outside them and never announced.
 */
import { createChainReader, RpcUnreachableError, type CampaignReading } from "./chain-read.ts";
import { INITIAL_POLL_STATE, nextPoll, POLL_MS, type PollOutcome } from "./poll-schedule.ts";
import { errorText, NOT_READ, parseProgressConfig, readingView, timeLeftText } from "./progress-view.ts";

const TICK_MS = 1_000;

/** Whether a reading's figures differ from the previous one's (the block's clock aside). */
function changed(before: CampaignReading | undefined, after: CampaignReading): boolean {
  return before === undefined || before.state !== after.state || before.backers !== after.backers || before.totalPledged !== after.totalPledged;
}

/** Sets `element`'s text only when it differs (an identical write would still be announced). */
function setText(element: Element | null, text: string): void {
  if (element !== null && element.textContent !== text) element.textContent = text;
}

/** Starts updating one `[data-progress]` element. Returns a function that stops it. */
export function startProgress(root: HTMLElement): () => void {
  const config = parseProgressConfig(root.dataset.config);
  const reader = createChainReader({ rpcUrls: config.rpcUrls, chainId: config.chainId });
  const field = (name: string) => root.querySelector(`[data-field="${name}"]`);
  const bar = root.querySelector("progress");

  let reading: CampaignReading | undefined;
  /** `Date.now()` when `reading` arrived: chain time advances from there. */
  let readAt = 0;
  let lastAttempt = 0;
  /** When the next read is due, counted from `lastAttempt`. */
  let delayMs = 0;
  let pollState = INITIAL_POLL_STATE;
  let inFlight = false;
  let stopped = false;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let tickTimer: ReturnType<typeof setInterval> | undefined;

  function tick(): void {
    const now = reading === undefined ? Date.now() / 1000 : Number(reading.blockTimestamp) + (Date.now() - readAt) / 1000;
    setText(field("time-left"), timeLeftText(config, now));
  }

  function show(r: CampaignReading): void {
    const view = readingView(config, r);
    setText(field("state"), view.state);
    setText(field("backers"), view.backers);
    setText(field("total"), view.totalPledged);
    setText(field("message"), "");
    if (bar !== null) {
      bar.hidden = false;
      bar.value = view.progressValue;
    }
  }

  function showError(error: unknown): void {
    setText(field("message"), errorText(config, error, delayMs / 1000));
    if (reading === undefined) {
      // Nothing to show yet: say so instead of an endless "loading".
      for (const name of ["state", "backers", "total"]) setText(field(name), NOT_READ);
      if (bar !== null) bar.hidden = true;
    }
  }

  async function poll(): Promise<void> {
    pollTimer = undefined;
    if (stopped || inFlight || document.hidden) return;
    inFlight = true;
    lastAttempt = Date.now();
    try {
      const r = await reader.readCampaign(config.escrow);
      next({ ok: true, changed: changed(reading, r) });
      reading = r;
      readAt = Date.now();
      show(r);
      tick();
    } catch (error) {
      const seconds = error instanceof RpcUnreachableError ? error.retryAfterSeconds : undefined;
      next({ ok: false, retryAfterMs: seconds === undefined ? undefined : seconds * 1000 });
      showError(error);
    } finally {
      inFlight = false;
      schedule(delayMs);
    }
  }

  /** Sets when the next read is due after `outcome`. */
  function next(outcome: PollOutcome): void {
    ({ delayMs, state: pollState } = nextPoll(pollState, outcome, Math.random));
  }

  function schedule(ms: number): void {
    clearTimeout(pollTimer);
    pollTimer = stopped || document.hidden ? undefined : setTimeout(() => void poll(), ms);
  }

  function resume(): void {
    clearInterval(tickTimer);
    tick();
    tickTimer = setInterval(tick, TICK_MS);
    // A fan coming back reads as soon as the healthy pace allows, whatever the idle slow-down;
    // a backoff after failures is kept.
    const due = pollState.failures > 0 ? delayMs : Math.min(delayMs, POLL_MS);
    if (!inFlight) schedule(Math.max(0, lastAttempt + due - Date.now()));
  }

  function pause(): void {
    clearTimeout(pollTimer);
    clearInterval(tickTimer);
    pollTimer = tickTimer = undefined;
  }

  const onVisibility = () => (document.hidden ? pause() : resume());
  document.addEventListener("visibilitychange", onVisibility);
  if (!document.hidden) resume();

  return () => {
    stopped = true;
    pause();
    document.removeEventListener("visibilitychange", onVisibility);
  };
}
