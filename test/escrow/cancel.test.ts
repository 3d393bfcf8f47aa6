import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connect, DAY, deployCampaign, MIN_PLEDGE, pledgeFrom, State } from "./fixture.ts";

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
    const { escrow, token, backers: [alice] } = await networkHelpers.loadFixture(campaign);
    const before = await token.read.balanceOf([alice.account.address]);
    await escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    await escrow.write.pledge([123n], { account: alice.account });
    await escrow.write.cancel({ account: alice.account });
    assert.equal(await token.read.balanceOf([alice.account.address]), before);
    assert.equal(await escrow.read.pledgeOf([alice.account.address]), 0n);
    assert.equal(await escrow.read.backers(), 0n);
    assert.equal(await escrow.read.totalPledged(), 0n);
  });

  it("emits Cancelled with the backer, the amount and the new backer count", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await pledgeFrom(c, 2);
    const [alice] = c.backers;
    await c.viem.assertions.emitWithArgs(c.escrow.write.cancel({ account: alice.account }), c.escrow, "Cancelled", [
      alice.account.address,
      MIN_PLEDGE,
      1n,
    ]);
  });

  it("rejects a cancel by an address without a pledge", async () => {
    const { viem, escrow, backers: [alice] } = await networkHelpers.loadFixture(campaign);
    await viem.assertions.revertWithCustomErrorWithArgs(escrow.write.cancel({ account: alice.account }), escrow, "NoPledge", [
      alice.account.address,
    ]);
  });

  it("lets a backer who cancelled pledge again, as a new backer held to the minimum", async () => {
    const { viem, escrow, backers: [alice] } = await networkHelpers.loadFixture(campaign);
    await escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    await escrow.write.cancel({ account: alice.account });
    await viem.assertions.revertWithCustomError(escrow.write.pledge([1n], { account: alice.account }), escrow, "PledgeBelowMinimum");
    await escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    assert.equal(await escrow.read.backers(), 1n);
  });

  it("rejects a cancel in the deadline's own second", async () => {
    const c = await networkHelpers.loadFixture(campaignAtGoal);
    await networkHelpers.time.setNextBlockTimestamp(c.deadline);
    await c.viem.assertions.revertWithCustomErrorWithArgs(
      c.escrow.write.cancel({ account: c.backers[0].account }),
      c.escrow,
      "WrongState",
      [State.Succeeded, State.Funding],
    );
  });

  it("allows a cancel from exactly the goal one second before the last 24 hours", async () => {
    const c = await networkHelpers.loadFixture(campaignAtGoal);
    await networkHelpers.time.setNextBlockTimestamp(c.deadline - DAY - 1n);
    await c.escrow.write.cancel({ account: c.backers[0].account });
    assert.equal(await c.escrow.read.backers(), 2n);
  });

  it("refuses, from the first second of the last 24 hours, a cancel that would drop the campaign below its goal", async () => {
    const c = await networkHelpers.loadFixture(campaignAtGoal);
    await networkHelpers.time.setNextBlockTimestamp(c.deadline - DAY);
    await c.viem.assertions.revertWithCustomErrorWithArgs(
      c.escrow.write.cancel({ account: c.backers[0].account }),
      c.escrow,
      "CancelWouldMissGoal",
      [3n, 3n],
    );
  });

  it("refuses in the last second before the deadline a cancel that would drop the campaign below its goal", async () => {
    const c = await networkHelpers.loadFixture(campaignAtGoal);
    await networkHelpers.time.setNextBlockTimestamp(c.deadline - 1n);
    await c.viem.assertions.revertWithCustomError(
      c.escrow.write.cancel({ account: c.backers[0].account }),
      c.escrow,
      "CancelWouldMissGoal",
    );
  });

  it("allows in the last 24 hours a cancel that keeps the campaign at its goal", async () => {
    const c = await networkHelpers.loadFixture(campaignAtGoal);
    await c.escrow.write.pledge([MIN_PLEDGE], { account: c.backers[3].account });
    await networkHelpers.time.setNextBlockTimestamp(c.deadline - DAY / 2n);
    await c.escrow.write.cancel({ account: c.backers[0].account });
    assert.equal(await c.escrow.read.backers(), 3n);
  });

  it("allows in the last 24 hours a cancel by a backer of a campaign below its goal", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await pledgeFrom(c, 2);
    await networkHelpers.time.setNextBlockTimestamp(c.deadline - DAY / 2n);
    await c.escrow.write.cancel({ account: c.backers[0].account });
    assert.equal(await c.escrow.read.backers(), 1n);
  });
});
