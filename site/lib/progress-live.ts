/**
 * The live part of the Progress component (`<pp-progress>`), loaded on demand by its element:
 * reads the escrow through the read loop (site/lib/live-poll.ts: the poll schedule, backoff,
 * visibility, and a re-read on `peerpilot:refresh`) and copies the figures into the page. Only
 * figures that changed are written, so the polite live regions speak only when something
 * happened; the countdown is outside them and never announced. On the watch page the recent
 * backers ride along (site/lib/recent-backers-live.ts): one loop, one batch per read.
 */
import { createChainReader, type CampaignReading, type ChainReader, type MoreCalls } from "./chain-read.ts";
import { setText, startLivePoll } from "./live-poll.ts";
import {
  errorText,
  NOT_READ,
  OPEN_STATE,
  parseProgressConfig,
  readingView,
  timeLeftView,
  type ProgressConfig,
} from "./progress-view.ts";

/** A part of the page that reads along with the figures, in the same batch and the same loop. */
export interface Rider<T> {
  /** What it adds to the next read's batch. */
  more(): MoreCalls<T> | undefined;
  /** Shows what a read brought; resolves to whether that changed. May read more, may throw. */
  update(reading: CampaignReading & { more: T | undefined }): Promise<boolean>;
  /** A read failed: the figures' message says why. */
  failed(): void;
}

const TICK_MS = 1_000;

/** Whether a reading's figures differ from the previous one's (the block's clock aside). */
function changed(before: CampaignReading | undefined, after: CampaignReading): boolean {
  return (
    before === undefined ||
    before.state !== after.state ||
    before.backers !== after.backers ||
    before.totalPledged !== after.totalPledged
  );
}

/** Starts updating one Progress element. Returns a function that stops it. */
export function startProgress<T>(
  root: HTMLElement,
  ride?: (config: ProgressConfig, reader: ChainReader) => Rider<T>,
): () => void {
  const config = parseProgressConfig(root.dataset.config);
  const reader = createChainReader({ rpcUrls: config.rpcUrls, chainId: config.chainId });
  const rider = ride?.(config, reader);
  const field = (name: string) => root.querySelector<HTMLElement>(`[data-field="${name}"]`);
  const bar = root.querySelector("progress");

  let reading: CampaignReading | undefined;
  /** `Date.now()` when `reading` arrived: chain time advances from there. */
  let readAt = 0;

  /** The chain's clock now, as far as the last reading tells (the browser's before any). */
  function chainNow(): number {
    return reading === undefined
      ? Date.now() / 1000
      : Number(reading.blockTimestamp) + (Date.now() - readAt) / 1000;
  }

  function tick(): void {
    const now = chainNow();
    const { value, label } = timeLeftView(config, now);
    setText(field("time-left"), value);
    setText(field("time-label"), label);
    if (reading !== undefined) showOutcome(readingView(config, reading, now).outcome);
  }

  /**
   * The outcome's line: the headline once decided; while open, the state for screen readers (hidden from
   * sight by CSS).
   */
  function showOutcome(outcome: string): void {
    const headline = field("outcome");
    if (headline === null) return;
    setText(headline, outcome || OPEN_STATE);
    headline.hidden = false;
    root.dataset.outcome = outcome === "" ? "open" : "decided";
  }

  function show(r: CampaignReading): void {
    const view = readingView(config, r, chainNow());
    showOutcome(view.outcome);
    setText(field("backers"), view.backers);
    setText(field("percent"), view.percent);
    setText(field("total"), view.totalPledged);
    setText(field("message"), "");
    if (bar !== null) {
      bar.hidden = false;
      bar.value = view.progressValue;
    }
  }

  function showError(error: unknown, retryMs: number): void {
    setText(field("message"), errorText(error, retryMs / 1000));
    if (reading === undefined) {
      // Nothing to show yet: say so instead of an endless "loading".
      for (const name of ["backers", "total"]) setText(field(name), NOT_READ);
      setText(field("percent"), "");
      if (bar !== null) bar.hidden = true;
    }
  }

  const stopPolling = startLivePoll({
    async read() {
      const r = await reader.readCampaign(config.escrow, rider?.more());
      const different = changed(reading, r);
      reading = r;
      readAt = Date.now();
      show(r);
      tick();
      return (await rider?.update(r)) || different;
    },
    failed(error, retryMs) {
      showError(error, retryMs);
      rider?.failed();
    },
  });

  // The countdown: one cheap text write a second, skipped by setText when nothing changed.
  tick();
  const tickTimer = setInterval(tick, TICK_MS);

  return () => {
    stopPolling();
    clearInterval(tickTimer);
  };
}
