/**
 * What `npm start` does once its flags are parsed: the local campaign (./local-stack.ts) started,
 * its summary printed, then stopped on Ctrl-C.
 */
import { formatInteger } from "../../site/lib/format.ts";
import { progress } from "./cli.ts";
import { DEV_FUNDING, startLocalStack, type LocalStack, type LocalStackOptions } from "./local-stack.ts";

/** How much test ETH Hardhat gives every dev account. */
const DEV_ETH = 10_000;

/** Resolves with the name of the first SIGINT or SIGTERM the process receives. */
export function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(signal);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
}

export interface RunLocalCampaignIo {
  /** Resolves with a reason to stop, once the stack runs (default: the next Ctrl-C). */
  stopWhen?: () => Promise<string>;
  /** Where the summary goes (default stdout). */
  write?: (text: string) => void;
  /** Each step as it starts, and the stopping (default stderr). */
  onProgress?: (message: string) => void;
}

/**
 * `npm start`: starts the local campaign, writes {@link localStackSummary}, and stops everything
 * when `stopWhen` resolves.
 */
export async function runLocalCampaign(
  options: LocalStackOptions,
  io: RunLocalCampaignIo = {},
): Promise<void> {
  const onProgress = io.onProgress ?? progress;
  const write = io.write ?? ((text: string) => process.stdout.write(text));
  const stack = await startLocalStack({ onProgress, ...options });
  write(localStackSummary(stack));
  const reason = await (io.stopWhen ?? nextStopSignal)();
  onProgress(`\n${reason}: stopping the site and the chain…`);
  await stack.close();
  onProgress("Stopped.");
}

/** What `npm start` prints once everything runs: every URL, the network for a wallet, the dev backer. */
export function localStackSummary(stack: Omit<LocalStack, "close" | "manifest" | "siteDir">): string {
  const { chain, backer } = stack;
  const symbol = chain.nativeCurrency.symbol;
  return [
    "",
    "peerpilot: the local campaign is running",
    "",
    `  site          ${stack.siteUrl}`,
    `  chain (RPC)   ${chain.url}  (chain id ${chain.chainId})`,
    `  escrow        ${stack.escrow}`,
    `  token (tUSD)  ${stack.token}`,
    `  deadline      ${new Date(Number(stack.deadline) * 1000).toISOString()}`,
    `  tracker       ${stack.tracker.wsAnnounce}  (desktop clients: ${stack.tracker.httpAnnounce})`,
    `  web seed      ${stack.webSeeds[0]}`,
    `  IPFS gateways ${stack.gateways.join(", ")}  (local stand-ins for public gateways)`,
    `  site on IPFS  ${stack.siteOnIpfs}`,
    `  pilot on IPFS ${stack.pilot.ipfsCid}`,
    `  pilot         ${stack.pilot.name}, info hash ${stack.pilot.infoHash}, seeding on TCP port ${stack.pilot.torrentPort}`,
    `  magnet        ${stack.pilot.magnet}`,
    `  manifest      ${stack.manifestFile}`,
    "",
    "  Add this network to your wallet (MetaMask: Settings > Networks > Add a network manually):",
    `    network     ${chain.name}`,
    `    RPC URL     ${chain.url}`,
    `    chain id    ${chain.chainId}`,
    `    currency    ${symbol}`,
    "",
    "  Dev backer to import into a wallet (a public test key: never send real funds to it):",
    `    address     ${backer.address}`,
    `    private key ${backer.privateKey}`,
    `    holds       ${DEV_FUNDING} tUSD and ${formatInteger(DEV_ETH)} test ${symbol}`,
    "",
    "Press Ctrl-C to stop.",
    "",
  ].join("\n");
}
