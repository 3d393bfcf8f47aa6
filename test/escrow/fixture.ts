/**
 * Shared setup for the escrow's TypeScript specifications: a fresh in-process chain with the
 * USDC-like TestStablecoin, a campaign, and funded, approved backers. Contracts are ethers v6
 * contracts with the types TypeChain generates on `hardhat build` (types/ethers-contracts/).
 */
import assert from "node:assert/strict";
import { inspect } from "node:util";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  Contract,
  Signature,
  type AddressLike,
  type BaseContract,
  type ContractTransactionResponse,
} from "ethers";
import { network } from "hardhat";
import { REFERENCE_MIN_PLEDGE_UNITS } from "../../scripts/lib/reference-campaign.ts";
import { TOKEN_ABI } from "../../site/lib/back/escrow-abi.ts";
import { CampaignState } from "../../site/lib/campaign-state.ts";
import {
  permitTypedData,
  PERMIT_TYPES,
  readPermitDomain,
  splitSignature,
  type PermitRequest,
} from "../../site/lib/permit.ts";
import { expectRevert } from "../helpers/escrow-errors.ts";

export const DAY = 24n * 60n * 60n;
export const WEEK = 7n * DAY;
/** The reference campaign's minimum pledge (9.95 of a 6-decimals stablecoin), in token units. */
export const MIN_PLEDGE = REFERENCE_MIN_PLEDGE_UNITS;
/** CampaignEscrow.State (site/lib/campaign-state.ts) as ethers returns it: a uint8, so a bigint. */
export const State = Object.fromEntries(
  Object.entries(CampaignState).map(([name, value]) => [name, BigInt(value)]),
) as { readonly [Name in keyof typeof CampaignState]: bigint };

export type Connection = Awaited<ReturnType<typeof connect>>;
export type Signer = HardhatEthersSigner;

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
  const { ethers, networkHelpers } = conn;
  const {
    goalBackers = 3,
    minPledge = MIN_PLEDGE,
    duration = 4n * WEEK,
    funding = 1_000n * MIN_PLEDGE,
    restricted = false,
  } = options;
  const [deployer, beneficiary, ...backers] = await ethers.getSigners();
  const deployed = restricted
    ? await (await ethers.getContractFactory("RestrictedStablecoin")).deploy("Test USD", "tUSD")
    : await (await ethers.getContractFactory("TestStablecoin")).deploy("Test USD", "tUSD");
  // RestrictedStablecoin extends TestStablecoin: both are driven through TestStablecoin's ABI here.
  const token = await ethers.getContractAt("TestStablecoin", deployed);
  const deadline = BigInt(await networkHelpers.time.latest()) + duration;
  const escrow = await (
    await ethers.getContractFactory("CampaignEscrow")
  ).deploy(token, beneficiary, goalBackers, minPledge, deadline);
  for (const backer of backers) {
    await token.mint(backer, funding);
    await token.connect(backer).approve(escrow, funding);
  }
  return {
    ethers,
    networkHelpers,
    token,
    escrow,
    deployer,
    beneficiary,
    backers,
    deadline,
    goalBackers,
    minPledge,
  };
}

export type Campaign = Awaited<ReturnType<typeof deployCampaign>>;

/** Has the first `count` backers pledge `amount` each. */
export async function pledgeFrom(campaign: Campaign, count: number, amount = campaign.minPledge) {
  for (const backer of campaign.backers.slice(0, count)) {
    await campaign.escrow.connect(backer).pledge(amount);
  }
}

/** A 0x-prefixed hex string, checked, in the type site/lib/permit.ts takes. */
function hex(value: string): PermitRequest["owner"] {
  assert.match(value, /^0x[0-9a-fA-F]*$/);
  return value as PermitRequest["owner"];
}

/**
 * Signs an EIP-2612 permit for `spender` with `owner`'s key and splits it into v, r, s. The typed
 * data and the split are the site's (site/lib/permit.ts), so these tests also check that what
 * the site asks a wallet to sign is what the token verifies.
 */
export async function signPermit(
  campaign: Campaign,
  owner: Signer,
  spender: AddressLike,
  value: bigint,
  deadline: bigint,
) {
  const { token, ethers } = campaign;
  const [nonce, { chainId }, tokenAddress, spenderAddress] = await Promise.all([
    token.nonces(owner),
    ethers.provider.getNetwork(),
    token.getAddress(),
    ethers.resolveAddress(spender),
  ]);
  // The domain as the site reads it, through its own token ABI.
  const domain = await readPermitDomain(
    new Contract(tokenAddress, TOKEN_ABI, ethers.provider),
    chainId,
    hex(tokenAddress),
  );
  assert.ok(domain !== undefined, "the site found no permit domain in the test token");
  const typedData = permitTypedData({
    domain,
    owner: hex(owner.address),
    spender: hex(spenderAddress),
    value,
    nonce,
    deadline,
  });
  const signature = await owner.signTypedData(
    typedData.domain,
    { Permit: [...PERMIT_TYPES.Permit] },
    typedData.message,
  );
  const split = splitSignature(hex(signature));
  // The site's split must agree with ethers' own reading of the signature.
  const { v, r, s } = Signature.from(signature);
  assert.deepEqual(split, { v, r, s });
  return split;
}

/** Gas used by a mined transaction. */
export async function gasOf(tx: Promise<ContractTransactionResponse>) {
  const receipt = await (await tx).wait();
  assert.ok(receipt !== null, "the transaction has no receipt");
  return receipt.gasUsed;
}

/**
 * Awaits the transaction `tx` and asserts that `contract` emitted exactly one `eventName` in it,
 * with exactly `eventArgs` (integers as bigints, addresses checksummed). Logs are decoded with
 * `contract`'s ABI; logs of other contracts (the token's Transfer) are not looked at.
 */
export async function expectEvent(
  tx: Promise<ContractTransactionResponse>,
  contract: BaseContract,
  eventName: string,
  eventArgs: readonly unknown[],
) {
  const receipt = await (await tx).wait();
  assert.ok(receipt !== null, "the transaction has no receipt");
  const address = (await contract.getAddress()).toLowerCase();
  const events = receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => contract.interface.parseLog(log))
    .filter((event) => event !== null);
  const named = events.filter((event) => event.name === eventName);
  const emitted =
    events
      .map(
        (event) =>
          `${event.name}(${event.args
            .toArray(true)
            .map((arg) => inspect(arg))
            .join(", ")})`,
      )
      .join(", ") || "nothing";
  assert.equal(named.length, 1, `expected one ${eventName} event; the contract emitted ${emitted}`);
  assert.deepEqual(
    named[0].args.toArray(true),
    [...eventArgs],
    `${eventName}'s arguments differ; the contract emitted ${emitted}`,
  );
}

/** The arguments of CampaignEscrow's constructor. */
export type EscrowArgs = readonly [
  token: AddressLike,
  beneficiary: AddressLike,
  goalBackers: number,
  minPledge: bigint,
  deadline: bigint,
];

/** Enough for CampaignEscrow's deployment. */
const DEPLOY_GAS_LIMIT = 3_000_000n;

/**
 * Asserts that deploying `CampaignEscrow` with `args` reverts with the custom error `errorName`
 * and exactly `errorArgs`. The deploy is sent with a fixed gas limit, so no gas estimate runs
 * first: the revert comes from the mined deploying block, whose time a test can set with
 * `networkHelpers.time.setNextBlockTimestamp`.
 */
export async function expectDeployRevert(
  conn: Connection,
  args: EscrowArgs,
  errorName: string,
  errorArgs: readonly unknown[],
) {
  const factory = await escrowFactory(conn);
  await expectRevert(factory.deploy(...args, { gasLimit: DEPLOY_GAS_LIMIT }), factory, errorName, errorArgs);
}

/** CampaignEscrow's typed factory, deploying from the first dev account. */
export async function escrowFactory(conn: Connection) {
  return conn.ethers.getContractFactory("CampaignEscrow");
}
