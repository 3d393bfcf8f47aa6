/**
 * Deploys a CampaignEscrow through Hardhat Ignition after checking everything that can be checked
 * before a transaction is sent: the chain, the token, the parameters. Returns the manifest's
 * `chain` and `escrow` sections.
 */
import { Contract, type Provider } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import CampaignEscrowModule from "../../ignition/modules/CampaignEscrow.ts";
import type { Address } from "../../site/lib/address.ts";
import type { Manifest } from "../../site/lib/manifest.ts";
import { EXIT, UserError } from "./cli.ts";
import { assertDeadlineAhead, MAX_GOAL_BACKERS } from "./campaign-params.ts";

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

/** Checks the five constructor values against the rules the contract enforces, and more. */
export async function checkEscrowParams(provider: Provider, params: EscrowParams): Promise<TokenInfo> {
  if (params.goalBackers < 1 || params.goalBackers > MAX_GOAL_BACKERS) {
    throw new UserError(`goal must be from 1 to ${MAX_GOAL_BACKERS} backers.`);
  }
  if (params.minPledge <= 0n) throw new UserError("minimum pledge must be greater than zero.");
  if (params.beneficiary.toLowerCase() === params.token.toLowerCase()) {
    throw new UserError("beneficiary is the token contract itself: the funds would be lost.");
  }
  assertDeadlineAhead(params.deadline, await latestBlockTime(provider));
  return readToken(provider, params.token);
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
