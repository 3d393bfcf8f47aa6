/**
 * Gas ceilings with the reference campaign (goal 250,000 backers, 9.95 in a 6-decimals permit
 * stablecoin). Gas is deterministic, so these are exact checks, not timings. Each backer keeps a
 * token balance after pledging, as a real backer does; the first payment into an empty account
 * costs the token another 17,100 gas (a fresh storage slot), which is the token's, not the escrow's.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { GAS_ESTIMATES } from "../../site/lib/back/checks.ts";
import { connect, DAY, deployCampaign, gasOf, MIN_PLEDGE, pledgeFrom, signPermit } from "./fixture.ts";

export const GAS_CEILINGS = {
  pledge: 80_000n,
  pledgeWithPermit: 115_000n,
  cancel: 50_000n,
  refund: 50_000n,
  release: 60_000n,
} as const;

describe("CampaignEscrow gas", async () => {
  const conn = await connect();
  const { networkHelpers } = conn;
  async function referenceCampaign() {
    const c = await deployCampaign(conn, { goalBackers: 250_000 });
    await pledgeFrom(c, 1); // the escrow already holds tokens, as for every backer after the first
    return c;
  }
  async function smallCampaign() {
    const c = await deployCampaign(conn, { goalBackers: 2 });
    await pledgeFrom(c, 2);
    return c;
  }

  it(`pledge by a new backer after approve costs at most ${GAS_CEILINGS.pledge} gas`, async () => {
    const c = await networkHelpers.loadFixture(referenceCampaign);
    const gas = await gasOf(c.escrow.connect(c.backers[1]).pledge(MIN_PLEDGE));
    assert.ok(gas <= GAS_CEILINGS.pledge, `pledge used ${gas} gas`);
  });

  it(`pledgeWithPermit by a new backer costs at most ${GAS_CEILINGS.pledgeWithPermit} gas`, async () => {
    const c = await networkHelpers.loadFixture(referenceCampaign);
    const backer = c.backers[1];
    await c.token.connect(backer).approve(c.escrow, 0n);
    const deadline = BigInt(await networkHelpers.time.latest()) + DAY;
    const { v, r, s } = await signPermit(c, backer, c.escrow, MIN_PLEDGE, deadline);
    const gas = await gasOf(c.escrow.connect(backer).pledgeWithPermit(MIN_PLEDGE, deadline, v, r, s));
    assert.ok(gas <= GAS_CEILINGS.pledgeWithPermit, `pledgeWithPermit used ${gas} gas`);
  });

  it(`cancel costs at most ${GAS_CEILINGS.cancel} gas`, async () => {
    const c = await networkHelpers.loadFixture(referenceCampaign);
    const gas = await gasOf(c.escrow.connect(c.backers[0]).cancel());
    assert.ok(gas <= GAS_CEILINGS.cancel, `cancel used ${gas} gas`);
  });

  it(`refund costs at most ${GAS_CEILINGS.refund} gas`, async () => {
    const c = await networkHelpers.loadFixture(referenceCampaign);
    await networkHelpers.time.increaseTo(c.deadline);
    const gas = await gasOf(c.escrow.refund(c.backers[0]));
    assert.ok(gas <= GAS_CEILINGS.refund, `refund used ${gas} gas`);
  });

  it(`release to a beneficiary holding no tokens yet costs at most ${GAS_CEILINGS.release} gas`, async () => {
    const c = await networkHelpers.loadFixture(smallCampaign);
    await networkHelpers.time.increaseTo(c.deadline);
    const gas = await gasOf(c.escrow.release());
    assert.ok(gas <= GAS_CEILINGS.release, `release used ${gas} gas`);
  });

  describe("the back page's gas figures (GAS_ESTIMATES, for its gas-money check) cover each call's dearest case", () => {
    /**
     * A campaign whose every backer pledges its whole balance: a cancel or refund then pays into an empty
     * account.
     */
    async function wholeBalanceCampaign() {
      return deployCampaign(conn, { goalBackers: 2, funding: MIN_PLEDGE });
    }

    it("the campaign's first pledge (the escrow's balance and the totals slot start at zero)", async () => {
      const c = await networkHelpers.loadFixture(wholeBalanceCampaign);
      const gas = await gasOf(c.escrow.connect(c.backers[0]).pledge(MIN_PLEDGE));
      assert.ok(gas <= GAS_ESTIMATES.pledge, `first pledge used ${gas} gas`);
    });

    it("the campaign's first pledge with a permit", async () => {
      const c = await networkHelpers.loadFixture(wholeBalanceCampaign);
      const backer = c.backers[0];
      await c.token.connect(backer).approve(c.escrow, 0n);
      const deadline = BigInt(await networkHelpers.time.latest()) + DAY;
      const { v, r, s } = await signPermit(c, backer, c.escrow, MIN_PLEDGE, deadline);
      const gas = await gasOf(c.escrow.connect(backer).pledgeWithPermit(MIN_PLEDGE, deadline, v, r, s));
      assert.ok(gas <= GAS_ESTIMATES.pledgeWithPermit, `first pledgeWithPermit used ${gas} gas`);
    });

    it("an approve from zero allowance", async () => {
      const c = await networkHelpers.loadFixture(wholeBalanceCampaign);
      await c.token.connect(c.backers[0]).approve(c.escrow, 0n);
      const gas = await gasOf(c.token.connect(c.backers[0]).approve(c.escrow, MIN_PLEDGE));
      assert.ok(gas <= GAS_ESTIMATES.approve, `approve used ${gas} gas`);
    });

    it("a cancel paying into an empty account", async () => {
      const c = await networkHelpers.loadFixture(wholeBalanceCampaign);
      await pledgeFrom(c, 1);
      const gas = await gasOf(c.escrow.connect(c.backers[0]).cancel());
      assert.ok(gas <= GAS_ESTIMATES.cancel, `cancel used ${gas} gas`);
    });

    it("a refund paying into an empty account", async () => {
      const c = await networkHelpers.loadFixture(wholeBalanceCampaign);
      await pledgeFrom(c, 1);
      await networkHelpers.time.increaseTo(c.deadline);
      const gas = await gasOf(c.escrow.refund(c.backers[0]));
      assert.ok(gas <= GAS_ESTIMATES.refund, `refund used ${gas} gas`);
    });

    it("a release to a beneficiary holding no tokens", async () => {
      const c = await networkHelpers.loadFixture(wholeBalanceCampaign);
      await pledgeFrom(c, 2);
      await networkHelpers.time.increaseTo(c.deadline);
      const gas = await gasOf(c.escrow.release());
      assert.ok(gas <= GAS_ESTIMATES.release, `release used ${gas} gas`);
    });
  });

  it("charges backer 2,000 exactly the gas it charged backer 2", async () => {
    const c = await networkHelpers.loadFixture(referenceCampaign);
    const { ethers, escrow, token } = c;
    const backerGas: bigint[] = [];
    // Backer 1 pledged in the fixture; backers 2..2,000 are fresh impersonated addresses, each
    // funded and approved the same way, so only the escrow's own state could make a difference.
    for (let n = 2; n <= 2_000; n++) {
      const address = ethers.getAddress(`0x${(0x1_0000_0000n + BigInt(n)).toString(16).padStart(40, "0")}`);
      await networkHelpers.impersonateAccount(address);
      await networkHelpers.setBalance(address, 10n ** 18n);
      const backer = await ethers.getSigner(address);
      await token.mint(backer, 2n * MIN_PLEDGE);
      await token.connect(backer).approve(escrow, MIN_PLEDGE);
      if (n === 2 || n === 2_000) {
        backerGas.push(await gasOf(escrow.connect(backer).pledge(MIN_PLEDGE)));
      } else {
        await escrow.connect(backer).pledge(MIN_PLEDGE);
      }
    }
    assert.equal(await escrow.backers(), 2_000n);
    assert.equal(backerGas[0], backerGas[1]);
  });
});
