import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { expectRevert } from "../helpers/escrow-errors.ts";
import { connect, DAY, deployCampaign, expectEvent, MIN_PLEDGE, pledgeFrom, State } from "./fixture.ts";

describe("CampaignEscrow cancel", async () => {
  const conn = await connect();
  const { networkHelpers } = conn;
  async function campaign() {
    return deployCampaign(conn, { goalBackers: 3 });
  }
  /** A campaign exactly at its goal of 3 backers. */
  async function campaignAtGoal() {
    const c = await deployCampaign(conn, { goalBackers: 3 });
    await pledgeFrom(c, 3);
    return c;
  }

  it("returns the whole pledge, top-ups included, and removes the backer", async () => {
    const {
      escrow,
      token,
      backers: [alice],
    } = await networkHelpers.loadFixture(campaign);
    const before = await token.balanceOf(alice);
    await escrow.connect(alice).pledge(MIN_PLEDGE);
    await escrow.connect(alice).pledge(123n);
    await escrow.connect(alice).cancel();
    assert.equal(await token.balanceOf(alice), before);
    assert.equal(await escrow.pledgeOf(alice), 0n);
    assert.equal(await escrow.backers(), 0n);
    assert.equal(await escrow.totalPledged(), 0n);
  });

  it("emits Cancelled with the backer, the amount and the new backer count", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await pledgeFrom(c, 2);
    const [alice] = c.backers;
    await expectEvent(c.escrow.connect(alice).cancel(), c.escrow, "Cancelled", [
      alice.address,
      MIN_PLEDGE,
      1n,
    ]);
  });

  it("rejects a cancel by an address without a pledge", async () => {
    const {
      escrow,
      backers: [alice],
    } = await networkHelpers.loadFixture(campaign);
    await expectRevert(escrow.connect(alice).cancel(), escrow, "NoPledge", [alice.address]);
  });

  it("lets a backer who cancelled pledge again, as a new backer held to the minimum", async () => {
    const {
      escrow,
      backers: [alice],
    } = await networkHelpers.loadFixture(campaign);
    await escrow.connect(alice).pledge(MIN_PLEDGE);
    await escrow.connect(alice).cancel();
    await expectRevert(escrow.connect(alice).pledge(1n), escrow, "PledgeBelowMinimum", [1n, MIN_PLEDGE]);
    await escrow.connect(alice).pledge(MIN_PLEDGE);
    assert.equal(await escrow.backers(), 1n);
  });

  it("rejects a cancel in the deadline's own second", async () => {
    const c = await networkHelpers.loadFixture(campaignAtGoal);
    await networkHelpers.time.setNextBlockTimestamp(c.deadline);
    await expectRevert(c.escrow.connect(c.backers[0]).cancel(), c.escrow, "WrongState", [
      State.Succeeded,
      State.Funding,
    ]);
  });

  it("allows a cancel from exactly the goal one second before the last 24 hours", async () => {
    const c = await networkHelpers.loadFixture(campaignAtGoal);
    await networkHelpers.time.setNextBlockTimestamp(c.deadline - DAY - 1n);
    await c.escrow.connect(c.backers[0]).cancel();
    assert.equal(await c.escrow.backers(), 2n);
  });

  it("refuses, from the first second of the last 24 hours, a cancel that would drop the campaign below its goal", async () => {
    const c = await networkHelpers.loadFixture(campaignAtGoal);
    await networkHelpers.time.setNextBlockTimestamp(c.deadline - DAY);
    await expectRevert(c.escrow.connect(c.backers[0]).cancel(), c.escrow, "CancelWouldMissGoal", [3n, 3n]);
  });

  it("refuses in the last second before the deadline a cancel that would drop the campaign below its goal", async () => {
    const c = await networkHelpers.loadFixture(campaignAtGoal);
    await networkHelpers.time.setNextBlockTimestamp(c.deadline - 1n);
    await expectRevert(c.escrow.connect(c.backers[0]).cancel(), c.escrow, "CancelWouldMissGoal", [3n, 3n]);
  });

  it("allows in the last 24 hours a cancel that keeps the campaign at its goal", async () => {
    const c = await networkHelpers.loadFixture(campaignAtGoal);
    await c.escrow.connect(c.backers[3]).pledge(MIN_PLEDGE);
    await networkHelpers.time.setNextBlockTimestamp(c.deadline - DAY / 2n);
    await c.escrow.connect(c.backers[0]).cancel();
    assert.equal(await c.escrow.backers(), 3n);
  });

  it("allows in the last 24 hours a cancel by a backer of a campaign below its goal", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await pledgeFrom(c, 2);
    await networkHelpers.time.setNextBlockTimestamp(c.deadline - DAY / 2n);
    await c.escrow.connect(c.backers[0]).cancel();
    assert.equal(await c.escrow.backers(), 1n);
  });
});
