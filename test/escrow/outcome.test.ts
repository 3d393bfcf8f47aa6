import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connect, deployCampaign, MIN_PLEDGE, pledgeFrom, State } from "./fixture.ts";

describe("CampaignEscrow outcome: state, release and refund", async () => {
  const conn = await connect();
  const { networkHelpers } = conn;
  /** Goal 3, with 3 backers: succeeds at the deadline. */
  async function succeeding() {
    const c = await deployCampaign(conn, { goalBackers: 3 });
    await pledgeFrom(c, 3);
    await c.escrow.write.pledge([MIN_PLEDGE], { account: c.backers[0].account }); // a top-up
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
    assert.equal(await c.escrow.read.state(), State.Funding);
  });

  it("reports Succeeded from the deadline when backers reached the goal", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await networkHelpers.time.increaseTo(c.deadline);
    assert.equal(await c.escrow.read.state(), State.Succeeded);
  });

  it("reports Failed from the deadline when backers stayed below the goal", async () => {
    const c = await networkHelpers.loadFixture(failing);
    await networkHelpers.time.increaseTo(c.deadline);
    assert.equal(await c.escrow.read.state(), State.Failed);
  });

  it("fails a campaign that reached the goal and lost a backer before the last 24 hours", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await c.escrow.write.cancel({ account: c.backers[1].account });
    await networkHelpers.time.increaseTo(c.deadline);
    assert.equal(await c.escrow.read.state(), State.Failed);
  });

  it("releases every pledged token to the beneficiary and reports Released", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await networkHelpers.time.increaseTo(c.deadline);
    const total = await c.escrow.read.totalPledged();
    await c.escrow.write.release();
    assert.equal(await c.token.read.balanceOf([c.beneficiary.account.address]), total);
    assert.equal(await c.token.read.balanceOf([c.escrow.address]), 0n);
    assert.equal(await c.escrow.read.state(), State.Released);
  });

  it("lets anyone trigger the release, and emits Released with the beneficiary and amount", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await networkHelpers.time.increaseTo(c.deadline);
    await c.viem.assertions.emitWithArgs(
      c.escrow.write.release({ account: c.backers[9].account }),
      c.escrow,
      "Released",
      [c.beneficiary.account.address, 4n * MIN_PLEDGE],
    );
  });

  it("releases only once", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await networkHelpers.time.increaseTo(c.deadline);
    await c.escrow.write.release();
    await c.viem.assertions.revertWithCustomErrorWithArgs(c.escrow.write.release(), c.escrow, "WrongState", [
      State.Released,
      State.Succeeded,
    ]);
  });

  it("refuses a release before the deadline even at the goal", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await c.viem.assertions.revertWithCustomErrorWithArgs(c.escrow.write.release(), c.escrow, "WrongState", [
      State.Funding,
      State.Succeeded,
    ]);
  });

  it("refuses a release of a failed campaign", async () => {
    const c = await networkHelpers.loadFixture(failing);
    await networkHelpers.time.increaseTo(c.deadline);
    await c.viem.assertions.revertWithCustomErrorWithArgs(c.escrow.write.release(), c.escrow, "WrongState", [
      State.Failed,
      State.Succeeded,
    ]);
  });

  it("refunds a backer's whole pledge to the backer, whoever calls it", async () => {
    const c = await networkHelpers.loadFixture(failing);
    const [alice, , stranger] = c.backers;
    await networkHelpers.time.increaseTo(c.deadline);
    const before = await c.token.read.balanceOf([alice.account.address]);
    await c.viem.assertions.emitWithArgs(
      c.escrow.write.refund([alice.account.address], { account: stranger.account }),
      c.escrow,
      "Refunded",
      [alice.account.address, MIN_PLEDGE],
    );
    assert.equal(await c.token.read.balanceOf([alice.account.address]), before + MIN_PLEDGE);
    assert.equal(await c.escrow.read.pledgeOf([alice.account.address]), 0n);
    assert.equal(await c.escrow.read.backers(), 1n);
    assert.equal(await c.escrow.read.totalPledged(), MIN_PLEDGE);
  });

  it("refunds each backer only once", async () => {
    const c = await networkHelpers.loadFixture(failing);
    const [alice] = c.backers;
    await networkHelpers.time.increaseTo(c.deadline);
    await c.escrow.write.refund([alice.account.address]);
    await c.viem.assertions.revertWithCustomErrorWithArgs(c.escrow.write.refund([alice.account.address]), c.escrow, "NoPledge", [
      alice.account.address,
    ]);
  });

  it("refuses a refund to an address that never pledged", async () => {
    const c = await networkHelpers.loadFixture(failing);
    await networkHelpers.time.increaseTo(c.deadline);
    await c.viem.assertions.revertWithCustomError(c.escrow.write.refund([c.backers[5].account.address]), c.escrow, "NoPledge");
  });

  it("refuses a refund while the campaign is funding", async () => {
    const c = await networkHelpers.loadFixture(failing);
    await c.viem.assertions.revertWithCustomErrorWithArgs(
      c.escrow.write.refund([c.backers[0].account.address]),
      c.escrow,
      "WrongState",
      [State.Funding, State.Failed],
    );
  });

  it("refuses a refund of a successful campaign", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    await networkHelpers.time.increaseTo(c.deadline);
    await c.viem.assertions.revertWithCustomErrorWithArgs(
      c.escrow.write.refund([c.backers[0].account.address]),
      c.escrow,
      "WrongState",
      [State.Succeeded, State.Failed],
    );
  });

  it("refunds every backer of a failed campaign, leaving the escrow empty", async () => {
    const c = await networkHelpers.loadFixture(failing);
    await networkHelpers.time.increaseTo(c.deadline);
    for (const backer of c.backers.slice(0, 2)) await c.escrow.write.refund([backer.account.address]);
    assert.equal(await c.token.read.balanceOf([c.escrow.address]), 0n);
    assert.equal(await c.escrow.read.backers(), 0n);
    assert.equal(await c.escrow.read.state(), State.Failed);
  });

  it("treats tokens sent directly as no pledge: they add no backer and are never paid out", async () => {
    const c = await networkHelpers.loadFixture(succeeding);
    const stray = 5n * MIN_PLEDGE;
    await c.token.write.transfer([c.escrow.address, stray], { account: c.backers[8].account });
    assert.equal(await c.escrow.read.backers(), 3n);
    await networkHelpers.time.increaseTo(c.deadline);
    const total = await c.escrow.read.totalPledged();
    await c.escrow.write.release();
    assert.equal(await c.token.read.balanceOf([c.beneficiary.account.address]), total);
    assert.equal(await c.token.read.balanceOf([c.escrow.address]), stray);
  });

  it("keeps the funds while the issuer blacklists the beneficiary, and releases once it is lifted", async () => {
    const c = await networkHelpers.loadFixture(succeedingRestricted);
    const issuerToken = await c.viem.getContractAt("RestrictedStablecoin", c.token.address);
    await issuerToken.write.setBlacklisted([c.beneficiary.account.address, true]);
    await networkHelpers.time.increaseTo(c.deadline);
    await c.viem.assertions.revertWithCustomError(c.escrow.write.release(), issuerToken, "Blacklisted");
    assert.equal(await c.escrow.read.state(), State.Succeeded);
    await issuerToken.write.setBlacklisted([c.beneficiary.account.address, false]);
    await c.escrow.write.release();
    assert.equal(await c.escrow.read.state(), State.Released);
  });

  it("blocks only the blacklisted backer's refund; the others are refunded", async () => {
    const c = await networkHelpers.loadFixture(failingRestricted);
    const [alice, bob] = c.backers;
    const issuerToken = await c.viem.getContractAt("RestrictedStablecoin", c.token.address);
    await issuerToken.write.setBlacklisted([alice.account.address, true]);
    await networkHelpers.time.increaseTo(c.deadline);
    await c.viem.assertions.revertWithCustomError(c.escrow.write.refund([alice.account.address]), issuerToken, "Blacklisted");
    await c.escrow.write.refund([bob.account.address]);
    assert.equal(await c.escrow.read.pledgeOf([bob.account.address]), 0n);
    assert.equal(await c.escrow.read.pledgeOf([alice.account.address]), MIN_PLEDGE);
  });
});
