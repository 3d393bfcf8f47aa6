import assert from "node:assert/strict";
import { ZeroHash } from "ethers";
import { describe, it } from "vitest";
import { expectRevert } from "../helpers/escrow-errors.ts";
import { connect, DAY, deployCampaign, MIN_PLEDGE, signPermit } from "./fixture.ts";

describe("CampaignEscrow pledgeWithPermit", async () => {
  const conn = await connect();
  const { networkHelpers } = conn;
  /** A campaign whose backers have tokens but have approved nothing. */
  async function campaignWithoutApprovals() {
    const c = await deployCampaign(conn, { goalBackers: 3 });
    for (const backer of c.backers) await c.token.connect(backer).approve(c.escrow, 0n);
    return c;
  }
  const permitDeadline = async () => BigInt(await networkHelpers.time.latest()) + DAY;

  it("pledges with one signature and one transaction, without a prior approve", async () => {
    const c = await networkHelpers.loadFixture(campaignWithoutApprovals);
    const [alice] = c.backers;
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(c, alice, c.escrow, MIN_PLEDGE, deadline);
    await c.escrow.connect(alice).pledgeWithPermit(MIN_PLEDGE, deadline, v, r, s);
    assert.equal(await c.escrow.pledgeOf(alice), MIN_PLEDGE);
    assert.equal(await c.escrow.backers(), 1n);
    assert.equal(await c.token.allowance(alice, c.escrow), 0n);
  });

  it("still pledges when someone front-ran the same permit", async () => {
    const c = await networkHelpers.loadFixture(campaignWithoutApprovals);
    const [alice, mallory] = c.backers;
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(c, alice, c.escrow, MIN_PLEDGE, deadline);
    await c.token.connect(mallory).permit(alice, c.escrow, MIN_PLEDGE, deadline, v, r, s);
    await c.escrow.connect(alice).pledgeWithPermit(MIN_PLEDGE, deadline, v, r, s);
    assert.equal(await c.escrow.pledgeOf(alice), MIN_PLEDGE);
  });

  it("rejects a permit signed by someone else when no allowance covers the amount", async () => {
    const c = await networkHelpers.loadFixture(campaignWithoutApprovals);
    const [alice, bob] = c.backers;
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(c, bob, c.escrow, MIN_PLEDGE, deadline);
    await expectRevert(
      c.escrow.connect(alice).pledgeWithPermit(MIN_PLEDGE, deadline, v, r, s),
      c.escrow,
      "PermitRejected",
      [alice.address, 0n, MIN_PLEDGE],
    );
  });

  it("rejects an expired permit when no allowance covers the amount", async () => {
    const c = await networkHelpers.loadFixture(campaignWithoutApprovals);
    const [alice] = c.backers;
    const expired = BigInt(await networkHelpers.time.latest());
    const { v, r, s } = await signPermit(c, alice, c.escrow, MIN_PLEDGE, expired);
    await expectRevert(
      c.escrow.connect(alice).pledgeWithPermit(MIN_PLEDGE, expired, v, r, s),
      c.escrow,
      "PermitRejected",
      [alice.address, 0n, MIN_PLEDGE],
    );
  });

  it("pledges with an existing allowance even if the permit is invalid", async () => {
    const c = await networkHelpers.loadFixture(campaignWithoutApprovals);
    const [alice] = c.backers;
    await c.token.connect(alice).approve(c.escrow, MIN_PLEDGE);
    await c.escrow.connect(alice).pledgeWithPermit(MIN_PLEDGE, 0n, 27, ZeroHash, ZeroHash);
    assert.equal(await c.escrow.pledgeOf(alice), MIN_PLEDGE);
  });

  it("applies the pledge rules after the permit: a first pledge below the minimum reverts", async () => {
    const c = await networkHelpers.loadFixture(campaignWithoutApprovals);
    const [alice] = c.backers;
    const deadline = await permitDeadline();
    const { v, r, s } = await signPermit(c, alice, c.escrow, MIN_PLEDGE - 1n, deadline);
    await expectRevert(
      c.escrow.connect(alice).pledgeWithPermit(MIN_PLEDGE - 1n, deadline, v, r, s),
      c.escrow,
      "PledgeBelowMinimum",
      [MIN_PLEDGE - 1n, MIN_PLEDGE],
    );
  });
});
