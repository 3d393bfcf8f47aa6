/**
 * The scale run behind `npm run bench:scale`: the reference campaign at full size. 250,000
 * distinct backers pledge the reference minimum on Hardhat's in-process EVM, the campaign crosses
 * its goal, the deadline passes and the funds are released. Gives the elapsed time, the pledge gas
 * at backers 1, half-way and last, and the release gas: gas must not grow with the number of
 * backers.
 *
 * Only the backers' token balances and allowances are written straight into the token's storage
 * (a mint and an approve per backer would triple the run for no information about the escrow),
 * the base fee is zero (so backers need no ETH) and a thousand pledges share a block; every
 * pledge and the release are real transactions, checked for success.
 */
import { concat, keccak256, toBeHex, toQuantity, zeroPadValue } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { Hex } from "../../site/lib/address.ts";
import { CampaignState } from "../../site/lib/campaign-state.ts";
import { markdownTable } from "../bench/stats.ts";
import { formatBytes, formatInteger } from "../../site/lib/format.ts";
import { UserError } from "./cli.ts";
import { parseDeadline } from "./parsers.ts";
import {
  REFERENCE_DURATION,
  REFERENCE_GOAL_BACKERS,
  REFERENCE_MIN_PLEDGE_UNITS,
} from "./reference-campaign.ts";

/** OpenZeppelin ERC20 (v5) storage: _balances at slot 0, _allowances at slot 1. */
const BALANCES_SLOT = 0n;
const ALLOWANCES_SLOT = 1n;
const PLEDGE_GAS_LIMIT = 150_000n;
/** Pledges mined per block: far fewer state-root computations than one block per transaction. */
const PLEDGES_PER_BLOCK = 1_000;

/**
 * Storage slot of entry `key` in a `mapping(address => …)` at `slot` (a slot number, or the slot
 * hash of an outer mapping): keccak256 of the ABI encoding of (address, bytes32).
 */
function mappingSlot(key: string, slot: bigint | string): string {
  const slotWord = typeof slot === "bigint" ? toBeHex(slot, 32) : slot;
  return keccak256(concat([zeroPadValue(key, 32), slotWord]));
}

function backerAddress(index: number): Hex {
  return `0x${(0xbac0_0000_0000n + BigInt(index)).toString(16).padStart(40, "0")}`;
}

/** Fewest backers a run takes: the first, the half-way and the last are measured apart. */
export const MIN_SCALE_BACKERS = 3;

export interface ScaleRunOptions {
  /** Distinct backers, at least {@link MIN_SCALE_BACKERS} (default the reference goal). */
  backers?: number;
  /** A line now and then: backers so far, pledges per second, RSS, ETA. */
  onProgress?: (message: string) => void;
}

export interface ScaleFigures {
  backers: number;
  goal: number;
  pledgeSeconds: number;
  totalSeconds: number;
  /** Gas of the pledge of backer 1, the half-way backer and the last one. */
  pledgeGas: Map<number, bigint>;
  releaseGas: bigint;
  /** Released to the beneficiary, in the token's smallest unit. */
  paid: bigint;
  tokenDecimals: number;
  peakRssBytes: number;
}

/**
 * The reference campaign at full size (or `backers`): every backer pledges the reference minimum,
 * the deadline passes and the funds are released. Throws when any pledge reverts or a count, the
 * state or the payout is not what the escrow promises.
 */
export async function runScaleBenchmark(options: ScaleRunOptions = {}): Promise<ScaleFigures> {
  const count = options.backers ?? REFERENCE_GOAL_BACKERS;
  if (!Number.isSafeInteger(count) || count < MIN_SCALE_BACKERS)
    throw new UserError(`backers "${count}" must be a whole number from ${MIN_SCALE_BACKERS} up.`);
  const progress = options.onProgress ?? (() => undefined);

  // A base fee of zero lets the backers send pledges without being given ETH first; a large block
  // gas limit lets a thousand pledges share a block.
  const connection = await network.create({
    override: { initialBaseFeePerGas: 0n, blockGasLimit: BigInt(PLEDGES_PER_BLOCK) * PLEDGE_GAS_LIMIT * 2n },
  });
  try {
    return await scaleRun(connection, count, progress);
  } finally {
    await connection.close();
  }
}

async function scaleRun(
  connection: NetworkConnection<"generic">,
  count: number,
  progress: (message: string) => void,
): Promise<ScaleFigures> {
  const { ethers, networkHelpers, provider } = connection;
  const goal = Math.min(count, REFERENCE_GOAL_BACKERS);
  const minPledge = REFERENCE_MIN_PLEDGE_UNITS;
  const token = await ethers.deployContract("TestStablecoin", ["Test USD", "tUSD"]);
  const tokenAddress = await token.getAddress();
  const deadline = parseDeadline(REFERENCE_DURATION, BigInt(await networkHelpers.time.latest()));
  const [, beneficiary] = await ethers.getSigners();
  const escrow = await ethers.deployContract("CampaignEscrow", [
    token,
    beneficiary,
    goal,
    minPledge,
    deadline,
  ]);
  const escrowAddress = await escrow.getAddress();
  const pledgeData = escrow.interface.encodeFunctionData("pledge", [minPledge]);
  const amountWord = toBeHex(minPledge, 32);
  const measured = new Map<number, bigint>([
    [1, 0n],
    [Math.ceil(count / 2), 0n],
    [count, 0n],
  ]);

  progress(`Pledging ${formatInteger(count)} distinct backers (goal ${formatInteger(goal)})…`);
  const started = performance.now();
  let peakRss = process.memoryUsage.rss();
  let lastReport = started;
  const pending = new Map<number, Hex>();
  await provider.request({ method: "evm_setAutomine", params: [false] });
  for (let index = 1; index <= count; index++) {
    const backer = backerAddress(index);
    await provider.request({
      method: "hardhat_setStorageAt",
      params: [tokenAddress, mappingSlot(backer, BALANCES_SLOT), amountWord],
    });
    await provider.request({
      method: "hardhat_setStorageAt",
      params: [tokenAddress, mappingSlot(escrowAddress, mappingSlot(backer, ALLOWANCES_SLOT)), amountWord],
    });
    await provider.request({ method: "hardhat_impersonateAccount", params: [backer] });
    const hash = (await provider.request({
      method: "eth_sendTransaction",
      params: [
        {
          from: backer,
          to: escrowAddress,
          data: pledgeData,
          gas: toQuantity(PLEDGE_GAS_LIMIT),
          gasPrice: "0x0",
        },
      ],
    })) as Hex;
    if (measured.has(index)) pending.set(index, hash);
    if (index % PLEDGES_PER_BLOCK === 0 || index === count) {
      await provider.request({ method: "evm_mine", params: [] });
      for (const [measuredIndex, measuredHash] of pending) {
        const receipt = (await provider.request({
          method: "eth_getTransactionReceipt",
          params: [measuredHash],
        })) as {
          gasUsed: Hex;
          status: Hex;
        };
        if (receipt.status !== "0x1") throw new Error(`pledge of backer ${measuredIndex} reverted`);
        measured.set(measuredIndex, BigInt(receipt.gasUsed));
      }
      pending.clear();
    }
    const now = performance.now();
    if (now - lastReport > 10_000 || index === count) {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      const rate = index / ((now - started) / 1000);
      const eta = (count - index) / rate;
      progress(
        `  ${formatInteger(index)} backers, ${rate.toFixed(0)} pledges/s, RSS ${formatBytes(peakRss)}, ETA ${eta.toFixed(0)} s`,
      );
      lastReport = now;
    }
  }
  const pledgeSeconds = (performance.now() - started) / 1000;
  await provider.request({ method: "evm_setAutomine", params: [true] });
  const backers = await escrow.backers();
  if (backers !== BigInt(count)) throw new Error(`escrow counts ${backers} backers, expected ${count}`);

  await networkHelpers.time.increaseTo(deadline);
  const state = Number(await escrow.state());
  if (state !== CampaignState.Succeeded)
    throw new Error(`state is ${state} after the deadline, expected Succeeded (${CampaignState.Succeeded})`);
  const release = await (await escrow.release()).wait();
  if (release === null) throw new Error("release: no receipt");
  const paid = await token.balanceOf(beneficiary);
  if (paid !== minPledge * BigInt(count))
    throw new Error(`beneficiary received ${paid}, expected ${minPledge * BigInt(count)}`);
  const totalSeconds = (performance.now() - started) / 1000;
  return {
    backers: count,
    goal,
    pledgeSeconds,
    totalSeconds,
    pledgeGas: measured,
    releaseGas: release.gasUsed,
    paid,
    tokenDecimals: Number(await token.decimals()),
    peakRssBytes: peakRss,
  };
}

/** The scale run as docs/benchmarks.md shows it: a Markdown table of measures. */
export function scaleTable(figures: ScaleFigures): string {
  const rate = figures.backers / figures.pledgeSeconds;
  const rows = [
    ["backers", formatInteger(figures.backers)],
    ["pledging time", `${figures.pledgeSeconds.toFixed(0)} s (${rate.toFixed(0)} pledges/s)`],
    ["total time (pledges, deadline, release)", `${figures.totalSeconds.toFixed(0)} s`],
    ...[...figures.pledgeGas.entries()].map(([index, gas]) => [
      `pledge gas, backer ${formatInteger(index)}`,
      formatInteger(gas),
    ]),
    ["release gas", formatInteger(figures.releaseGas)],
    [
      "released to the beneficiary",
      `${formatInteger(figures.paid / 10n ** BigInt(figures.tokenDecimals))} tUSD`,
    ],
    ["peak RSS", formatBytes(figures.peakRssBytes)],
  ];
  return markdownTable(["measure", "value"], rows);
}
