import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { expectRevert } from "../helpers/escrow-errors.ts";
import { connect, deployCampaign, expectEvent, MIN_PLEDGE, pledgeFrom, State } from "./fixture.ts";

describe("CampaignEscrow pledge", async () => {
  const conn = await connect();
  const { networkHelpers } = conn;
  async function campaign() {
    return deployCampaign(conn, { goalBackers: 3 });
  }

  it("makes a first pledge at the minimum count as one backer and holds the tokens", async () => {
    const {
      escrow,
      token,
      backers: [alice],
    } = await networkHelpers.loadFixture(campaign);
    const before = await token.balanceOf(alice);
    await escrow.connect(alice).pledge(MIN_PLEDGE);
    assert.equal(await escrow.backers(), 1n);
    assert.equal(await escrow.pledgeOf(alice), MIN_PLEDGE);
    assert.equal(await escrow.totalPledged(), MIN_PLEDGE);
    assert.equal(await token.balanceOf(escrow), MIN_PLEDGE);
    assert.equal(await token.balanceOf(alice), before - MIN_PLEDGE);
  });

  it("emits Pledged with the backer, the amount and the new backer count", async () => {
    const {
      escrow,
      backers: [alice, bob],
    } = await networkHelpers.loadFixture(campaign);
    await escrow.connect(alice).pledge(MIN_PLEDGE);
    await expectEvent(escrow.connect(bob).pledge(MIN_PLEDGE * 2n), escrow, "Pledged", [
      bob.address,
      MIN_PLEDGE * 2n,
      2n,
    ]);
  });

  it("rejects a first pledge below the minimum, naming amount and minimum", async () => {
    const {
      escrow,
      backers: [alice],
    } = await networkHelpers.loadFixture(campaign);
    await expectRevert(escrow.connect(alice).pledge(MIN_PLEDGE - 1n), escrow, "PledgeBelowMinimum", [
      MIN_PLEDGE - 1n,
      MIN_PLEDGE,
    ]);
  });

  it("rejects a pledge of zero", async () => {
    const {
      escrow,
      backers: [alice],
    } = await networkHelpers.loadFixture(campaign);
    await escrow.connect(alice).pledge(MIN_PLEDGE);
    await expectRevert(escrow.connect(alice).pledge(0n), escrow, "ZeroPledge", []);
  });

  it("lets a backer top up by any positive amount without adding a backer", async () => {
    const {
      escrow,
      backers: [alice],
    } = await networkHelpers.loadFixture(campaign);
    await escrow.connect(alice).pledge(MIN_PLEDGE);
    await escrow.connect(alice).pledge(1n);
    assert.equal(await escrow.backers(), 1n);
    assert.equal(await escrow.pledgeOf(alice), MIN_PLEDGE + 1n);
    assert.equal(await escrow.totalPledged(), MIN_PLEDGE + 1n);
  });

  it("reverts with the token's error and records nothing when the allowance is missing", async () => {
    const {
      escrow,
      token,
      backers: [alice],
    } = await networkHelpers.loadFixture(campaign);
    await token.connect(alice).approve(escrow, 0n);
    await expectRevert(escrow.connect(alice).pledge(MIN_PLEDGE), token, "ERC20InsufficientAllowance", [
      await escrow.getAddress(),
      0n,
      MIN_PLEDGE,
    ]);
    assert.equal(await escrow.backers(), 0n);
    assert.equal(await escrow.pledgeOf(alice), 0n);
  });

  it("accepts a pledge mined one second before the deadline", async () => {
    const {
      escrow,
      deadline,
      backers: [alice],
    } = await networkHelpers.loadFixture(campaign);
    await networkHelpers.time.setNextBlockTimestamp(deadline - 1n);
    await escrow.connect(alice).pledge(MIN_PLEDGE);
    assert.equal(await escrow.backers(), 1n);
  });

  it("rejects a pledge mined in the deadline's own second: the outcome is already fixed", async () => {
    const {
      escrow,
      deadline,
      backers: [alice],
    } = await networkHelpers.loadFixture(campaign);
    await networkHelpers.time.setNextBlockTimestamp(deadline);
    await expectRevert(escrow.connect(alice).pledge(MIN_PLEDGE), escrow, "WrongState", [
      State.Failed,
      State.Funding,
    ]);
  });

  it("rejects a pledge after the deadline of a successful campaign", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await pledgeFrom(c, 3);
    await networkHelpers.time.increaseTo(c.deadline + 1n);
    await expectRevert(c.escrow.connect(c.backers[3]).pledge(MIN_PLEDGE), c.escrow, "WrongState", [
      State.Succeeded,
      State.Funding,
    ]);
  });

  it("rejects a pledge after the release", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await pledgeFrom(c, 3);
    await networkHelpers.time.increaseTo(c.deadline);
    await c.escrow.release();
    await expectRevert(c.escrow.connect(c.backers[0]).pledge(1n), c.escrow, "WrongState", [
      State.Released,
      State.Funding,
    ]);
  });

  it("rejects a pledge that would push the total past 2^128 units", async () => {
    const {
      escrow,
      token,
      backers: [alice],
    } = await networkHelpers.loadFixture(campaign);
    const huge = 2n ** 128n;
    await token.mint(alice, huge);
    await token.connect(alice).approve(escrow, huge);
    await expectRevert(escrow.connect(alice).pledge(huge), escrow, "SafeCastOverflowedUintDowncast", [
      128n,
      huge,
    ]);
  });
});
