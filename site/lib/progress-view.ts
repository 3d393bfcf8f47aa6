/**
 * What the Progress component's live part says, as plain data: computed from the campaign
 * config and a chain reading (or the error a read threw). Pure, so it is unit-tested without
 * a DOM; progress-live.ts only copies these strings into the page.
 */
import { ChainReadError, type CampaignReading } from "./chain-read.ts";
import { CampaignState } from "./campaign-state.ts";
import { formatInteger, formatPercent, formatTimeLeft, formatTokenAmount } from "./format.ts";

/** The slice of the manifest the live part needs, serialised into the page as JSON. */
export interface ProgressConfig {
  rpcUrls: string[];
  chainId: number;
  escrow: string;
  goalBackers: number;
  /** Unix seconds. */
  deadline: number;
  token: { symbol: string; decimals: number };
}

export interface ReadingView {
  /**
   * The decided outcome as a headline ("Funded", "Not funded — refunds open", "Released"); "" while funding.
   */
  outcome: string;
  /** The backer count alone, "1,234": the page says "backers of 250,000 goal" next to it. */
  backers: string;
  /** The share of the goal, "0.49%". */
  percent: string;
  /** For `<progress value>`: capped at the goal (a bar cannot overflow). */
  progressValue: number;
  totalPledged: string;
}

/**
 * The headline for each decided outcome, by `state()` value: what a fan most needs to know once the deadline
 * has passed.
 */
const OUTCOME_HEADLINES: Readonly<Record<number, string>> = {
  [CampaignState.Succeeded]: "Funded",
  [CampaignState.Failed]: "Not funded — refunds open",
  [CampaignState.Released]: "Released",
};

/**
 * The outcome headline for `state` (the escrow's `state()`) read at chain time `nowSeconds`: the
 * contract's own verdict, or, while a reading still says Funding though the deadline has passed
 * by the chain's clock (no block mined since), the verdict the contract will give at the next
 * block: Funded at the goal, else Not funded. "" while the campaign is open.
 */
export function outcomeHeadline(
  config: Pick<ProgressConfig, "goalBackers" | "deadline">,
  state: bigint,
  backers: bigint,
  nowSeconds: number,
): string {
  const decided =
    state === BigInt(CampaignState.Funding) && nowSeconds >= config.deadline
      ? backers >= BigInt(config.goalBackers)
        ? CampaignState.Succeeded
        : CampaignState.Failed
      : Number(state);
  return OUTCOME_HEADLINES[decided] ?? "";
}

/**
 * What the outcome's line says while the campaign is open, for screen readers only: seen, the
 * figures and the countdown say it.
 */
export const OPEN_STATE = "Funding: pledges are open.";

/** What the figures say before any read succeeded (never an endless "loading"). */
export const NOT_READ = "not read yet";

/**
 * Reads the JSON a Progress element carries in `data-config`. Its shape is not checked again in
 * the browser: Progress.astro writes it at build time from the manifest that
 * site/lib/manifest.ts validated, and test/integration/site-build.test.ts reads it back from the built
 * page. A missing attribute throws (a SyntaxError), which the element reports.
 */
export function parseProgressConfig(json: string | undefined): ProgressConfig {
  return JSON.parse(json ?? "") as ProgressConfig;
}

/**
 * The live figures for one reading.
 * @param nowSeconds The chain's clock now (see {@link outcomeHeadline}); default the reading's block time.
 */
export function readingView(
  config: ProgressConfig,
  reading: CampaignReading,
  nowSeconds = Number(reading.blockTimestamp),
): ReadingView {
  const goal = BigInt(config.goalBackers);
  return {
    outcome: outcomeHeadline(config, reading.state, reading.backers, nowSeconds),
    backers: formatInteger(reading.backers),
    percent: formatPercent(reading.backers, goal),
    progressValue: Number(reading.backers < goal ? reading.backers : goal),
    totalPledged: formatTokenAmount(reading.totalPledged, config.token),
  };
}

/**
 * The countdown as a big figure and the words after it: "12 days 4 hours" "left" while open,
 * "Ended" alone once the deadline has passed (the goal's line under it says when).
 */
export function timeLeftView(config: ProgressConfig, nowSeconds: number): { value: string; label: string } {
  return nowSeconds < config.deadline
    ? { value: formatTimeLeft(config.deadline - nowSeconds), label: "left" }
    : { value: "Ended", label: "" };
}

/**
 * One plain sentence for a failed read: what went wrong, where, and that it will be retried.
 * An error of chain-read.ts says it in its own message, built only from what it knows (endpoints
 * by host, status numbers, JSON-RPC codes), never from text an endpoint sent.
 * @param retrySeconds When the next attempt is due.
 */
export function errorText(error: unknown, retrySeconds: number): string {
  // Anything else is not from an endpoint: chain-read.ts throws only its own errors for what an endpoint
  // sends.
  return `${error instanceof ChainReadError ? error.message : `Could not read the campaign (${String(error)})`}. Retrying in ${retrySeconds} s.`;
}
