/**
 * `npm run bench:scale`: the reference campaign at full size. 250,000 distinct backers pledge
 * 9.95 on Hardhat's in-process EVM, the campaign crosses its goal, the deadline passes and the
 * funds are released. Prints the elapsed time, the pledge gas at backers 1, half-way and last, and
 * the release gas: gas must not grow with the number of backers.
 *
 * Only the backers' token balances and allowances are written straight into the token's storage
 * (a mint and an approve per backer would triple the run for no information about the escrow),
 * the base fee is zero (so backers need no ETH) and a thousand pledges share a block; every
 * pledge and the release are real transactions, checked for success.
 */
import { concat, keccak256, toBeHex, toQuantity, zeroPadValue } from "ethers";
import type { Hex } from "../site/lib/address.ts";
import { network } from "hardhat";
import { REFERENCE_GOAL_BACKERS, REFERENCE_MIN_PLEDGE_UNITS } from "./lib/reference-campaign.ts";
import { formatInt, markdownTable } from "./bench/stats.ts";
import { parseCli, progress, runCli, UserError } from "./lib/cli.ts";

const USAGE = `
Usage: npm run bench:scale [-- options]

Options:
  --backers <n>   number of distinct backers (default ${REFERENCE_GOAL_BACKERS}, the reference goal)
  -h, --help      this help
`;

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

async function main(): Promise<void> {
  const { values } = parseCli(USAGE, {
    backers: { type: "string", default: String(REFERENCE_GOAL_BACKERS) },
  });
  const count = Number(values.backers);
  if (!Number.isSafeInteger(count) || count < 3)
    throw new UserError(`--backers "${values.backers}" must be a whole number ≥ 3.`);
  const goal = Math.min(count, REFERENCE_GOAL_BACKERS);
  const minPledge = REFERENCE_MIN_PLEDGE_UNITS;

  // A base fee of zero lets the backers send pledges without being given ETH first; a large block
  // gas limit lets a thousand pledges share a block.
  const { ethers, networkHelpers, provider } = await network.create({
    override: { initialBaseFeePerGas: 0n, blockGasLimit: BigInt(PLEDGES_PER_BLOCK) * PLEDGE_GAS_LIMIT * 2n },
  });
  const token = await ethers.deployContract("TestStablecoin", ["Test USD", "tUSD"]);
  const tokenAddress = await token.getAddress();
  const deadline = BigInt(await networkHelpers.time.latest()) + 6n * 7n * 24n * 3600n;
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

  progress(`Pledging ${formatInt(count)} distinct backers (goal ${formatInt(goal)})…`);
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
        `  ${formatInt(index)} backers, ${rate.toFixed(0)} pledges/s, RSS ${(peakRss / 2 ** 30).toFixed(2)} GiB, ETA ${eta.toFixed(0)} s`,
      );
      lastReport = now;
    }
  }
  const pledgeSeconds = (performance.now() - started) / 1000;
  await provider.request({ method: "evm_setAutomine", params: [true] });
  const backers = await escrow.backers();
  if (backers !== BigInt(count)) throw new Error(`escrow counts ${backers} backers, expected ${count}`);

  await networkHelpers.time.increaseTo(deadline);
  const state = await escrow.state();
  if (state !== 1n) throw new Error(`state is ${state} after the deadline, expected Succeeded (1)`);
  const release = await (await escrow.release()).wait();
  if (release === null) throw new Error("release: no receipt");
  const paid = await token.balanceOf(beneficiary);
  if (paid !== minPledge * BigInt(count))
    throw new Error(`beneficiary received ${paid}, expected ${minPledge * BigInt(count)}`);
  const totalSeconds = (performance.now() - started) / 1000;

  const rows = [
    ["backers", formatInt(count)],
    ["pledging time", `${pledgeSeconds.toFixed(0)} s (${(count / pledgeSeconds).toFixed(0)} pledges/s)`],
    ["total time (pledges, deadline, release)", `${totalSeconds.toFixed(0)} s`],
    ...[...measured.entries()].map(([index, gas]) => [
      `pledge gas, backer ${formatInt(index)}`,
      formatInt(gas),
    ]),
    ["release gas", formatInt(release.gasUsed)],
    ["released to the beneficiary", `${formatInt(paid / 10n ** 6n)} tUSD`],
    ["peak RSS", `${(peakRss / 2 ** 30).toFixed(2)} GiB`],
  ];
  process.stdout.write(`\n## Scale run\n\n${markdownTable(["measure", "value"], rows)}\n`);
}

runCli(main);
