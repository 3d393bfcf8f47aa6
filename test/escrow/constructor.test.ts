import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, zeroAddress } from "viem";
import artifact from "../../artifacts/contracts/CampaignEscrow.sol/CampaignEscrow.json" with { type: "json" };
import { connect, deployCampaign, expectDeployRevert, MIN_PLEDGE, State, WEEK } from "./fixture.ts";

describe("CampaignEscrow constructor", async () => {
  const conn = await connect();
  const { viem, networkHelpers } = conn;
  const [, beneficiary] = await viem.getWalletClients();
  const token = await viem.deployContract("TestStablecoin", ["Test USD", "tUSD"]);
  const later = async () => BigInt(await networkHelpers.time.latest()) + WEEK;

  it("stores the five parameters as given", async () => {
    const { escrow, token: t, beneficiary: b, deadline } = await deployCampaign(conn, { goalBackers: 250_000 });
    assert.equal(await escrow.read.token(), getAddress(t.address));
    assert.equal(await escrow.read.beneficiary(), getAddress(b.account.address));
    assert.equal(await escrow.read.goalBackers(), 250_000);
    assert.equal(await escrow.read.minPledge(), MIN_PLEDGE);
    assert.equal(await escrow.read.deadline(), deadline);
  });

  it("starts in Funding with no backers and nothing pledged", async () => {
    const { escrow } = await deployCampaign(conn);
    assert.equal(await escrow.read.state(), State.Funding);
    assert.equal(await escrow.read.backers(), 0n);
    assert.equal(await escrow.read.totalPledged(), 0n);
  });

  it("rejects the zero address as token", async () => {
    await expectDeployRevert(conn, [zeroAddress, beneficiary.account.address, 1, 1n, await later()], "InvalidToken");
  });

  it("rejects the zero address as beneficiary", async () => {
    await expectDeployRevert(conn, [token.address, zeroAddress, 1, 1n, await later()], "InvalidBeneficiary");
  });

  it("rejects a goal of zero backers", async () => {
    await expectDeployRevert(conn, [token.address, beneficiary.account.address, 0, 1n, await later()], "InvalidGoal");
  });

  it("rejects a minimum pledge of zero", async () => {
    await expectDeployRevert(conn, [token.address, beneficiary.account.address, 1, 0n, await later()], "InvalidMinPledge");
  });

  it("rejects a deadline equal to the current block's time", async () => {
    const now = BigInt(await networkHelpers.time.latest());
    await expectDeployRevert(conn, [token.address, beneficiary.account.address, 1, 1n, now], "DeadlineNotInFuture");
  });

  it("rejects a deadline in the past, naming it and the current time", async () => {
    const now = BigInt(await networkHelpers.time.latest());
    await expectDeployRevert(conn, [token.address, beneficiary.account.address, 1, 1n, now - 1n], "DeadlineNotInFuture", [
      now - 1n,
      now,
    ]);
  });

  it("accepts a deadline one second after the current block", async () => {
    const now = BigInt(await networkHelpers.time.latest());
    await networkHelpers.time.setNextBlockTimestamp(now + 1n);
    await networkHelpers.mine();
    // The deploying block comes after `now + 1`, so aim one second past it.
    const escrow = await viem.deployContract("CampaignEscrow", [token.address, beneficiary.account.address, 1, 1n, now + 3n]);
    assert.equal(await escrow.read.state(), State.Funding);
  });

  it("exposes no owner, admin, pause, upgrade, fee or sweep: the only state-changing functions are the campaign's five", () => {
    const writes = artifact.abi
      .filter((item) => item.type === "function" && item.stateMutability !== "view" && item.stateMutability !== "pure")
      .map((item) => item.name)
      .sort();
    assert.deepEqual(writes, ["cancel", "pledge", "pledgeWithPermit", "refund", "release"]);
  });
});
