import assert from "node:assert/strict";
import { ZeroAddress, type FunctionFragment } from "ethers";
import { describe, it } from "vitest";
import {
  connect,
  deployCampaign,
  escrowFactory,
  expectDeployRevert,
  MIN_PLEDGE,
  State,
  WEEK,
} from "./fixture.ts";

describe("CampaignEscrow constructor", async () => {
  const conn = await connect();
  const { ethers, networkHelpers } = conn;
  const [, beneficiary] = await ethers.getSigners();
  const token = await (await ethers.getContractFactory("TestStablecoin")).deploy("Test USD", "tUSD");
  const later = async () => BigInt(await networkHelpers.time.latest()) + WEEK;

  it("stores the five parameters as given", async () => {
    const {
      escrow,
      token: t,
      beneficiary: b,
      deadline,
    } = await deployCampaign(conn, { goalBackers: 250_000 });
    assert.equal(await escrow.token(), await t.getAddress());
    assert.equal(await escrow.beneficiary(), b.address);
    assert.equal(await escrow.goalBackers(), 250_000n);
    assert.equal(await escrow.minPledge(), MIN_PLEDGE);
    assert.equal(await escrow.deadline(), deadline);
  });

  it("starts in Funding with no backers and nothing pledged", async () => {
    const { escrow } = await deployCampaign(conn);
    assert.equal(await escrow.state(), State.Funding);
    assert.equal(await escrow.backers(), 0n);
    assert.equal(await escrow.totalPledged(), 0n);
  });

  it("rejects the zero address as token", async () => {
    await expectDeployRevert(conn, [ZeroAddress, beneficiary, 1, 1n, await later()], "InvalidToken", []);
  });

  it("rejects the zero address as beneficiary", async () => {
    await expectDeployRevert(conn, [token, ZeroAddress, 1, 1n, await later()], "InvalidBeneficiary", []);
  });

  it("rejects a goal of zero backers", async () => {
    await expectDeployRevert(conn, [token, beneficiary, 0, 1n, await later()], "InvalidGoal", []);
  });

  it("rejects a minimum pledge of zero", async () => {
    await expectDeployRevert(conn, [token, beneficiary, 1, 0n, await later()], "InvalidMinPledge", []);
  });

  // The deploying block's time is set, not taken from the wall clock: these cannot pass or fail by luck.
  it("rejects a deadline equal to the current block's time", async () => {
    const deployedAt = BigInt(await networkHelpers.time.latest()) + 100n;
    await networkHelpers.time.setNextBlockTimestamp(deployedAt);
    await expectDeployRevert(conn, [token, beneficiary, 1, 1n, deployedAt], "DeadlineNotInFuture", [
      deployedAt,
      deployedAt,
    ]);
  });

  it("rejects a deadline in the past, naming it and the current time", async () => {
    const deployedAt = BigInt(await networkHelpers.time.latest()) + 100n;
    await networkHelpers.time.setNextBlockTimestamp(deployedAt);
    await expectDeployRevert(conn, [token, beneficiary, 1, 1n, deployedAt - 1n], "DeadlineNotInFuture", [
      deployedAt - 1n,
      deployedAt,
    ]);
  });

  it("accepts a deadline one second after the current block", async () => {
    const deployedAt = BigInt(await networkHelpers.time.latest()) + 100n;
    await networkHelpers.time.setNextBlockTimestamp(deployedAt);
    const escrow = await (await escrowFactory(conn)).deploy(token, beneficiary, 1, 1n, deployedAt + 1n);
    const receipt = await escrow.deploymentTransaction()?.wait();
    assert.ok(receipt, "the deployment has no receipt");
    assert.equal(BigInt((await receipt.getBlock()).timestamp), deployedAt);
    assert.equal(await escrow.deadline(), deployedAt + 1n);
    assert.equal(await escrow.state(), State.Funding);
  });

  it("exposes no owner, admin, pause, upgrade, fee or sweep: the only state-changing functions are the campaign's five", async () => {
    const abi = (await escrowFactory(conn)).interface;
    const writes: string[] = [];
    abi.forEachFunction((fragment: FunctionFragment) => {
      if (fragment.stateMutability !== "view" && fragment.stateMutability !== "pure")
        writes.push(fragment.name);
    });
    assert.deepEqual(writes.sort(), ["cancel", "pledge", "pledgeWithPermit", "refund", "release"]);
    // Nor can the escrow be called, or paid, outside those functions.
    assert.equal(abi.fallback, null);
    assert.equal(abi.receive, false);
  });
});
