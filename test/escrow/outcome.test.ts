import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { expectRevert } from "../helpers/escrow-errors.ts";
import { connect, deployCampaign, expectEvent, MIN_PLEDGE, pledgeFrom, State } from "./fixture.ts";

describe("CampaignEscrow outcome: state, release and refund", async () => {
  const conn = await connect();
  const { networkHelpers } = conn;
  /** Goal 3, with 3 backers: succeeds at the deadline. */
  async function succeeding() {
    const c = await deployCampaign(conn, { goalBackers: 3 });
    await pledgeFrom(c, 3);
    await c.escrow.connect(c.backers[0]).pledge(MIN_PLEDGE); // a top-up
    return c;
  }
  /** {@link succeeding} in a token whose issuer can blacklist. */
  async function succeedingRestricted() {
    const c = await deployCampaign(conn, { goalBackers: 3, restricted: true });
    await pledgeFrom(c, 3);
    return c;
  }
  /** {@link failing} in a token whose issuer can blacklist. */
  async function failingRestricted() {
    const c = await deployCampaign(conn, { goalBackers: 3, restricted: true });
    await pledgeFrom(c, 2);
    return c;
  }
  /** Goal 3, with 2 backers: fails at the deadline. */
  async function failing() {
    const c = await deployCampaign(conn, { goalBackers: 3 });
    await pledgeFrom(c, 2);
    return c;
  }

  it("reports Funding until the second before the deadline", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await networkHelpers.time.increaseTo(c.deadline - 1n);
    assert.equal(await c.escrow.state(), State.Funding);
  });

  it("reports Succeeded from the deadline when backers reached the goal", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await networkHelpers.time.increaseTo(c.deadline);
    assert.equal(await c.escrow.state(), State.Succeeded);
  });

  it("reports Failed from the deadline when backers stayed below the goal", async () => {
    const c = await networkHelpers.loadFixture(failing);
    await networkHelpers.time.increaseTo(c.deadline);
    assert.equal(await c.escrow.state(), State.Failed);
  });

  it("fails a campaign that reached the goal and lost a backer before the last 24 hours", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await c.escrow.connect(c.backers[1]).cancel();
    await networkHelpers.time.increaseTo(c.deadline);
    assert.equal(await c.escrow.state(), State.Failed);
  });

  it("releases every pledged token to the beneficiary and reports Released", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await networkHelpers.time.increaseTo(c.deadline);
    const total = await c.escrow.totalPledged();
    await c.escrow.release();
    assert.equal(await c.token.balanceOf(c.beneficiary), total);
    assert.equal(await c.token.balanceOf(c.escrow), 0n);
    assert.equal(await c.escrow.state(), State.Released);
  });

  it("lets anyone trigger the release, and emits Released with the beneficiary and amount", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await networkHelpers.time.increaseTo(c.deadline);
    await expectEvent(c.escrow.connect(c.backers[9]).release(), c.escrow, "Released", [
      c.beneficiary.address,
      4n * MIN_PLEDGE,
    ]);
  });

  it("releases only once", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await networkHelpers.time.increaseTo(c.deadline);
    await c.escrow.release();
    await expectRevert(c.escrow.release(), c.escrow, "WrongState", [State.Released, State.Succeeded]);
  });

  it("refuses a release before the deadline even at the goal", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await expectRevert(c.escrow.release(), c.escrow, "WrongState", [State.Funding, State.Succeeded]);
  });

  it("refuses a release of a failed campaign", async () => {
    const c = await networkHelpers.loadFixture(failing);
    await networkHelpers.time.increaseTo(c.deadline);
    await expectRevert(c.escrow.release(), c.escrow, "WrongState", [State.Failed, State.Succeeded]);
  });

  it("refunds a backer's whole pledge to the backer, whoever calls it", async () => {
    const c = await networkHelpers.loadFixture(failing);
    const [alice, , stranger] = c.backers;
    await networkHelpers.time.increaseTo(c.deadline);
    const before = await c.token.balanceOf(alice);
    await expectEvent(c.escrow.connect(stranger).refund(alice), c.escrow, "Refunded", [
      alice.address,
      MIN_PLEDGE,
    ]);
    assert.equal(await c.token.balanceOf(alice), before + MIN_PLEDGE);
    assert.equal(await c.escrow.pledgeOf(alice), 0n);
    assert.equal(await c.escrow.backers(), 1n);
    assert.equal(await c.escrow.totalPledged(), MIN_PLEDGE);
  });

  it("refunds each backer only once", async () => {
    const c = await networkHelpers.loadFixture(failing);
    const [alice] = c.backers;
    await networkHelpers.time.increaseTo(c.deadline);
    await c.escrow.refund(alice);
    await expectRevert(c.escrow.refund(alice), c.escrow, "NoPledge", [alice.address]);
  });

  it("refuses a refund to an address that never pledged", async () => {
    const c = await networkHelpers.loadFixture(failing);
    await networkHelpers.time.increaseTo(c.deadline);
    await expectRevert(c.escrow.refund(c.backers[5]), c.escrow, "NoPledge", [c.backers[5].address]);
  });

  it("refuses a refund while the campaign is funding", async () => {
    const c = await networkHelpers.loadFixture(failing);
    await expectRevert(c.escrow.refund(c.backers[0]), c.escrow, "WrongState", [State.Funding, State.Failed]);
  });

  it("refuses a refund of a successful campaign", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await networkHelpers.time.increaseTo(c.deadline);
    await expectRevert(c.escrow.refund(c.backers[0]), c.escrow, "WrongState", [
      State.Succeeded,
      State.Failed,
    ]);
  });

  it("refunds every backer of a failed campaign, leaving the escrow empty", async () => {
    const c = await networkHelpers.loadFixture(failing);
    await networkHelpers.time.increaseTo(c.deadline);
    for (const backer of c.backers.slice(0, 2)) await c.escrow.refund(backer);
    assert.equal(await c.token.balanceOf(c.escrow), 0n);
    assert.equal(await c.escrow.backers(), 0n);
    assert.equal(await c.escrow.state(), State.Failed);
  });

  it("treats tokens sent directly as no pledge: they add no backer and are never paid out", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    const stray = 5n * MIN_PLEDGE;
    await c.token.connect(c.backers[8]).transfer(c.escrow, stray);
    assert.equal(await c.escrow.backers(), 3n);
    await networkHelpers.time.increaseTo(c.deadline);
    const total = await c.escrow.totalPledged();
    await c.escrow.release();
    assert.equal(await c.token.balanceOf(c.beneficiary), total);
    assert.equal(await c.token.balanceOf(c.escrow), stray);
  });

  it("keeps the funds while the issuer blacklists the beneficiary, and releases once it is lifted", async () => {
    const c = await networkHelpers.loadFixture(succeedingRestricted);
    const issuerToken = await c.ethers.getContractAt("RestrictedStablecoin", c.token, c.deployer);
    await issuerToken.setBlacklisted(c.beneficiary, true);
    await networkHelpers.time.increaseTo(c.deadline);
    await expectRevert(c.escrow.release(), issuerToken, "Blacklisted", [c.beneficiary.address]);
    assert.equal(await c.escrow.state(), State.Succeeded);
    await issuerToken.setBlacklisted(c.beneficiary, false);
    await c.escrow.release();
    assert.equal(await c.escrow.state(), State.Released);
  });

  it("blocks only the blacklisted backer's refund; the others are refunded", async () => {
    const c = await networkHelpers.loadFixture(failingRestricted);
    const [alice, bob] = c.backers;
    const issuerToken = await c.ethers.getContractAt("RestrictedStablecoin", c.token, c.deployer);
    await issuerToken.setBlacklisted(alice, true);
    await networkHelpers.time.increaseTo(c.deadline);
    await expectRevert(c.escrow.refund(alice), issuerToken, "Blacklisted", [alice.address]);
    await c.escrow.refund(bob);
    assert.equal(await c.escrow.pledgeOf(bob), 0n);
    assert.equal(await c.escrow.pledgeOf(alice), MIN_PLEDGE);
  });
});
