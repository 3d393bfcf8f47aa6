import assert from "node:assert/strict";
import { ZeroHash, type AddressLike } from "ethers";
import { describe, it } from "vitest";
import type { CampaignEscrow, ReentrantToken } from "../../types/ethers-contracts/index.ts";
import { assertErrorData, expectRevert } from "../helpers/escrow-errors.ts";
import { connect, escrowFactory, MIN_PLEDGE, State, WEEK } from "./fixture.ts";

describe("CampaignEscrow with hostile tokens", async () => {
  const conn = await connect();
  const { ethers, networkHelpers } = conn;
  const [, beneficiary, alice, bob] = await ethers.getSigners();
  const zero = ZeroHash;

  async function escrowFor(token: AddressLike, goalBackers = 1) {
    const deadline = BigInt(await networkHelpers.time.latest()) + WEEK;
    const escrow = await (
      await escrowFactory(conn)
    ).deploy(token, beneficiary, goalBackers, MIN_PLEDGE, deadline);
    return { escrow, deadline };
  }
  /** Asserts that the token's last callback into the escrow was refused by the reentrancy guard. */
  async function assertReentryRefused(
    token: Pick<ReentrantToken, "lastCallSucceeded" | "lastRevertData">,
    escrow: CampaignEscrow,
  ) {
    assert.equal(await token.lastCallSucceeded(), false);
    assertErrorData(await token.lastRevertData(), escrow, "ReentrancyGuardReentrantCall", []);
  }

  it("refuses a pledge in a fee-on-transfer token, naming the amount expected and received", async () => {
    const token = await (await ethers.getContractFactory("FeeOnTransferToken")).deploy(100n);
    const { escrow } = await escrowFor(token);
    await token.mint(alice, 10n * MIN_PLEDGE);
    await token.connect(alice).approve(escrow, MIN_PLEDGE);
    const fee = (MIN_PLEDGE * 100n) / 10_000n;
    await expectRevert(escrow.connect(alice).pledge(MIN_PLEDGE), escrow, "AmountNotReceived", [
      MIN_PLEDGE,
      MIN_PLEDGE - fee,
    ]);
    assert.equal(await escrow.backers(), 0n);
  });

  it("refuses a pledge in a token that delivers nothing, reporting zero received", async () => {
    const token = await (await ethers.getContractFactory("FeeOnTransferToken")).deploy(10_000n);
    const { escrow } = await escrowFor(token);
    await token.mint(alice, 10n * MIN_PLEDGE);
    await token.connect(alice).approve(escrow, MIN_PLEDGE);
    await expectRevert(escrow.connect(alice).pledge(MIN_PLEDGE), escrow, "AmountNotReceived", [
      MIN_PLEDGE,
      0n,
    ]);
  });

  it("refuses pledgeWithPermit in a token without permit when no allowance is set", async () => {
    const token = await ethers.deployContract("ReentrantToken");
    const { escrow } = await escrowFor(token);
    await expectRevert(
      escrow.connect(alice).pledgeWithPermit(MIN_PLEDGE, 0n, 27, zero, zero),
      escrow,
      "PermitRejected",
      [alice.address, 0n, MIN_PLEDGE],
    );
  });

  it("does not let a token reenter pledge from inside the pledge's transfer", async () => {
    const token = await ethers.deployContract("ReentrantToken");
    const { escrow } = await escrowFor(token);
    await token.mint(alice, 10n * MIN_PLEDGE);
    await token.connect(alice).approve(escrow, 10n * MIN_PLEDGE);
    await token.arm(escrow, escrow.interface.encodeFunctionData("pledge", [MIN_PLEDGE]));
    await escrow.connect(alice).pledge(MIN_PLEDGE);
    assert.equal(await token.attempts(), 1n);
    await assertReentryRefused(token, escrow);
    assert.equal(await escrow.totalPledged(), MIN_PLEDGE);
  });

  it("does not let a token reenter cancel from inside the cancel's transfer", async () => {
    const token = await ethers.deployContract("ReentrantToken");
    const { escrow } = await escrowFor(token);
    await token.mint(alice, 10n * MIN_PLEDGE);
    await token.connect(alice).approve(escrow, 10n * MIN_PLEDGE);
    await escrow.connect(alice).pledge(MIN_PLEDGE);
    await token.arm(escrow, escrow.interface.encodeFunctionData("cancel"));
    await escrow.connect(alice).cancel();
    await assertReentryRefused(token, escrow);
    assert.equal(await token.balanceOf(escrow), 0n);
  });

  it("does not let a token reenter refund from inside a refund's transfer", async () => {
    const token = await ethers.deployContract("ReentrantToken");
    const { escrow, deadline } = await escrowFor(token, 3);
    for (const backer of [alice, bob]) {
      await token.mint(backer, 10n * MIN_PLEDGE);
      await token.connect(backer).approve(escrow, 10n * MIN_PLEDGE);
      await escrow.connect(backer).pledge(MIN_PLEDGE);
    }
    await networkHelpers.time.increaseTo(deadline);
    await token.arm(escrow, escrow.interface.encodeFunctionData("refund", [bob.address]));
    await escrow.refund(alice);
    await assertReentryRefused(token, escrow);
    assert.equal(await escrow.pledgeOf(bob), MIN_PLEDGE);
  });

  it("does not let a token reenter release from inside the release's transfer", async () => {
    const token = await ethers.deployContract("ReentrantToken");
    const { escrow, deadline } = await escrowFor(token, 1);
    await token.mint(alice, 10n * MIN_PLEDGE);
    await token.connect(alice).approve(escrow, 10n * MIN_PLEDGE);
    await escrow.connect(alice).pledge(MIN_PLEDGE);
    await networkHelpers.time.increaseTo(deadline);
    await token.arm(escrow, escrow.interface.encodeFunctionData("release"));
    await escrow.release();
    await assertReentryRefused(token, escrow);
    assert.equal(await token.balanceOf(beneficiary), MIN_PLEDGE);
  });

  /** A ReentrantPermitToken campaign: Alice holds tokens, and so does the token itself. */
  async function reentrantPermitCampaign() {
    const token = await ethers.deployContract("ReentrantPermitToken");
    const { escrow } = await escrowFor(token);
    await token.mint(alice, 10n * MIN_PLEDGE);
    // The token's own balance and its signature-blind permit would fund a reentrant pledge by it.
    await token.mint(token, 10n * MIN_PLEDGE);
    const reentrantPledge = escrow.interface.encodeFunctionData("pledgeWithPermit", [
      MIN_PLEDGE,
      0n,
      27,
      zero,
      zero,
    ]);
    return { token, escrow, reentrantPledge };
  }

  /** Asserts that only Alice's pledge happened: the token's reentrant pledge left no trace. */
  async function assertOnlyAlicePledged(c: Awaited<ReturnType<typeof reentrantPermitCampaign>>) {
    assert.equal(await c.escrow.pledgeOf(c.token), 0n);
    assert.equal(await c.escrow.pledgeOf(alice), MIN_PLEDGE);
    assert.equal(await c.escrow.backers(), 1n);
    assert.equal(await c.escrow.totalPledged(), MIN_PLEDGE);
    assert.equal(await c.token.balanceOf(c.escrow), MIN_PLEDGE);
    assert.equal(await c.token.balanceOf(c.token), 10n * MIN_PLEDGE);
  }

  it("does not let a token reenter pledgeWithPermit from inside the pledgeWithPermit's permit call", async () => {
    const c = await reentrantPermitCampaign();
    await c.token.armPermit(c.escrow, c.reentrantPledge);
    await c.escrow.connect(alice).pledgeWithPermit(MIN_PLEDGE, 0n, 27, zero, zero);
    assert.equal(await c.token.attempts(), 1n);
    await assertReentryRefused(c.token, c.escrow);
    await assertOnlyAlicePledged(c);
  });

  it("does not let a token reenter pledgeWithPermit from inside the pledgeWithPermit's transfer", async () => {
    const c = await reentrantPermitCampaign();
    await c.token.arm(c.escrow, c.reentrantPledge);
    await c.escrow.connect(alice).pledgeWithPermit(MIN_PLEDGE, 0n, 27, zero, zero);
    assert.equal(await c.token.attempts(), 1n);
    await assertReentryRefused(c.token, c.escrow);
    await assertOnlyAlicePledged(c);
  });

  /** A FalseReturningToken campaign in which Alice holds and has approved tokens, not yet switched. */
  async function falseReturningCampaign(goalBackers: number) {
    const token = await ethers.deployContract("FalseReturningToken");
    const { escrow, deadline } = await escrowFor(token, goalBackers);
    await token.mint(alice, 10n * MIN_PLEDGE);
    await token.connect(alice).approve(escrow, 10n * MIN_PLEDGE);
    return { token, escrow, deadline };
  }

  /** Everything a failed transfer must leave as it was: the escrow's state and books, balances, allowance. */
  async function books({ token, escrow }: Awaited<ReturnType<typeof falseReturningCampaign>>) {
    return {
      state: await escrow.state(),
      backers: await escrow.backers(),
      totalPledged: await escrow.totalPledged(),
      pledgeOfAlice: await escrow.pledgeOf(alice),
      alice: await token.balanceOf(alice),
      escrow: await token.balanceOf(escrow),
      beneficiary: await token.balanceOf(beneficiary),
      allowance: await token.allowance(alice, escrow),
    };
  }

  it("reverts a pledge with SafeERC20FailedOperation when transferFrom returns false, changing nothing", async () => {
    const c = await falseReturningCampaign(1);
    const before = await books(c);
    await c.token.setReturnsFalse(true);
    await expectRevert(c.escrow.connect(alice).pledge(MIN_PLEDGE), c.escrow, "SafeERC20FailedOperation", [
      await c.token.getAddress(),
    ]);
    assert.deepEqual(await books(c), before);
    assert.equal(before.backers, 0n);
  });

  it("reverts a cancel with SafeERC20FailedOperation when transfer returns false, keeping the pledge", async () => {
    const c = await falseReturningCampaign(2);
    await c.escrow.connect(alice).pledge(MIN_PLEDGE);
    const before = await books(c);
    await c.token.setReturnsFalse(true);
    await expectRevert(c.escrow.connect(alice).cancel(), c.escrow, "SafeERC20FailedOperation", [
      await c.token.getAddress(),
    ]);
    assert.deepEqual(await books(c), before);
    assert.equal(before.pledgeOfAlice, MIN_PLEDGE);
    assert.equal(before.state, State.Funding);
  });

  it("reverts a refund with SafeERC20FailedOperation when transfer returns false, keeping the pledge", async () => {
    const c = await falseReturningCampaign(2);
    await c.escrow.connect(alice).pledge(MIN_PLEDGE);
    await networkHelpers.time.increaseTo(c.deadline);
    const before = await books(c);
    await c.token.setReturnsFalse(true);
    await expectRevert(c.escrow.refund(alice), c.escrow, "SafeERC20FailedOperation", [
      await c.token.getAddress(),
    ]);
    assert.deepEqual(await books(c), before);
    assert.equal(before.pledgeOfAlice, MIN_PLEDGE);
    assert.equal(before.state, State.Failed);
  });

  it("reverts a release with SafeERC20FailedOperation when transfer returns false, staying unreleased", async () => {
    const c = await falseReturningCampaign(1);
    await c.escrow.connect(alice).pledge(MIN_PLEDGE);
    await networkHelpers.time.increaseTo(c.deadline);
    const before = await books(c);
    await c.token.setReturnsFalse(true);
    await expectRevert(c.escrow.release(), c.escrow, "SafeERC20FailedOperation", [
      await c.token.getAddress(),
    ]);
    assert.deepEqual(await books(c), before);
    assert.equal(before.totalPledged, MIN_PLEDGE);
    assert.equal(before.state, State.Succeeded);
  });
});
