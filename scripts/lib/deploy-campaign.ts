/**
 * Deploys a CampaignEscrow through Hardhat Ignition after checking everything that can be checked
 * before a transaction is sent: the chain, the token, the parameters. Returns the manifest's
 * `chain` and `escrow` sections.
 */
import type { NetworkConnection } from "hardhat/types/network";
import { erc20Abi, type Address, type PublicClient } from "viem";
import CampaignEscrowModule from "../../ignition/modules/CampaignEscrow.ts";
import type { Manifest } from "../../site/lib/manifest.ts";
import { EXIT, UserError } from "./cli.ts";
import { assertDeadlineAhead, MAX_GOAL_BACKERS } from "./campaign-params.ts";

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
export async function assertChain(publicClient: PublicClient, expected: number | undefined): Promise<number> {
  let actual: number;
  try {
    actual = await publicClient.getChainId();
  } catch (error) {
    throw new UserError(`cannot reach the RPC endpoint: ${(error as Error).message.split("\n")[0]}. Check the URL and your network.`, EXIT.failure);
  }
  if (expected !== undefined && actual !== expected) {
    throw new UserError(`wrong chain: you asked for chain ${expected}, but the RPC endpoint serves chain ${actual}. Nothing was sent.`);
  }
  return actual;
}

/** Reads the token's name, symbol and decimals; refuses an address with no ERC-20 behind it. */
export async function readToken(publicClient: PublicClient, address: Address): Promise<TokenInfo> {
  const code = await publicClient.getCode({ address });
  if (code === undefined || code === "0x") {
    throw new UserError(`token ${address} has no contract code on this chain: wrong address or wrong chain?`);
  }
  try {
    const [name, symbol, decimals] = await Promise.all([
      publicClient.readContract({ address, abi: erc20Abi, functionName: "name" }),
      publicClient.readContract({ address, abi: erc20Abi, functionName: "symbol" }),
      publicClient.readContract({ address, abi: erc20Abi, functionName: "decimals" }),
    ]);
    return { address, name, symbol, decimals };
  } catch {
    throw new UserError(`token ${address} does not answer name(), symbol() and decimals(): is it an ERC-20?`);
  }
}

/** Checks the five constructor values against the rules the contract enforces, and more. */
export async function checkEscrowParams(publicClient: PublicClient, params: EscrowParams): Promise<TokenInfo> {
  if (params.goalBackers < 1 || params.goalBackers > MAX_GOAL_BACKERS) {
    throw new UserError(`goal must be from 1 to ${MAX_GOAL_BACKERS} backers.`);
  }
  if (params.minPledge <= 0n) throw new UserError("minimum pledge must be greater than zero.");
  if (params.beneficiary.toLowerCase() === params.token.toLowerCase()) {
    throw new UserError("beneficiary is the token contract itself: the funds would be lost.");
  }
  const latest = await publicClient.getBlock();
  assertDeadlineAhead(params.deadline, latest.timestamp);
  return readToken(publicClient, params.token);
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
  const publicClient = await connection.viem.getPublicClient();
  const chainId = await assertChain(publicClient, options.expectedChainId);
  const token = await checkEscrowParams(publicClient, params);
  const before = await publicClient.getBlockNumber();
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
  const deployBlock = await firstBlockWithCode(publicClient, escrow.address, before);
  return {
    chain: { id: chainId },
    escrow: {
      address: escrow.address,
      deployBlock: Number(deployBlock),
      token: { address: token.address, name: token.name, symbol: token.symbol, decimals: token.decimals },
      beneficiary: params.beneficiary,
      goalBackers: params.goalBackers,
      minPledge: params.minPledge.toString(),
      deadline: Number(params.deadline),
    },
  };
}

/** Binary search for the first block at or after `from` where `address` has code. */
async function firstBlockWithCode(publicClient: PublicClient, address: Address, from: bigint): Promise<bigint> {
  let low = from;
  let high = await publicClient.getBlockNumber();
  while (low < high) {
    const middle = (low + high) / 2n;
    const code = await publicClient.getCode({ address, blockNumber: middle });
    if (code !== undefined && code !== "0x") high = middle;
    else low = middle + 1n;
  }
  return low;
}
