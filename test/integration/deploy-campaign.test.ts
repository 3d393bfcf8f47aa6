/**
 * deployCampaign() (what `npm run deploy` runs) against a running local chain: Hardhat's simulated
 * network served over HTTP on 127.0.0.1 by the same code as `npm start`'s chain
 * (scripts/lib/local-chain.ts), with a test stablecoin and a first campaign already deployed. Every
 * test works alone and in any order: only the deploying test writes a manifest of its own, and
 * the others must send nothing. (The command's flags and exit codes: test/e2e/deploy-cli.test.ts.)
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Address } from "../../site/lib/address.ts";
import { ManifestError, parseManifestJson } from "../../site/lib/manifest.ts";
import { EXIT, UserError } from "../../scripts/lib/cli.ts";
import {
  deployCampaign,
  deployPlan,
  IGNITION_DEPLOYMENTS_DIR,
  type DeployCampaignOptions,
} from "../../scripts/lib/deploy-campaign.ts";
import { devAccount, DEV_ROLES } from "../../scripts/lib/dev-accounts.ts";
import { startLocalChain, type LocalChain } from "../../scripts/lib/local-chain.ts";
import { parseDeadlineSpec } from "../../scripts/lib/parsers.ts";
import { REFERENCE_GOAL_BACKERS, REFERENCE_MIN_PLEDGE_UNITS } from "../../scripts/lib/reference-campaign.ts";
import { closedPort } from "../helpers/ports.ts";

/** Asserts that `run` rejects with a UserError whose message matches `message`, with `exitCode`. */
async function assertUserError(run: Promise<unknown>, message: RegExp, exitCode: number = EXIT.usage) {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof UserError, `not a UserError: ${String(error)}`);
    assert.match(error.message, message);
    assert.equal(error.exitCode, exitCode);
    return true;
  });
}

describe("deployCampaign() against a running chain", () => {
  let dir: string;
  let chain: LocalChain;
  let token: Address;
  /** The campaign already on the chain. */
  let escrow: string;

  /** Ignition journals of this file's deployments, removed at the end. */
  const deploymentIds: string[] = [];

  /**
   * A localhost deployment to this chain, writing to a manifest nobody else uses, under an Ignition
   * deployment id of its own (a test running at the same time on another chain never resumes it).
   */
  function options(overrides: Partial<DeployCampaignOptions> = {}): DeployCampaignOptions {
    const deploymentId = `test-deploy-31337-${randomUUID()}`;
    deploymentIds.push(deploymentId);
    return {
      network: "localhost",
      deploymentId,
      rpcUrl: chain.url,
      token,
      beneficiary: devAccount(5).address,
      manifest: join(dir, "never.json"),
      ...overrides,
    };
  }

  async function blockNumber(): Promise<number> {
    return chain.connection.ethers.provider.getBlockNumber();
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-deploy-"));
    // Port 0: any free port. The chain forgets `local-*` Ignition journals in the directory it
    // is given: a temporary one here, so npm start's journals are left alone.
    chain = await startLocalChain(0, join(dir, "deployments"));
    const { ethers } = chain.connection;
    const deployer = await ethers.getSigner(devAccount(DEV_ROLES.deployer).address);
    const coin = await ethers.deployContract("TestStablecoin", ["Test USD", "tUSD"], deployer);
    token = (await coin.getAddress()) as Address;
    const latest = await ethers.provider.getBlock("latest");
    assert.ok(latest);
    const first = await ethers.deployContract(
      "CampaignEscrow",
      [
        token,
        devAccount(DEV_ROLES.beneficiary).address,
        REFERENCE_GOAL_BACKERS,
        REFERENCE_MIN_PLEDGE_UNITS,
        BigInt(latest.timestamp) + 6n * 7n * 24n * 3600n,
      ],
      deployer,
    );
    escrow = await first.getAddress();
  });

  afterAll(async () => {
    await chain?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    for (const id of deploymentIds)
      await rm(resolve(IGNITION_DEPLOYMENTS_DIR, id), { recursive: true, force: true });
  });

  it("adds a second campaign to the running chain and writes its manifest", async () => {
    const manifestFile = join(dir, "second.json");
    const result = await deployCampaign(
      options({
        chainId: 31337,
        goalBackers: 1000,
        minPledge: "5",
        deadline: parseDeadlineSpec("+3d"),
        title: "Second pilot",
        tagline: "Another one",
        manifest: manifestFile,
      }),
    );
    assert.equal(result.manifestFile, manifestFile);
    const manifest = parseManifestJson(await readFile(manifestFile, "utf8"));
    assert.notEqual(manifest.escrow.address, escrow);
    assert.equal(manifest.escrow.goalBackers, 1000);
    assert.equal(manifest.escrow.minPledge, "5000000");
    assert.equal(manifest.campaign.title, "Second pilot");
    assert.deepEqual(manifest.chain.rpcUrls, [chain.url]);
    const code = await chain.connection.ethers.provider.getCode(manifest.escrow.address);
    assert.ok(code.length > 2);
  });

  it("keeps the manifest's title and tagline when none is given", async () => {
    const manifestFile = join(dir, "kept.json");
    const first = await deployCampaign(
      options({ title: "Kept title", tagline: "Kept tagline", manifest: manifestFile }),
    );
    assert.ok(first.deployed);
    const second = await deployCampaign(
      options({ manifest: manifestFile, deadline: parseDeadlineSpec("+5w") }),
    );
    const manifest = parseManifestJson(await readFile(manifestFile, "utf8"));
    assert.equal(manifest.escrow.address, second.deployed?.escrow.address);
    assert.equal(manifest.campaign.title, "Kept title");
    assert.equal(manifest.campaign.tagline, "Kept tagline");
  });

  it("takes the reference campaign's goal and minimum pledge by default", async () => {
    const result = await deployCampaign(options({ dryRun: true }));
    assert.equal(result.params.goalBackers, REFERENCE_GOAL_BACKERS);
    assert.equal(result.params.minPledge, REFERENCE_MIN_PLEDGE_UNITS);
  });

  it("checks everything and sends nothing on a dry run", async () => {
    const before = await blockNumber();
    const messages: string[] = [];
    const result = await deployCampaign(options({ dryRun: true, onProgress: (m) => messages.push(m) }));
    assert.equal(result.deployed, undefined);
    assert.equal(await blockNumber(), before);
    assert.ok(messages.includes(deployPlan(result.chainId, result.params, result.token, "9.95")));
    await assert.rejects(readFile(join(dir, "never.json")), { code: "ENOENT" });
  });

  it("refuses to deploy to a chain other than the one asked for, sending nothing", async () => {
    const before = await blockNumber();
    await assertUserError(
      deployCampaign(options({ chainId: 1 })),
      /wrong chain: you asked for chain 1, but the RPC endpoint serves chain 31337/,
    );
    assert.equal(await blockNumber(), before);
  });

  it("refuses a deadline in the past before sending anything", async () => {
    await assertUserError(
      deployCampaign(options({ deadline: parseDeadlineSpec("2020-01-01T00:00:00Z") })),
      /deadline 2020-01-01T00:00:00.000Z is not in the future/,
    );
  });

  it("refuses a token address with no contract behind it", async () => {
    await assertUserError(
      deployCampaign(options({ token: devAccount(7).address })),
      /has no contract code on this chain/,
    );
  });

  it("refuses a minimum pledge finer than the token's decimals", async () => {
    await assertUserError(
      deployCampaign(options({ minPledge: "9.9999999" })),
      /--min-pledge "9.9999999" has more decimals than the token's 6/,
    );
  });

  it("refuses the token itself as beneficiary: the funds would be lost", async () => {
    await assertUserError(
      deployCampaign(options({ beneficiary: token })),
      /beneficiary is the token contract/,
    );
  });

  it("refuses to overwrite a malformed manifest, naming the bad field", async () => {
    const manifestFile = join(dir, "broken.json");
    await writeFile(
      manifestFile,
      JSON.stringify({ version: 1, campaign: { title: "x", tagline: "y" }, chain: { id: 0 } }),
    );
    await assert.rejects(deployCampaign(options({ manifest: manifestFile })), (error: unknown) => {
      assert.ok(error instanceof ManifestError);
      assert.match(error.message, /chain\.id: /);
      return true;
    });
  });

  it("refuses a remote deployment without its endpoint and key in the environment", async () => {
    await assertUserError(
      deployCampaign(options({ network: "remote", rpcUrl: undefined, chainId: 1, env: {} })),
      /--network remote needs PEERPILOT_RPC_URL and PEERPILOT_DEPLOYER_KEY in the environment/,
    );
  });

  it("refuses a remote deployment that names no public RPC for the site", async () => {
    const env = { PEERPILOT_RPC_URL: chain.url, PEERPILOT_DEPLOYER_KEY: devAccount(0).privateKey };
    await assertUserError(
      deployCampaign(options({ network: "remote", rpcUrl: undefined, chainId: 31337, env })),
      /--network remote needs --public-rpc/,
    );
  });

  it("reports an unreachable RPC endpoint plainly, as a failed run", async () => {
    const rpcUrl = `http://127.0.0.1:${await closedPort()}`;
    await assertUserError(
      deployCampaign(options({ rpcUrl })),
      /cannot reach the RPC endpoint of "localhost" \(http:\/\/127\.0\.0\.1:\d+\): .* nothing was sent\./,
      EXIT.failure,
    );
  });
});
