/**
 * Deploys a CampaignEscrow through Hardhat Ignition after checking everything that can be checked
 * before a transaction is sent: the chain, the token, the parameters. {@link deployCampaign} is
 * `npm run deploy`: it also connects to the network and writes the campaign manifest;
 * {@link deployEscrow} is the deployment alone, returning the manifest's `chain` and `escrow`.
 */
import { Contract, type Provider } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import CampaignEscrowModule from "../../ignition/modules/CampaignEscrow.ts";
import type { Address } from "../../site/lib/address.ts";
import { manifestPath, readOptionalManifest, writeManifest } from "../../site/lib/manifest-file.ts";
import { MANIFEST_VERSION, type Manifest, type ManifestInput } from "../../site/lib/manifest.ts";
import { EXIT, UserError } from "./cli.ts";
import {
  MAX_GOAL_BACKERS,
  parseDeadlineSpec,
  parseHttpUrl,
  parseTokenAmount,
  resolveDeadline,
  type DeadlineSpec,
} from "./parsers.ts";
import { REFERENCE_DURATION, REFERENCE_GOAL_BACKERS, REFERENCE_MIN_PLEDGE } from "./reference-campaign.ts";

/** The three ERC-20 metadata views read before a deployment. */
const ERC20_METADATA_ABI = [
  "function name() view returns (string)",
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
];

export interface EscrowParams {
  token: Address;
  beneficiary: Address;
  goalBackers: number;
  /** Smallest first pledge in the token's smallest unit. */
  minPledge: bigint;
  /** Unix seconds. */
  deadline: bigint;
}

export interface TokenInfo {
  address: Address;
  name: string;
  symbol: string;
  decimals: number;
}

/** Refuses to go on when the connected chain is not `expected`. */
export async function assertChain(provider: Provider, expected: number | undefined): Promise<number> {
  let actual: number;
  try {
    actual = Number((await provider.getNetwork()).chainId);
  } catch (error) {
    throw new UserError(
      `cannot reach the RPC endpoint: ${(error as Error).message.split("\n")[0]}. Check the URL and your network.`,
      EXIT.failure,
    );
  }
  if (expected !== undefined && actual !== expected) {
    throw new UserError(
      `wrong chain: you asked for chain ${expected}, but the RPC endpoint serves chain ${actual}. Nothing was sent.`,
    );
  }
  return actual;
}

/** Reads the token's name, symbol and decimals; refuses an address with no ERC-20 behind it. */
export async function readToken(provider: Provider, address: Address): Promise<TokenInfo> {
  const code = await provider.getCode(address);
  if (code === "0x") {
    throw new UserError(`token ${address} has no contract code on this chain: wrong address or wrong chain?`);
  }
  const token = new Contract(address, ERC20_METADATA_ABI, provider);
  try {
    const [name, symbol, decimals] = (await Promise.all(
      ["name", "symbol", "decimals"].map((view) => token.getFunction(view)()),
    )) as [string, string, bigint];
    return { address, name, symbol, decimals: Number(decimals) };
  } catch {
    throw new UserError(`token ${address} does not answer name(), symbol() and decimals(): is it an ERC-20?`);
  }
}

/**
 * Checks the five constructor values against the rules the contract enforces, and more, with the
 * chain's time `chainNow`; the token is read by {@link checkEscrowParams}.
 */
export function checkEscrowRules(params: EscrowParams, chainNow: bigint): void {
  if (params.goalBackers < 1 || params.goalBackers > MAX_GOAL_BACKERS) {
    throw new UserError(`goal must be from 1 to ${MAX_GOAL_BACKERS} backers.`);
  }
  if (params.minPledge <= 0n) throw new UserError("minimum pledge must be greater than zero.");
  if (params.beneficiary.toLowerCase() === params.token.toLowerCase()) {
    throw new UserError("beneficiary is the token contract itself: the funds would be lost.");
  }
  assertDeadlineAhead(params.deadline, chainNow);
}

/** {@link checkEscrowRules} at the chain's latest block time, then the token read (an ERC-20?). */
export async function checkEscrowParams(provider: Provider, params: EscrowParams): Promise<TokenInfo> {
  checkEscrowRules(params, await latestBlockTime(provider));
  return readToken(provider, params.token);
}

/** Refuses a deadline that is not after the chain's latest block time. */
export function assertDeadlineAhead(deadline: bigint, chainNow: bigint): void {
  if (deadline <= chainNow) {
    const when = (s: bigint) => new Date(Number(s) * 1000).toISOString();
    throw new UserError(
      `deadline ${when(deadline)} is not in the future: the chain's latest block is at ${when(chainNow)}.`,
    );
  }
}

/** Timestamp (Unix seconds) of the chain's latest block. */
export async function latestBlockTime(provider: Provider): Promise<bigint> {
  const latest = await provider.getBlock("latest");
  if (latest === null) throw new UserError("the RPC endpoint returned no latest block.", EXIT.failure);
  return BigInt(latest.timestamp);
}

export interface DeployResult {
  chain: Pick<Manifest["chain"], "id">;
  escrow: Manifest["escrow"];
}

/**
 * Deploys the escrow with Ignition on `connection` and returns what the manifest needs. The
 * deployment block is found exactly (first block with the contract's code), so event scans
 * start where the escrow begins.
 */
export async function deployEscrow(
  connection: NetworkConnection<string>,
  params: EscrowParams,
  options: { expectedChainId?: number; deploymentId?: string } = {},
): Promise<DeployResult> {
  const { provider } = connection.ethers;
  const chainId = await assertChain(provider, options.expectedChainId);
  const token = await checkEscrowParams(provider, params);
  const before = await provider.getBlockNumber();
  // One Ignition deployment per campaign: a second campaign on the same chain is a new
  // deployment, and re-running the same campaign resumes its own journal.
  const deploymentId = options.deploymentId ?? `campaign-${chainId}-${params.deadline}`;
  const { escrow } = await connection.ignition.deploy(CampaignEscrowModule, {
    parameters: {
      CampaignEscrow: {
        token: params.token,
        beneficiary: params.beneficiary,
        goalBackers: params.goalBackers,
        minPledge: params.minPledge,
        deadline: params.deadline,
      },
    },
    deploymentId,
  });
  const address = (await escrow.getAddress()) as Address;
  const deployBlock = await firstBlockWithCode(provider, address, before);
  return {
    chain: { id: chainId },
    escrow: {
      address,
      deployBlock,
      token: { address: token.address, name: token.name, symbol: token.symbol, decimals: token.decimals },
      beneficiary: params.beneficiary,
      goalBackers: params.goalBackers,
      minPledge: params.minPledge.toString(),
      deadline: Number(params.deadline),
    },
  };
}

/** Binary search for the first block at or after `from` where `address` has code. */
async function firstBlockWithCode(provider: Provider, address: Address, from: number): Promise<number> {
  let low = from;
  let high = await provider.getBlockNumber();
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const code = await provider.getCode(address, middle);
    if (code !== "0x") high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Where Ignition keeps its deployment journals (Hardhat's default, under the project root). */
export const IGNITION_DEPLOYMENTS_DIR = "ignition/deployments";

/** A local chain's name in the manifest, and so in wallets that add it. */
export const LOCAL_CHAIN_NAME = "Local Hardhat chain";

/** The networks `npm run deploy` knows (hardhat.config.ts). */
export const DEPLOY_NETWORKS = ["localhost", "remote"] as const;
export type DeployNetwork = (typeof DEPLOY_NETWORKS)[number];
/** The environment variables the `remote` network reads its endpoint and key from. */
const REMOTE_ENV = ["PEERPILOT_RPC_URL", "PEERPILOT_DEPLOYER_KEY"] as const;

export interface DeployCampaignOptions {
  /** `localhost`: npm start's chain, dev account #0 deploys; `remote`: RPC URL and key from the env. */
  network: DeployNetwork;
  token: Address;
  beneficiary: Address;
  /** Goal in backers (default the reference campaign's). */
  goalBackers?: number;
  /** Smallest first pledge in whole tokens, as typed (default the reference campaign's). */
  minPledge?: string;
  /** A date-time, or an offset from the chain's time (default the reference six weeks). */
  deadline?: DeadlineSpec;
  /** Connect here instead of the network's own URL. */
  rpcUrl?: string;
  /** The chain meant: any other is refused. Required for `remote`. */
  chainId?: number;
  /** Shown on the site (default "Chain <id>", or the local chain's name). */
  chainName?: string;
  /** The RPC URLs the site reads from. Required for `remote`: the private endpoint may hold a key. */
  publicRpcs?: string[];
  explorer?: string;
  /** Campaign title and tagline (default: kept from the manifest). */
  title?: string;
  tagline?: string;
  /** The manifest to write (default $PEERPILOT_MANIFEST or ./campaign.json). */
  manifest?: string;
  /** Run every check and return the plan; send nothing. */
  dryRun?: boolean;
  /**
   * Ignition's deployment id, whose journal lets an interrupted deployment resume (default
   * `campaign-<chain id>-<deadline>`, see {@link deployEscrow}).
   */
  deploymentId?: string;
  /** Where `remote`'s variables are looked for (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  onProgress?: (message: string) => void;
}

export interface DeployCampaignResult {
  chainId: number;
  token: TokenInfo;
  params: EscrowParams;
  /** Undefined for a dry run. */
  deployed?: DeployResult;
  /** The manifest written (undefined for a dry run). */
  manifestFile?: string;
}

/** Refuses, before any connection, a `remote` deployment missing what keeps it safe. */
function checkRemote(options: DeployCampaignOptions): void {
  if (options.network !== "remote") return;
  const env = options.env ?? process.env;
  const missing = REMOTE_ENV.filter((name) => !env[name]);
  if (missing.length > 0)
    throw new UserError(`--network remote needs ${missing.join(" and ")} in the environment.`);
  if (options.chainId === undefined)
    throw new UserError(
      "--network remote needs --chain-id, so a wrong RPC URL cannot deploy to the wrong chain.",
    );
  if (options.publicRpcs === undefined || options.publicRpcs.length === 0) {
    throw new UserError(
      "--network remote needs --public-rpc <url>: the site must not embed PEERPILOT_RPC_URL, which may hold a key.",
    );
  }
}

/**
 * `npm run deploy`: checks every parameter against the chain, deploys the escrow with Ignition
 * (unless `dryRun`) and writes the campaign manifest, keeping what an existing one says beyond
 * the chain and the escrow. Bad input throws a {@link UserError} before anything is sent.
 */
export async function deployCampaign(options: DeployCampaignOptions): Promise<DeployCampaignResult> {
  const onProgress = options.onProgress ?? (() => undefined);
  const { rpcUrl } = options;
  if (rpcUrl !== undefined) parseHttpUrl(rpcUrl, "--rpc-url");
  checkRemote(options);
  const file = options.manifest ?? manifestPath();
  const previous = await readOptionalManifest(file);

  onProgress(`Connecting to ${options.network}…`);
  const unreachable = (error: Error): never => {
    throw new UserError(
      `cannot reach the RPC endpoint of "${options.network}"${rpcUrl === undefined ? "" : ` (${rpcUrl})`}: ${error.message.split("\n")[0]} Check the URL and that the node is running; nothing was sent.`,
      EXIT.failure,
    );
  };
  const connection = await network
    .create(rpcUrl === undefined ? options.network : { network: options.network, override: { url: rpcUrl } })
    .catch(unreachable);
  try {
    const { provider } = connection.ethers;
    // The first request: an endpoint that does not answer gets the message naming it.
    await provider.getNetwork().catch(unreachable);
    const chainId = await assertChain(provider, options.chainId);
    const token = await readToken(provider, options.token);
    const minPledgeText = options.minPledge ?? REFERENCE_MIN_PLEDGE;
    const chainNow = await latestBlockTime(provider);
    const params: EscrowParams = {
      token: options.token,
      beneficiary: options.beneficiary,
      goalBackers: options.goalBackers ?? REFERENCE_GOAL_BACKERS,
      minPledge: parseTokenAmount(minPledgeText, token.decimals, "--min-pledge"),
      deadline: resolveDeadline(options.deadline ?? parseDeadlineSpec(REFERENCE_DURATION), chainNow),
    };
    checkEscrowRules(params, chainNow);
    onProgress(deployPlan(chainId, params, token, minPledgeText));
    if (options.dryRun === true) {
      onProgress("Dry run: every check passed; nothing was sent.");
      return { chainId, token, params };
    }
    const deployed = await deployEscrow(connection, params, {
      expectedChainId: chainId,
      ...(options.deploymentId === undefined ? {} : { deploymentId: options.deploymentId }),
    });
    const remote = options.network === "remote";
    const ownUrl =
      connection.networkConfig.type === "http" ? await connection.networkConfig.url.get() : undefined;
    // Remote deployments must name a public RPC (checked above); localhost is npm start's chain.
    const rpcUrls = options.publicRpcs ?? [rpcUrl ?? ownUrl ?? ""];
    const manifest: ManifestInput = {
      ...previous,
      version: MANIFEST_VERSION,
      campaign: {
        title: options.title ?? previous?.campaign.title ?? "Untitled pilot",
        tagline: options.tagline ?? previous?.campaign.tagline ?? "Watch the pilot free. Back the season.",
      },
      chain: {
        id: chainId,
        name: options.chainName ?? (remote ? `Chain ${chainId}` : LOCAL_CHAIN_NAME),
        rpcUrls,
        ...(options.explorer === undefined ? {} : { explorerUrl: options.explorer }),
      },
      escrow: deployed.escrow,
    };
    await writeManifest(manifest, file);
    return { chainId, token, params, deployed, manifestFile: file };
  } finally {
    await connection.close();
  }
}

/** The constructor call about to be sent, as `npm run deploy` shows it before sending. */
export function deployPlan(
  chainId: number,
  params: EscrowParams,
  token: TokenInfo,
  minPledgeText: string,
): string {
  return [
    `Chain ${chainId}: CampaignEscrow(`,
    `  token        ${params.token} (${token.symbol}, ${token.decimals} decimals)`,
    `  beneficiary  ${params.beneficiary}`,
    `  goalBackers  ${params.goalBackers}`,
    `  minPledge    ${params.minPledge} (${minPledgeText} ${token.symbol})`,
    `  deadline     ${params.deadline} (${new Date(Number(params.deadline) * 1000).toISOString()})`,
    ")",
  ].join("\n");
}
