/**
 * `npm run deploy` end to end, in a child process as a producer runs it, against a running local
 * chain: Hardhat's simulated network served over HTTP on 127.0.0.1 by the same code as
 * `npm start`'s chain (scripts/lib/local-chain.ts), with a test stablecoin and a first campaign
 * already deployed. Every test works alone and in any order: only one deploys, to a manifest of
 * its own, and the others must send nothing.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { devAccount, DEV_ROLES } from "../../scripts/lib/dev-accounts.ts";
import { startLocalChain, type LocalChain } from "../../scripts/lib/local-chain.ts";
import { parseManifestJson } from "../../site/lib/manifest.ts";
import { runScript } from "../helpers/processes.ts";

describe("npm run deploy against a running chain", () => {
  let dir: string;
  let chain: LocalChain;
  let rpcUrl: string;
  let token: string;
  /** The campaign already on the chain. */
  let escrow: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-deploy-"));
    // Port 0: any free port. The chain forgets `local-*` Ignition journals in the directory it
    // is given: a temporary one here, so npm start's journals are left alone.
    chain = await startLocalChain(0, join(dir, "deployments"));
    rpcUrl = chain.url;
    const { ethers } = chain.connection;
    const deployer = await ethers.getSigner(devAccount(DEV_ROLES.deployer).address);
    const coin = await ethers.deployContract("TestStablecoin", ["Test USD", "tUSD"], deployer);
    token = await coin.getAddress();
    const latest = await ethers.provider.getBlock("latest");
    assert.ok(latest);
    const first = await ethers.deployContract(
      "CampaignEscrow",
      [
        token,
        devAccount(DEV_ROLES.beneficiary).address,
        250_000,
        9_950_000n,
        BigInt(latest.timestamp) + 6n * 7n * 24n * 3600n,
      ],
      deployer,
    );
    escrow = await first.getAddress();
  });

  afterAll(async () => {
    await chain?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("lets npm run deploy add a second campaign to the running chain and write its manifest", async () => {
    const manifestFile = join(dir, "second.json");
    const result = await runScript("deploy.ts", [
      "--network",
      "localhost",
      "--rpc-url",
      rpcUrl,
      "--chain-id",
      "31337",
      "--token",
      token,
      "--beneficiary",
      devAccount(5).address,
      "--goal",
      "1000",
      "--min-pledge",
      "5",
      "--deadline",
      "+3d",
      "--title",
      "Second pilot",
      "--tagline",
      "Another one",
      "--manifest",
      manifestFile,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const manifest = parseManifestJson(await readFile(manifestFile, "utf8"));
    assert.notEqual(manifest.escrow.address, escrow);
    assert.equal(manifest.escrow.goalBackers, 1000);
    assert.equal(manifest.escrow.minPledge, "5000000");
    assert.equal(manifest.campaign.title, "Second pilot");
    const code = await chain.connection.ethers.provider.getCode(manifest.escrow.address);
    assert.ok(code !== undefined && code.length > 2);
  });

  it("refuses to deploy to a chain other than the one asked for, sending nothing", async () => {
    const result = await runScript("deploy.ts", [
      "--network",
      "localhost",
      "--rpc-url",
      rpcUrl,
      "--chain-id",
      "1",
      "--token",
      token,
      "--beneficiary",
      devAccount(5).address,
      "--manifest",
      join(dir, "never.json"),
    ]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /wrong chain: you asked for chain 1, but the RPC endpoint serves chain 31337/,
    );
  });

  it("refuses a deadline in the past before sending anything", async () => {
    const result = await runScript("deploy.ts", [
      "--network",
      "localhost",
      "--rpc-url",
      rpcUrl,
      "--token",
      token,
      "--beneficiary",
      devAccount(5).address,
      "--deadline",
      "2020-01-01T00:00:00Z",
      "--manifest",
      join(dir, "never.json"),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /deadline 2020-01-01T00:00:00.000Z is not in the future/);
  });

  it("refuses a token address with no contract behind it", async () => {
    const result = await runScript("deploy.ts", [
      "--network",
      "localhost",
      "--rpc-url",
      rpcUrl,
      "--token",
      devAccount(7).address,
      "--beneficiary",
      devAccount(5).address,
      "--manifest",
      join(dir, "never.json"),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /has no contract code on this chain/);
  });

  it("refuses to overwrite a malformed manifest, naming the bad field", async () => {
    const manifestFile = join(dir, "broken.json");
    await writeFile(
      manifestFile,
      JSON.stringify({ version: 1, campaign: { title: "x", tagline: "y" }, chain: { id: 0 } }),
    );
    const result = await runScript("deploy.ts", [
      "--network",
      "localhost",
      "--rpc-url",
      rpcUrl,
      "--token",
      token,
      "--beneficiary",
      devAccount(5).address,
      "--manifest",
      manifestFile,
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /chain\.id: /);
  });

  it("reports an unreachable RPC endpoint plainly", async () => {
    const result = await runScript("deploy.ts", [
      "--network",
      "localhost",
      "--rpc-url",
      "http://127.0.0.1:9",
      "--token",
      token,
      "--beneficiary",
      devAccount(5).address,
      "--manifest",
      join(dir, "never.json"),
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot reach the RPC endpoint/);
  });
});
