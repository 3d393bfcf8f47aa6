import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeFunctionData, toFunctionSelector } from "viem";
import { connect, MIN_PLEDGE, State, WEEK } from "./fixture.ts";

describe("CampaignEscrow with hostile tokens", async () => {
  const conn = await connect();
  const { viem, networkHelpers } = conn;
  const [, beneficiary, alice, bob] = await viem.getWalletClients();
  const reentrancyError = toFunctionSelector("ReentrancyGuardReentrantCall()");
  const zero = `0x${"00".repeat(32)}` as const;

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

  /** A ReentrantPermitToken campaign: Alice holds tokens, and so does the token itself. */
  async function reentrantPermitCampaign() {
    const token = await viem.deployContract("ReentrantPermitToken");
    const { escrow } = await escrowFor(token.address);
    await token.write.mint([alice.account.address, 10n * MIN_PLEDGE]);
    // The token's own balance and its signature-blind permit would fund a reentrant pledge by it.
    await token.write.mint([token.address, 10n * MIN_PLEDGE]);
    const reentrantPledge = encodeFunctionData({
      abi: escrow.abi,
      functionName: "pledgeWithPermit",
      args: [MIN_PLEDGE, 0n, 27, zero, zero],
    });
    return { token, escrow, reentrantPledge };
  }

  /** Asserts that only Alice's pledge happened: the token's reentrant pledge left no trace. */
  async function assertOnlyAlicePledged(c: Awaited<ReturnType<typeof reentrantPermitCampaign>>) {
    assert.equal(await c.escrow.read.pledgeOf([c.token.address]), 0n);
    assert.equal(await c.escrow.read.pledgeOf([alice.account.address]), MIN_PLEDGE);
    assert.equal(await c.escrow.read.backers(), 1n);
    assert.equal(await c.escrow.read.totalPledged(), MIN_PLEDGE);
    assert.equal(await c.token.read.balanceOf([c.escrow.address]), MIN_PLEDGE);
    assert.equal(await c.token.read.balanceOf([c.token.address]), 10n * MIN_PLEDGE);
  }

  it("does not let a token reenter pledgeWithPermit from inside the pledgeWithPermit's permit call", async () => {
    const c = await reentrantPermitCampaign();
    await c.token.write.armPermit([c.escrow.address, c.reentrantPledge]);
    await c.escrow.write.pledgeWithPermit([MIN_PLEDGE, 0n, 27, zero, zero], { account: alice.account });
    assert.equal(await c.token.read.attempts(), 1n);
    assert.equal(await c.token.read.lastCallSucceeded(), false);
    assert.equal(await c.token.read.lastRevertData(), reentrancyError);
    await assertOnlyAlicePledged(c);
  });

  it("does not let a token reenter pledgeWithPermit from inside the pledgeWithPermit's transfer", async () => {
    const c = await reentrantPermitCampaign();
    await c.token.write.arm([c.escrow.address, c.reentrantPledge]);
    await c.escrow.write.pledgeWithPermit([MIN_PLEDGE, 0n, 27, zero, zero], { account: alice.account });
    assert.equal(await c.token.read.attempts(), 1n);
    assert.equal(await c.token.read.lastCallSucceeded(), false);
    assert.equal(await c.token.read.lastRevertData(), reentrancyError);
    await assertOnlyAlicePledged(c);
  });

  /** A FalseReturningToken campaign in which Alice holds and has approved tokens, not yet switched. */
  async function falseReturningCampaign(goalBackers: number) {
    const token = await viem.deployContract("FalseReturningToken");
    const { escrow, deadline } = await escrowFor(token.address, goalBackers);
    await token.write.mint([alice.account.address, 10n * MIN_PLEDGE]);
    await token.write.approve([escrow.address, 10n * MIN_PLEDGE], { account: alice.account });
    return { token, escrow, deadline };
  }

  /** Everything a failed transfer must leave as it was: the escrow's state and books, balances, allowance. */
  async function books({ token, escrow }: Awaited<ReturnType<typeof falseReturningCampaign>>) {
    return {
      state: await escrow.read.state(),
      backers: await escrow.read.backers(),
      totalPledged: await escrow.read.totalPledged(),
      pledgeOfAlice: await escrow.read.pledgeOf([alice.account.address]),
      alice: await token.read.balanceOf([alice.account.address]),
      escrow: await token.read.balanceOf([escrow.address]),
      beneficiary: await token.read.balanceOf([beneficiary.account.address]),
      allowance: await token.read.allowance([alice.account.address, escrow.address]),
    };
  }

  it("reverts a pledge with SafeERC20FailedOperation when transferFrom returns false, changing nothing", async () => {
    const c = await falseReturningCampaign(1);
    const before = await books(c);
    await c.token.write.setReturnsFalse([true]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      c.escrow.write.pledge([MIN_PLEDGE], { account: alice.account }),
      c.escrow,
      "SafeERC20FailedOperation",
      [c.token.address],
    );
    assert.deepEqual(await books(c), before);
    assert.equal(before.backers, 0n);
  });

  it("reverts a cancel with SafeERC20FailedOperation when transfer returns false, keeping the pledge", async () => {
    const c = await falseReturningCampaign(2);
    await c.escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    const before = await books(c);
    await c.token.write.setReturnsFalse([true]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      c.escrow.write.cancel({ account: alice.account }),
      c.escrow,
      "SafeERC20FailedOperation",
      [c.token.address],
    );
    assert.deepEqual(await books(c), before);
    assert.equal(before.pledgeOfAlice, MIN_PLEDGE);
    assert.equal(before.state, State.Funding);
  });

  it("reverts a refund with SafeERC20FailedOperation when transfer returns false, keeping the pledge", async () => {
    const c = await falseReturningCampaign(2);
    await c.escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    await networkHelpers.time.increaseTo(c.deadline);
    const before = await books(c);
    await c.token.write.setReturnsFalse([true]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      c.escrow.write.refund([alice.account.address]),
      c.escrow,
      "SafeERC20FailedOperation",
      [c.token.address],
    );
    assert.deepEqual(await books(c), before);
    assert.equal(before.pledgeOfAlice, MIN_PLEDGE);
    assert.equal(before.state, State.Failed);
  });

  it("reverts a release with SafeERC20FailedOperation when transfer returns false, staying unreleased", async () => {
    const c = await falseReturningCampaign(1);
    await c.escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    await networkHelpers.time.increaseTo(c.deadline);
    const before = await books(c);
    await c.token.write.setReturnsFalse([true]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      c.escrow.write.release(),
      c.escrow,
      "SafeERC20FailedOperation",
      [c.token.address],
    );
    assert.deepEqual(await books(c), before);
    assert.equal(before.totalPledged, MIN_PLEDGE);
    assert.equal(before.state, State.Succeeded);
  });
});
