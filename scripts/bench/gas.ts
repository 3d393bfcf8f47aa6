/**
 * Gas of every escrow function on the reference campaign (goal 250,000 backers, 9.95 in a
 * 6-decimals permit stablecoin), measured from receipts on Hardhat's in-process EVM, and the
 * cost of one pledge in USD on L1 and on an L2.
 */
import { Contract, keccak256, toBeHex, Wallet, type ContractTransactionResponse } from "ethers";
import { network } from "hardhat";
import { REFERENCE_GOAL_BACKERS, REFERENCE_MIN_PLEDGE_UNITS } from "../lib/reference-campaign.ts";
import type { Address } from "../../site/lib/address.ts";
import { TOKEN_ABI } from "../../site/lib/back/escrow-abi.ts";
import { permitTypedData, readPermitDomain, splitSignature } from "../../site/lib/permit.ts";
import type { TestStablecoin } from "../../types/ethers-contracts/index.ts";
import { markdownTable, median } from "./stats.ts";
import { formatInteger } from "../../site/lib/format.ts";

const WEEK = 7n * 24n * 3600n;
const SAMPLES = 20;
const MIN = REFERENCE_MIN_PLEDGE_UNITS;

export interface GasPrices {
  ethUsd: number;
  l1Gwei: number;
  l2Gwei: number;
}

export type GasSamples = Map<string, number[]>;

/** Measures every state-changing function `SAMPLES` times (release: once per campaign). */
export async function measureGas(): Promise<GasSamples> {
  const { ethers, networkHelpers } = await network.create();
  const [deployer, beneficiary] = await ethers.getSigners();
  const samples: GasSamples = new Map();
  const record = async (name: string, sent: Promise<ContractTransactionResponse>) => {
    const receipt = await (await sent).wait();
    if (receipt === null) throw new Error(`${name}: no receipt`);
    samples.set(name, [...(samples.get(name) ?? []), Number(receipt.gasUsed)]);
  };
  let nextKey = 1n;
  /**
   * A fresh backer with ETH for gas, `tokens` minted to it, driven by impersonation; its key
   * (keccak256 of a counter) signs its permits. Same keys, same addresses, same calldata every run.
   */
  const newBacker = async (token: TestStablecoin, tokens: bigint) => {
    const key = new Wallet(keccak256(toBeHex(nextKey++)));
    await networkHelpers.impersonateAccount(key.address);
    await networkHelpers.setBalance(key.address, 10n ** 18n);
    await (await token.mint(key.address, tokens)).wait();
    return { key, signer: await ethers.getSigner(key.address), address: key.address as Address };
  };
  type Backer = Awaited<ReturnType<typeof newBacker>>;
  const deployCampaign = async (tokenName: "TestStablecoin" | "RestrictedStablecoin", goal: number) => {
    const deployed = await ethers.deployContract(tokenName, ["Test USD", "tUSD"], deployer);
    // RestrictedStablecoin extends TestStablecoin: drive both through TestStablecoin's ABI.
    const token = await ethers.getContractAt("TestStablecoin", deployed, deployer);
    const deadline = BigInt(await networkHelpers.time.latest()) + 4n * WEEK;
    const escrow = await ethers.deployContract(
      "CampaignEscrow",
      [token, beneficiary, goal, MIN, deadline],
      deployer,
    );
    return { token, escrow, deadline, escrowAddress: (await escrow.getAddress()) as Address };
  };

  // The reference campaign: pledges after approve (of exactly the amount, as the site asks),
  // top-ups, permit pledges and cancels.
  const reference = await deployCampaign("TestStablecoin", REFERENCE_GOAL_BACKERS);
  const { token, escrow } = reference;
  const { chainId } = await ethers.provider.getNetwork();
  const tokenAddress = (await token.getAddress()) as Address;
  const domain = await readPermitDomain(
    new Contract(tokenAddress, TOKEN_ABI, ethers.provider),
    chainId,
    tokenAddress,
  );
  if (domain === undefined) throw new Error("the test token has no permit domain");
  const signPermit = async (owner: Backer, value: bigint, deadline: bigint) => {
    const nonce = await token.nonces(owner.address);
    const typedData = permitTypedData({
      domain,
      owner: owner.address,
      spender: reference.escrowAddress,
      value,
      nonce,
      deadline,
    });
    return splitSignature(
      (await owner.key.signTypedData(typedData.domain, typedData.types, typedData.message)) as Address,
    );
  };
  const backers: Backer[] = [];
  // Backer 1 is not sampled: the first pledge ever also fills the escrow's empty balance slot.
  const first = await newBacker(token, 10n * MIN);
  await (await token.connect(first.signer).approve(escrow, MIN)).wait();
  await (await escrow.connect(first.signer).pledge(MIN)).wait();
  for (let i = 0; i < SAMPLES; i++) {
    const backer = await newBacker(token, 10n * MIN);
    backers.push(backer);
    await (await token.connect(backer.signer).approve(escrow, MIN)).wait();
    await record("pledge (new backer, after approve)", escrow.connect(backer.signer).pledge(MIN));
  }
  for (let i = 0; i < SAMPLES; i++) {
    // A backer who approved more than the pledge: the allowance slot stays non-zero (no refund).
    const backer = await newBacker(token, 10n * MIN);
    await (await token.connect(backer.signer).approve(escrow, 10n * MIN)).wait();
    await record("pledge (new backer, allowance left over)", escrow.connect(backer.signer).pledge(MIN));
  }
  for (const backer of backers) {
    await (await token.connect(backer.signer).approve(escrow, MIN)).wait();
    await record("pledge (top-up)", escrow.connect(backer.signer).pledge(MIN));
  }
  for (let i = 0; i < SAMPLES; i++) {
    const backer = await newBacker(token, 10n * MIN);
    const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
    const { v, r, s } = await signPermit(backer, MIN, deadline);
    await record(
      "pledgeWithPermit (new backer)",
      escrow.connect(backer.signer).pledgeWithPermit(MIN, deadline, v, r, s),
    );
  }
  for (const backer of backers.slice(0, SAMPLES / 2)) {
    await record("cancel", escrow.connect(backer.signer).cancel());
  }

  // The same pledge in a token whose issuer can blacklist and pause, as USDC's can.
  const restricted = await deployCampaign("RestrictedStablecoin", REFERENCE_GOAL_BACKERS);
  for (let i = 0; i <= SAMPLES; i++) {
    const backer = await newBacker(restricted.token, 10n * MIN);
    await (await restricted.token.connect(backer.signer).approve(restricted.escrow, MIN)).wait();
    const pledge = restricted.escrow.connect(backer.signer).pledge(MIN);
    if (i === 0) await (await pledge).wait();
    else await record("pledge (new backer, blacklist-checking token)", pledge);
  }

  // A failed campaign: refunds, triggered by a third party.
  const failed = await deployCampaign("TestStablecoin", REFERENCE_GOAL_BACKERS);
  const failedBackers: Address[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const backer = await newBacker(failed.token, 10n * MIN);
    await (await failed.token.connect(backer.signer).approve(failed.escrow, MIN)).wait();
    await (await failed.escrow.connect(backer.signer).pledge(MIN)).wait();
    failedBackers.push(backer.address);
  }
  await networkHelpers.time.increaseTo(failed.deadline);
  for (const backer of failedBackers) await record("refund", failed.escrow.connect(deployer).refund(backer));

  // Successful campaigns: one release each, to a beneficiary that holds no tokens yet (the dearest case).
  for (let i = 0; i < 3; i++) {
    const success = await deployCampaign("TestStablecoin", 2);
    for (let j = 0; j < 2; j++) {
      const backer = await newBacker(success.token, 10n * MIN);
      await (await success.token.connect(backer.signer).approve(success.escrow, MIN)).wait();
      await (await success.escrow.connect(backer.signer).pledge(MIN)).wait();
    }
    await networkHelpers.time.increaseTo(success.deadline);
    await record("release", success.escrow.connect(deployer).release());
  }
  return samples;
}

/** USD cost of `gas` at `gwei` per gas and `ethUsd` per ETH. */
function gasCostUsd(gas: number, gwei: number, ethUsd: number): number {
  return gas * gwei * 1e-9 * ethUsd;
}

export function gasTable(samples: GasSamples, prices: GasPrices): string {
  const usd = (value: number) => (value >= 0.01 ? `$${value.toFixed(2)}` : `$${value.toFixed(5)}`);
  const rows = [...samples.entries()].map(([name, values]) => {
    const med = median(values);
    return [
      name,
      String(values.length),
      formatInteger(Math.min(...values)),
      formatInteger(med),
      formatInteger(Math.max(...values)),
      usd(gasCostUsd(med, prices.l1Gwei, prices.ethUsd)),
      usd(gasCostUsd(med, prices.l2Gwei, prices.ethUsd)),
    ];
  });
  return markdownTable(
    [
      "function",
      "calls",
      "min gas",
      "median gas",
      "max gas",
      `L1 @ ${prices.l1Gwei} gwei`,
      `L2 @ ${prices.l2Gwei} gwei`,
    ],
    rows,
  );
}
