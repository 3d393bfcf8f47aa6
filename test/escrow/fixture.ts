/**
 * Shared setup for the escrow's TypeScript specifications: a fresh in-process chain with the
 * USDC-like TestStablecoin, a campaign, and funded, approved backers.
 */
import assert from "node:assert/strict";
import { network } from "hardhat";
import { permitTypedData, splitSignature } from "../../site/lib/permit.ts";
import {
  decodeErrorResult,
  encodeDeployData,
  type Abi,
  type Address,
  type BaseError,
  type Hex,
  type WalletClient,
} from "viem";

export const DAY = 24n * 60n * 60n;
export const WEEK = 7n * DAY;
/** 9.95 in a 6-decimals stablecoin. */
export const MIN_PLEDGE = 9_950_000n;
export const State = { Funding: 0, Succeeded: 1, Failed: 2, Released: 3 } as const;

export type Connection = Awaited<ReturnType<typeof connect>>;

/** Opens a new, isolated in-process chain. */
export async function connect() {
  return network.create();
}

export interface CampaignOptions {
  goalBackers?: number;
  minPledge?: bigint;
  /** Seconds from the latest block to the deadline. */
  duration?: bigint;
  /** Tokens minted to, and approved by, every dev account but the deployer. */
  funding?: bigint;
  /** Use RestrictedStablecoin, whose issuer (the deployer) can blacklist and pause. */
  restricted?: boolean;
}

/** Deploys TestStablecoin and a CampaignEscrow; funds and approves every other dev account. */
export async function deployCampaign(conn: Connection, options: CampaignOptions = {}) {
  const { viem, networkHelpers } = conn;
  const { goalBackers = 3, minPledge = MIN_PLEDGE, duration = 4n * WEEK, funding = 1_000n * MIN_PLEDGE, restricted = false } = options;
  const wallets = await viem.getWalletClients();
  const [deployer, beneficiary, ...backers] = wallets;
  const publicClient = await viem.getPublicClient();
  const deployed = await viem.deployContract(restricted ? "RestrictedStablecoin" : "TestStablecoin", ["Test USD", "tUSD"]);
  // RestrictedStablecoin extends TestStablecoin: both are driven through TestStablecoin's ABI here.
  const token = await viem.getContractAt("TestStablecoin", deployed.address);
  const deadline = BigInt(await networkHelpers.time.latest()) + duration;
  const escrow = await viem.deployContract("CampaignEscrow", [
    token.address,
    beneficiary.account.address,
    goalBackers,
    minPledge,
    deadline,
  ]);
  for (const backer of backers) {
    await token.write.mint([backer.account.address, funding]);
    await token.write.approve([escrow.address, funding], { account: backer.account });
  }
  return { viem, networkHelpers, publicClient, token, escrow, deployer, beneficiary, backers, deadline, goalBackers, minPledge };
}

export type Campaign = Awaited<ReturnType<typeof deployCampaign>>;

/** Has the first `count` backers pledge `amount` each. */
export async function pledgeFrom(campaign: Campaign, count: number, amount = campaign.minPledge) {
  for (const backer of campaign.backers.slice(0, count)) {
    await campaign.escrow.write.pledge([amount], { account: backer.account });
  }
}

/** Signs an EIP-2612 permit for `spender` with `owner`'s key and splits it into v, r, s. */
export async function signPermit(
  campaign: Campaign,
  owner: WalletClient,
  spender: Address,
  value: bigint,
  deadline: bigint,
) {
  const { token, publicClient } = campaign;
  const account = owner.account!;
  const [nonce, name, chainId] = await Promise.all([
    token.read.nonces([account.address]),
    token.read.name(),
    publicClient.getChainId(),
  ]);
  const signature = await owner.signTypedData({
    account,
    ...permitTypedData({ tokenName: name, chainId, token: token.address, owner: account.address, spender, value, nonce, deadline }),
  });
  return splitSignature(signature);
}

/** Gas used by a mined transaction. */
export async function gasOf(campaign: Campaign, hash: Promise<`0x${string}`>) {
  const receipt = await campaign.publicClient.waitForTransactionReceipt({ hash: await hash });
  return receipt.gasUsed;
}

/**
 * Asserts that deploying `CampaignEscrow` with `args` reverts with the custom error `errorName`
 * (and `errorArgs`, when given). Deploy reverts are read with an `eth_call`, whose revert data
 * names the error.
 */
export async function expectDeployRevert(
  conn: Connection,
  args: readonly [Address, Address, number, bigint, bigint],
  errorName: string,
  errorArgs?: readonly unknown[],
) {
  const { default: artifact } = await import("../../artifacts/contracts/CampaignEscrow.sol/CampaignEscrow.json", {
    with: { type: "json" },
  });
  const abi = artifact.abi as Abi;
  const publicClient = await conn.viem.getPublicClient();
  const [deployer] = await conn.viem.getWalletClients();
  const data = encodeDeployData({ abi, bytecode: artifact.bytecode as Hex, args });
  let revertData: Hex | undefined;
  try {
    await publicClient.call({ account: deployer.account, data });
  } catch (error) {
    const withData = (error as BaseError).walk((e) => typeof (e as { data?: unknown }).data === "string");
    revertData = (withData as { data?: Hex } | null)?.data;
  }
  assert.ok(revertData !== undefined, `deploying CampaignEscrow(${args.join(", ")}) did not revert`);
  const decoded = decodeErrorResult({ abi, data: revertData });
  assert.equal(decoded.errorName, errorName);
  if (errorArgs !== undefined) assert.deepEqual(decoded.args, errorArgs);
}
