/**
 * The back page's error sentences for reverts from a real chain: Hardhat's in-process EVM behind
 * ethers' BrowserProvider (Hardhat's provider is EIP-1193, as a wallet's is), with the page's own
 * ABIs (site/lib/back/escrow-abi.ts). So the errors are exactly what ethers makes of what a node
 * sends, for a simulated call (`staticCall`) and for a sent transaction (its gas estimate).
 */
import assert from "node:assert/strict";
import { BrowserProvider, Contract } from "ethers";
import { describe, it } from "vitest";
import { ESCROW_ABI } from "../../site/lib/back/escrow-abi.ts";
import { explainError, type ErrorContext } from "../../site/lib/back/errors.ts";
import { shortAddress } from "../../site/lib/format.ts";
import { connect, DAY, deployCampaign, MIN_PLEDGE, pledgeFrom } from "./fixture.ts";
import { rejection } from "../helpers/escrow-errors.ts";

const context: ErrorContext = {
  token: { symbol: "tUSD", decimals: 6 },
  walletName: "Test wallet",
  nativeSymbol: "ETH",
  chainName: "Hardhat",
};

describe("back page errors from a real chain", async () => {
  const conn = await connect();
  const { networkHelpers } = conn;
  // No cache: ethers reuses an identical request's answer for 250 ms, even across chain snapshots.
  const wallet = new BrowserProvider(conn.provider, undefined, {
    cacheTimeout: -1,
  });

  /** A campaign and the escrow as the page sees it: its ABI, the first backer's BrowserProvider signer. */
  async function campaign() {
    const c = await deployCampaign(conn, { goalBackers: 3 });
    const [alice] = c.backers;
    const escrow = new Contract(
      await c.escrow.getAddress(),
      ESCROW_ABI,
      await wallet.getSigner(alice.address),
    );
    return { ...c, alice, pageEscrow: escrow };
  }

  it("a simulated first pledge of 1 unit is PledgeBelowMinimum, in tokens", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    const error = await rejection(c.pageEscrow.getFunction("pledge").staticCall(1n));
    assert.equal(
      explainError(error, context),
      "The first pledge must be at least 9.95 tUSD; 0.000001 tUSD is less.",
    );
  });

  it("a sent pledge without allowance is the token's ERC20InsufficientAllowance, bubbled through SafeERC20", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await c.token.connect(c.alice).approve(c.escrow, 0n);
    const error = await rejection(c.pageEscrow.getFunction("pledge").send(MIN_PLEDGE));
    assert.equal(
      explainError(error, context),
      "The escrow may take only 0 tUSD from your wallet, but this pledge needs 9.95 tUSD: approve at least 9.95 tUSD first, or use the one-signature permit.",
    );
  });

  it("a pledge from a wallet without tokens is the token's ERC20InsufficientBalance", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    const [, bob] = c.backers;
    await c.token.connect(c.alice).transfer(bob, await c.token.balanceOf(c.alice));
    const error = await rejection(c.pageEscrow.getFunction("pledge").staticCall(MIN_PLEDGE));
    assert.equal(
      explainError(error, context),
      `The wallet ${shortAddress(c.alice.address)} has 0 tUSD; this needs 9.95 tUSD. Nothing was pledged.`,
    );
  });

  it("a pledge after a failed campaign's deadline is WrongState in words", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await networkHelpers.time.increaseTo(c.deadline);
    const error = await rejection(c.pageEscrow.getFunction("pledge").send(MIN_PLEDGE));
    assert.equal(
      explainError(error, context),
      "Pledges and cancels are closed: the deadline has passed and the campaign missed its goal. Every backer can get a refund instead.",
    );
  });

  it("a cancel in the last 24 hours at exactly the goal is CancelWouldMissGoal", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await pledgeFrom(c, 3);
    await networkHelpers.time.increaseTo(c.deadline - DAY + 60n);
    const error = await rejection(c.pageEscrow.getFunction("cancel").staticCall());
    assert.match(
      explainError(error, context),
      /^The campaign has exactly its goal of 3 backers and the deadline is less than 24 hours away/,
    );
  });

  it("a refund of a backer without a pledge is NoPledge, with the address shortened", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await networkHelpers.time.increaseTo(c.deadline);
    const [, bob] = c.backers;
    const error = await rejection(c.pageEscrow.getFunction("refund").send(bob.address));
    assert.equal(
      explainError(error, context),
      `${shortAddress(bob.address)} has no pledge in this campaign, so there is nothing to cancel or refund.`,
    );
  });

  it("a transaction from a wallet without ETH says it cannot pay the network fee", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await networkHelpers.setBalance(c.alice.address, 0n);
    const error = await rejection(c.pageEscrow.getFunction("pledge").send(MIN_PLEDGE));
    assert.equal(
      explainError(error, context),
      "Your wallet does not have enough ETH to pay the network fee; add some ETH on Hardhat, then try again.",
    );
  });

  it("reads Hardhat's own error shape too (hardhat-ethers, revert data on the error)", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    const error = await rejection(c.escrow.connect(c.alice).pledge.staticCall(1n));
    assert.equal(
      explainError(error, context),
      "The first pledge must be at least 9.95 tUSD; 0.000001 tUSD is less.",
    );
  });
});
