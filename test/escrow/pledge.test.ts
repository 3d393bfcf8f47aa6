import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connect, deployCampaign, MIN_PLEDGE, pledgeFrom, State } from "./fixture.ts";

describe("CampaignEscrow pledge", async () => {
  const conn = await connect();
  const { networkHelpers } = conn;
  async function campaign() {
    return deployCampaign(conn, { goalBackers: 3 });
  }

  it("makes a first pledge at the minimum count as one backer and holds the tokens", async () => {
    const { escrow, token, backers: [alice] } = await networkHelpers.loadFixture(campaign);
    const before = await token.read.balanceOf([alice.account.address]);
    await escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    assert.equal(await escrow.read.backers(), 1n);
    assert.equal(await escrow.read.pledgeOf([alice.account.address]), MIN_PLEDGE);
    assert.equal(await escrow.read.totalPledged(), MIN_PLEDGE);
    assert.equal(await token.read.balanceOf([escrow.address]), MIN_PLEDGE);
    assert.equal(await token.read.balanceOf([alice.account.address]), before - MIN_PLEDGE);
  });

  it("emits Pledged with the backer, the amount and the new backer count", async () => {
    const { viem, escrow, backers: [alice, bob] } = await networkHelpers.loadFixture(campaign);
    await escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    await viem.assertions.emitWithArgs(escrow.write.pledge([MIN_PLEDGE * 2n], { account: bob.account }), escrow, "Pledged", [
      bob.account.address,
      MIN_PLEDGE * 2n,
      2n,
    ]);
  });

  it("rejects a first pledge below the minimum, naming amount and minimum", async () => {
    const { viem, escrow, backers: [alice] } = await networkHelpers.loadFixture(campaign);
    await viem.assertions.revertWithCustomErrorWithArgs(
      escrow.write.pledge([MIN_PLEDGE - 1n], { account: alice.account }),
      escrow,
      "PledgeBelowMinimum",
      [MIN_PLEDGE - 1n, MIN_PLEDGE],
    );
  });

  it("rejects a pledge of zero", async () => {
    const { viem, escrow, backers: [alice] } = await networkHelpers.loadFixture(campaign);
    await escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    await viem.assertions.revertWithCustomError(escrow.write.pledge([0n], { account: alice.account }), escrow, "ZeroPledge");
  });

  it("lets a backer top up by any positive amount without adding a backer", async () => {
    const { escrow, backers: [alice] } = await networkHelpers.loadFixture(campaign);
    await escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    await escrow.write.pledge([1n], { account: alice.account });
    assert.equal(await escrow.read.backers(), 1n);
    assert.equal(await escrow.read.pledgeOf([alice.account.address]), MIN_PLEDGE + 1n);
    assert.equal(await escrow.read.totalPledged(), MIN_PLEDGE + 1n);
  });

  it("reverts with the token's error and records nothing when the allowance is missing", async () => {
    const { viem, escrow, token, backers: [alice] } = await networkHelpers.loadFixture(campaign);
    await token.write.approve([escrow.address, 0n], { account: alice.account });
    await viem.assertions.revertWithCustomError(
      escrow.write.pledge([MIN_PLEDGE], { account: alice.account }),
      token,
      "ERC20InsufficientAllowance",
    );
    assert.equal(await escrow.read.backers(), 0n);
    assert.equal(await escrow.read.pledgeOf([alice.account.address]), 0n);
  });

  it("accepts a pledge mined one second before the deadline", async () => {
    const { escrow, deadline, backers: [alice] } = await networkHelpers.loadFixture(campaign);
    await networkHelpers.time.setNextBlockTimestamp(deadline - 1n);
    await escrow.write.pledge([MIN_PLEDGE], { account: alice.account });
    assert.equal(await escrow.read.backers(), 1n);
  });

  it("rejects a pledge mined in the deadline's own second: the outcome is already fixed", async () => {
    const { viem, escrow, deadline, backers: [alice] } = await networkHelpers.loadFixture(campaign);
    await networkHelpers.time.setNextBlockTimestamp(deadline);
    await viem.assertions.revertWithCustomErrorWithArgs(
      escrow.write.pledge([MIN_PLEDGE], { account: alice.account }),
      escrow,
      "WrongState",
      [State.Failed, State.Funding],
    );
  });

  it("rejects a pledge after the deadline of a successful campaign", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await pledgeFrom(c, 3);
    await networkHelpers.time.increaseTo(c.deadline + 1n);
    await c.viem.assertions.revertWithCustomErrorWithArgs(
      c.escrow.write.pledge([MIN_PLEDGE], { account: c.backers[3].account }),
      c.escrow,
      "WrongState",
      [State.Succeeded, State.Funding],
    );
  });

  it("rejects a pledge after the release", async () => {
    const c = await networkHelpers.loadFixture(campaign);
    await pledgeFrom(c, 3);
    await networkHelpers.time.increaseTo(c.deadline);
    await c.escrow.write.release();
    await c.viem.assertions.revertWithCustomErrorWithArgs(
      c.escrow.write.pledge([1n], { account: c.backers[0].account }),
      c.escrow,
      "WrongState",
      [State.Released, State.Funding],
    );
  });

  it("rejects a pledge that would push the total past 2^128 units", async () => {
    const { viem, escrow, token, backers: [alice] } = await networkHelpers.loadFixture(campaign);
    const huge = 2n ** 128n;
    await token.write.mint([alice.account.address, huge]);
    await token.write.approve([escrow.address, huge], { account: alice.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      escrow.write.pledge([huge], { account: alice.account }),
      escrow,
      "SafeCastOverflowedUintDowncast",
      [128, huge],
    );
  });
});
