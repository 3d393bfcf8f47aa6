/**
 * Gas of every escrow function on the reference campaign (goal 250,000 backers, 9.95 in a
 * 6-decimals permit stablecoin), measured from receipts on Hardhat's in-process EVM, and the
 * cost of one pledge in USD on L1 and on an L2.
 */
import { network } from "hardhat";
import { keccak256, toHex, type Address, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { REFERENCE_GOAL_BACKERS, REFERENCE_MIN_PLEDGE_UNITS } from "../../ignition/modules/CampaignEscrow.ts";
import { permitTypedData, splitSignature } from "../../site/lib/permit.ts";
import { formatInt, markdownTable, median } from "./stats.ts";

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
  const { viem, networkHelpers } = await network.create();
  const publicClient = await viem.getPublicClient();
  const [deployer, beneficiary] = await viem.getWalletClients();
  const samples: GasSamples = new Map();
  const record = async (name: string, hash: Promise<Hex>) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
    samples.set(name, [...(samples.get(name) ?? []), Number(receipt.gasUsed)]);
  };
  let nextKey = 1n;
  /** A fresh backer with ETH for gas, `tokens` minted to it, driven by impersonation. */
  const newBacker = async (token: { write: { mint: (args: [Address, bigint]) => Promise<Hex> } }, tokens: bigint) => {
    const account = privateKeyToAccount(keccak256(toHex(nextKey++)));
    await networkHelpers.impersonateAccount(account.address);
    await networkHelpers.setBalance(account.address, 10n ** 18n);
    await token.write.mint([account.address, tokens]);
    return account;
  };
  const deployCampaign = async (tokenName: "TestStablecoin" | "RestrictedStablecoin", goal: number) => {
    const deployed = await viem.deployContract(tokenName, ["Test USD", "tUSD"]);
    // RestrictedStablecoin extends TestStablecoin: drive both through TestStablecoin's ABI.
    const token = await viem.getContractAt("TestStablecoin", deployed.address);
    const deadline = BigInt(await networkHelpers.time.latest()) + 4n * WEEK;
    const escrow = await viem.deployContract("CampaignEscrow", [token.address, beneficiary.account.address, goal, MIN, deadline]);
    return { token, escrow, deadline };
  };

  // The reference campaign: pledges after approve (of exactly the amount, as the site asks),
  // top-ups, permit pledges and cancels.
  const reference = await deployCampaign("TestStablecoin", REFERENCE_GOAL_BACKERS);
  const { token, escrow } = reference;
  const signPermit = async (owner: PrivateKeyAccount, value: bigint, deadline: bigint) => {
    const nonce = await token.read.nonces([owner.address]);
    const signature = await owner.signTypedData(
      permitTypedData({
        tokenName: "Test USD",
        chainId: await publicClient.getChainId(),
        token: token.address,
        owner: owner.address,
        spender: escrow.address,
        value,
        nonce,
        deadline,
      }),
    );
    return splitSignature(signature);
  };
  const backers: PrivateKeyAccount[] = [];
  // Backer 1 is not sampled: the first pledge ever also fills the escrow's empty balance slot.
  const first = await newBacker(token, 10n * MIN);
  await token.write.approve([escrow.address, MIN], { account: first.address });
  await escrow.write.pledge([MIN], { account: first.address });
  for (let i = 0; i < SAMPLES; i++) {
    const backer = await newBacker(token, 10n * MIN);
    backers.push(backer);
    await token.write.approve([escrow.address, MIN], { account: backer.address });
    await record("pledge (new backer, after approve)", escrow.write.pledge([MIN], { account: backer.address }));
  }
  for (let i = 0; i < SAMPLES; i++) {
    // A backer who approved more than the pledge: the allowance slot stays non-zero (no refund).
    const backer = await newBacker(token, 10n * MIN);
    await token.write.approve([escrow.address, 10n * MIN], { account: backer.address });
    await record("pledge (new backer, allowance left over)", escrow.write.pledge([MIN], { account: backer.address }));
  }
  for (const backer of backers) {
    await token.write.approve([escrow.address, MIN], { account: backer.address });
    await record("pledge (top-up)", escrow.write.pledge([MIN], { account: backer.address }));
  }
  for (let i = 0; i < SAMPLES; i++) {
    const backer = await newBacker(token, 10n * MIN);
    const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
    const { v, r, s } = await signPermit(backer, MIN, deadline);
    await record("pledgeWithPermit (new backer)", escrow.write.pledgeWithPermit([MIN, deadline, v, r, s], { account: backer.address }));
  }
  for (const backer of backers.slice(0, SAMPLES / 2)) {
    await record("cancel", escrow.write.cancel({ account: backer.address }));
  }

  // The same pledge in a token whose issuer can blacklist and pause, as USDC's can.
  const restricted = await deployCampaign("RestrictedStablecoin", REFERENCE_GOAL_BACKERS);
  for (let i = 0; i <= SAMPLES; i++) {
    const backer = await newBacker(restricted.token, 10n * MIN);
    await restricted.token.write.approve([restricted.escrow.address, MIN], { account: backer.address });
    const pledge = restricted.escrow.write.pledge([MIN], { account: backer.address });
    if (i === 0) await pledge;
    else await record("pledge (new backer, blacklist-checking token)", pledge);
  }

  // A failed campaign: refunds, triggered by a third party.
  const failed = await deployCampaign("TestStablecoin", REFERENCE_GOAL_BACKERS);
  const failedBackers: Address[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const backer = await newBacker(failed.token, 10n * MIN);
    await failed.token.write.approve([failed.escrow.address, MIN], { account: backer.address });
    await failed.escrow.write.pledge([MIN], { account: backer.address });
    failedBackers.push(backer.address);
  }
  await networkHelpers.time.increaseTo(failed.deadline);
  for (const backer of failedBackers) await record("refund", failed.escrow.write.refund([backer], { account: deployer.account }));

  // Successful campaigns: one release each, to a beneficiary that holds no tokens yet (the dearest case).
  for (let i = 0; i < 3; i++) {
    const success = await deployCampaign("TestStablecoin", 2);
    for (let j = 0; j < 2; j++) {
      const backer = await newBacker(success.token, 10n * MIN);
      await success.token.write.approve([success.escrow.address, MIN], { account: backer.address });
      await success.escrow.write.pledge([MIN], { account: backer.address });
    }
    await networkHelpers.time.increaseTo(success.deadline);
    await record("release", success.escrow.write.release({ account: deployer.account }));
  }
  return samples;
}

/** USD cost of `gas` at `gwei` per gas and `ethUsd` per ETH. */
export function gasCostUsd(gas: number, gwei: number, ethUsd: number): number {
  return gas * gwei * 1e-9 * ethUsd;
}

export function gasTable(samples: GasSamples, prices: GasPrices): string {
  const usd = (value: number) => (value >= 0.01 ? `$${value.toFixed(2)}` : `$${value.toFixed(5)}`);
  const rows = [...samples.entries()].map(([name, values]) => {
    const med = median(values);
    return [
      name,
      String(values.length),
      formatInt(Math.min(...values)),
      formatInt(med),
      formatInt(Math.max(...values)),
      usd(gasCostUsd(med, prices.l1Gwei, prices.ethUsd)),
      usd(gasCostUsd(med, prices.l2Gwei, prices.ethUsd)),
    ];
  });
  return markdownTable(
    ["function", "calls", "min gas", "median gas", "max gas", `L1 @ ${prices.l1Gwei} gwei`, `L2 @ ${prices.l2Gwei} gwei`],
    rows,
  );
}
