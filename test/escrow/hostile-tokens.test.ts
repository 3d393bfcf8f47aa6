import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeFunctionData, toFunctionSelector } from "viem";
import { connect, MIN_PLEDGE, WEEK } from "./fixture.ts";

describe("CampaignEscrow with hostile tokens", async () => {
  const conn = await connect();
  const { viem, networkHelpers } = conn;
  const [, beneficiary, alice, bob] = await viem.getWalletClients();
  const reentrancyError = toFunctionSelector("ReentrancyGuardReentrantCall()");

  async function escrowFor(token: `0x${string}`, goalBackers = 1) {
    const deadline = BigInt(await networkHelpers.time.latest()) + WEEK;
    const escrow = await viem.deployContract("CampaignEscrow", [token, beneficiary.account.address, goalBackers, MIN_PLEDGE, deadline]);
    return { escrow, deadline };
  }

  it("refuses a pledge in a fee-on-transfer token, naming the amount expected and received", async () => {
    const token = await viem.deployContract("FeeOnTransferToken", [100n]);
    const { escrow } = await escrowFor(token.address);
    await token.write.mint([alice.account.address, 10n * MIN_PLEDGE]);
    await token.write.approve([escrow.address, MIN_PLEDGE], { account: alice.account });
    const fee = (MIN_PLEDGE * 100n) / 10_000n;
    await viem.assertions.revertWithCustomErrorWithArgs(
      escrow.write.pledge([MIN_PLEDGE], { account: alice.account }),
      escrow,
      "AmountNotReceived",
      [MIN_PLEDGE, MIN_PLEDGE - fee],
    );
    assert.equal(await escrow.read.backers(), 0n);
  });

  it("refuses a pledge in a token that delivers nothing, reporting zero received", async () => {
    const token = await viem.deployContract("FeeOnTransferToken", [10_000n]);
    const { escrow } = await escrowFor(token.address);
    await token.write.mint([alice.account.address, 10n * MIN_PLEDGE]);
    await token.write.approve([escrow.address, MIN_PLEDGE], { account: alice.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      escrow.write.pledge([MIN_PLEDGE], { account: alice.account }),
      escrow,
      "AmountNotReceived",
      [MIN_PLEDGE, 0n],
    );
  });

  it("refuses pledgeWithPermit in a token without permit when no allowance is set", async () => {
    const token = await viem.deployContract("ReentrantToken");
    const { escrow } = await escrowFor(token.address);
    const zero = `0x${"00".repeat(32)}` as const;
    await viem.assertions.revertWithCustomErrorWithArgs(
      escrow.write.pledgeWithPermit([MIN_PLEDGE, 0n, 27, zero, zero], { account: alice.account }),
      escrow,
      "PermitRejected",
      [alice.account.address, 0n, MIN_PLEDGE],
    );
  });

  it("does not let a token reenter pledge from inside the pledge's transfer", async () => {
    const token = await viem.deployContract("ReentrantToken");
    const { escrow } = await escrowFor(token.address);
    await token.write.mint([alice.account.address, 10n * MIN_PLEDGE]);
    await token.write.approve([escrow.address, 10n * MIN_PLEDGE], { account: alice.account });
    await token.write.arm([escrow.address, encodeFunctionData({ abi: escrow.abi, functionName: "pledge", args: [MIN_PLEDGE] })]);
    await escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    assert.equal(await token.read.attempts(), 1n);
    assert.equal(await token.read.lastCallSucceeded(), false);
    assert.equal(await token.read.lastRevertData(), reentrancyError);
    assert.equal(await escrow.read.totalPledged(), MIN_PLEDGE);
  });

  it("does not let a token reenter cancel from inside the cancel's transfer", async () => {
    const token = await viem.deployContract("ReentrantToken");
    const { escrow } = await escrowFor(token.address);
    await token.write.mint([alice.account.address, 10n * MIN_PLEDGE]);
    await token.write.approve([escrow.address, 10n * MIN_PLEDGE], { account: alice.account });
    await escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    await token.write.arm([escrow.address, encodeFunctionData({ abi: escrow.abi, functionName: "cancel" })]);
    await escrow.write.cancel({ account: alice.account });
    assert.equal(await token.read.lastCallSucceeded(), false);
    assert.equal(await token.read.lastRevertData(), reentrancyError);
    assert.equal(await token.read.balanceOf([escrow.address]), 0n);
  });

  it("does not let a token reenter refund from inside a refund's transfer", async () => {
    const token = await viem.deployContract("ReentrantToken");
    const { escrow, deadline } = await escrowFor(token.address, 3);
    for (const backer of [alice, bob]) {
      await token.write.mint([backer.account.address, 10n * MIN_PLEDGE]);
      await token.write.approve([escrow.address, 10n * MIN_PLEDGE], { account: backer.account });
      await escrow.write.pledge([MIN_PLEDGE], { account: backer.account });
    }
    await networkHelpers.time.increaseTo(deadline);
    await token.write.arm([
      escrow.address,
      encodeFunctionData({ abi: escrow.abi, functionName: "refund", args: [bob.account.address] }),
    ]);
    await escrow.write.refund([alice.account.address]);
    assert.equal(await token.read.lastCallSucceeded(), false);
    assert.equal(await token.read.lastRevertData(), reentrancyError);
    assert.equal(await escrow.read.pledgeOf([bob.account.address]), MIN_PLEDGE);
  });

  it("does not let a token reenter release from inside the release's transfer", async () => {
    const token = await viem.deployContract("ReentrantToken");
    const { escrow, deadline } = await escrowFor(token.address, 1);
    await token.write.mint([alice.account.address, 10n * MIN_PLEDGE]);
    await token.write.approve([escrow.address, 10n * MIN_PLEDGE], { account: alice.account });
    await escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    await networkHelpers.time.increaseTo(deadline);
    await token.write.arm([escrow.address, encodeFunctionData({ abi: escrow.abi, functionName: "release" })]);
    await escrow.write.release();
    assert.equal(await token.read.lastCallSucceeded(), false);
    assert.equal(await token.read.lastRevertData(), reentrancyError);
    assert.equal(await token.read.balanceOf([beneficiary.account.address]), MIN_PLEDGE);
  });
});
