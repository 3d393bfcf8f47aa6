/**
 * The live part of the Progress component, loaded on demand by its tiny inline script: reads
 * the escrow every {@link POLL_MS} while the tab is visible and copies the figures into the
 * page. Only figures that changed are written, so the polite live regions speak only when
 * something happened; the countdown is outside them and never announced.
 */
import { createChainReader, type CampaignReading } from "./chain-read.ts";
import { errorText, NOT_READ, parseProgressConfig, readingView, timeLeftText } from "./progress-view.ts";

export const POLL_MS = 15_000;
const TICK_MS = 1_000;

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
    setText(field("message"), errorText(config, error, POLL_MS / 1000));
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
      reading = r;
      readAt = Date.now();
      show(r);
      tick();
    } catch (error) {
      showError(error);
    } finally {
      inFlight = false;
      schedule(POLL_MS);
    }
  }

  function schedule(delayMs: number): void {
    clearTimeout(pollTimer);
    pollTimer = stopped || document.hidden ? undefined : setTimeout(() => void poll(), delayMs);
  }

  function resume(): void {
    clearInterval(tickTimer);
    tick();
    tickTimer = setInterval(tick, TICK_MS);
    if (!inFlight) schedule(Math.max(0, lastAttempt + POLL_MS - Date.now()));
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
