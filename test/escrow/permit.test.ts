import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connect, DAY, deployCampaign, MIN_PLEDGE, signPermit } from "./fixture.ts";

describe("CampaignEscrow pledgeWithPermit", async () => {
  const conn = await connect();
  const { networkHelpers } = conn;
  /** A campaign whose backers have tokens but have approved nothing. */
  async function campaignWithoutApprovals() {
    const c = await deployCampaign(conn, { goalBackers: 3 });
    for (const backer of c.backers) await c.token.write.approve([c.escrow.address, 0n], { account: backer.account });
    return c;
  }
  const permitDeadline = async () => BigInt(await networkHelpers.time.latest()) + DAY;

  it("pledges with one signature and one transaction, without a prior approve", async () => {
    const c = await networkHelpers.loadFixture(campaignWithoutApprovals);
    const [alice] = c.backers;
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(c, alice, c.escrow.address, MIN_PLEDGE, deadline);
    await c.escrow.write.pledgeWithPermit([MIN_PLEDGE, deadline, v, r, s], { account: alice.account });
    assert.equal(await c.escrow.read.pledgeOf([alice.account.address]), MIN_PLEDGE);
    assert.equal(await c.escrow.read.backers(), 1n);
    assert.equal(await c.token.read.allowance([alice.account.address, c.escrow.address]), 0n);
  });

  it("still pledges when someone front-ran the same permit", async () => {
    const c = await networkHelpers.loadFixture(campaignWithoutApprovals);
    const [alice, mallory] = c.backers;
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(c, alice, c.escrow.address, MIN_PLEDGE, deadline);
    await c.token.write.permit([alice.account.address, c.escrow.address, MIN_PLEDGE, deadline, v, r, s], {
      account: mallory.account,
    });
    await c.escrow.write.pledgeWithPermit([MIN_PLEDGE, deadline, v, r, s], { account: alice.account });
    assert.equal(await c.escrow.read.pledgeOf([alice.account.address]), MIN_PLEDGE);
  });

  it("rejects a permit signed by someone else when no allowance covers the amount", async () => {
    const c = await networkHelpers.loadFixture(campaignWithoutApprovals);
    const [alice, bob] = c.backers;
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(c, bob, c.escrow.address, MIN_PLEDGE, deadline);
    await c.viem.assertions.revertWithCustomErrorWithArgs(
      c.escrow.write.pledgeWithPermit([MIN_PLEDGE, deadline, v, r, s], { account: alice.account }),
      c.escrow,
      "PermitRejected",
      [alice.account.address, 0n, MIN_PLEDGE],
    );
  });

  it("rejects an expired permit when no allowance covers the amount", async () => {
    const c = await networkHelpers.loadFixture(campaignWithoutApprovals);
    const [alice] = c.backers;
    const expired = BigInt(await networkHelpers.time.latest());
    const { v, r, s } = await signPermit(c, alice, c.escrow.address, MIN_PLEDGE, expired);
    await c.viem.assertions.revertWithCustomError(
      c.escrow.write.pledgeWithPermit([MIN_PLEDGE, expired, v, r, s], { account: alice.account }),
      c.escrow,
      "PermitRejected",
    );
  });

  it("pledges with an existing allowance even if the permit is invalid", async () => {
    const c = await networkHelpers.loadFixture(campaignWithoutApprovals);
    const [alice] = c.backers;
    await c.token.write.approve([c.escrow.address, MIN_PLEDGE], { account: alice.account });
    const zero = `0x${"00".repeat(32)}` as const;
    await c.escrow.write.pledgeWithPermit([MIN_PLEDGE, 0n, 27, zero, zero], { account: alice.account });
    assert.equal(await c.escrow.read.pledgeOf([alice.account.address]), MIN_PLEDGE);
  });

  it("applies the pledge rules after the permit: a first pledge below the minimum reverts", async () => {
    const c = await networkHelpers.loadFixture(campaignWithoutApprovals);
    const [alice] = c.backers;
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(c, alice, c.escrow.address, MIN_PLEDGE - 1n, deadline);
    await c.viem.assertions.revertWithCustomError(
      c.escrow.write.pledgeWithPermit([MIN_PLEDGE - 1n, deadline, v, r, s], { account: alice.account }),
      c.escrow,
      "PledgeBelowMinimum",
    );
  });
});
