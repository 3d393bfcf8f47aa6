/**
 * What the Progress component's live part says, as plain data: computed from the campaign
 * config and a chain reading (or the error a read threw). Pure, so it is unit-tested without
 * a DOM; progress-live.ts only copies these strings into the page.
 */
import {
  endpointHost,
  NoContractError,
  RpcError,
  RpcUnreachableError,
  WrongChainError,
  type CampaignReading,
} from "./chain-read.ts";
import { formatInteger, formatPercent, formatTimeLeft, formatTokenAmount, stateLabel } from "./format.ts";

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
  state: string;
  /** "1,234 of 250,000 (0.49%)". */
  backers: string;
  /** For `<progress value>`: capped at the goal (a bar cannot overflow). */
  progressValue: number;
  totalPledged: string;
}

/** What the figures say before any read succeeded (never an endless "loading"). */
export const NOT_READ = "not read yet";

/** Reads and checks the JSON a Progress element carries in `data-config`. */
export function parseProgressConfig(json: string | undefined): ProgressConfig {
  const config = JSON.parse(json ?? "null") as Partial<ProgressConfig> | null;
  if (
    config === null ||
    !Array.isArray(config.rpcUrls) ||
    typeof config.chainId !== "number" ||
    typeof config.escrow !== "string" ||
    typeof config.goalBackers !== "number" ||
    typeof config.deadline !== "number" ||
    typeof config.token?.symbol !== "string" ||
    typeof config.token.decimals !== "number"
  ) {
    throw new TypeError("data-config does not describe a campaign");
  }
  return config as ProgressConfig;
}

/** The live figures for one reading. */
export function readingView(config: ProgressConfig, reading: CampaignReading): ReadingView {
  const goal = BigInt(config.goalBackers);
  return {
    state: stateLabel(reading.state),
    backers: `${formatInteger(reading.backers)} of ${formatInteger(goal)} (${formatPercent(reading.backers, goal)})`,
    progressValue: Number(reading.backers < goal ? reading.backers : goal),
    totalPledged: formatTokenAmount(reading.totalPledged, config.token),
  };
}

/** Time left, measured by the chain's clock when known (`nowSeconds`), else the browser's. */
export function timeLeftText(config: ProgressConfig, nowSeconds: number): string {
  return formatTimeLeft(config.deadline - nowSeconds);
}

/**
 * One plain sentence for a failed read: what went wrong, where, and that it will be retried.
 * Built only from the error's fields, which chain-read.ts fills with its own words (endpoints
 * by host, status numbers, JSON-RPC codes), never with text an endpoint sent.
 * @param retrySeconds When the next attempt is due.
 */
export function errorText(config: ProgressConfig, error: unknown, retrySeconds: number): string {
  const retry = `Retrying in ${retrySeconds} s.`;
  if (error instanceof RpcUnreachableError) {
    const list = error.failures.map((f) => `${f.host} (${f.reason})`).join(", ");
    return `Could not reach the chain: ${list}. ${retry}`;
  }
  if (error instanceof WrongChainError) {
    return `The RPC ${error.host} is on the wrong chain: expected ${error.expected}, the RPC reports ${error.actual}. ${retry}`;
  }
  if (error instanceof NoContractError) {
    return `There is no contract at the escrow address ${error.address} on chain ${error.chainId} (asked ${error.host}). ${retry}`;
  }
  if (error instanceof RpcError) {
    const code = error.code === undefined ? "without a valid JSON-RPC code" : `JSON-RPC code ${error.code}`;
    return `The RPC ${error.host} answered ${error.method} with an error (${code}). ${retry}`;
  }
  // Not from an endpoint: chain-read.ts throws only its own errors for whatever an endpoint sends.
  const message = error instanceof Error ? error.message : String(error);
  return `Could not read the campaign from ${config.rpcUrls.map(endpointHost).join(", ")}: ${message}. ${retry}`;
}
