/**
 * verifyCommand() (what `npm run verify` runs) against a running local chain with an escrow
 * deployed as `npm run deploy` deploys it (deployCampaign()), the artifact made from this
 * repository's Hardhat build. Resolves to the exit code: 0 exact match, 1 something differs,
 * 2 an RPC that could not be reached (the others still checked). (The command's flags and its
 * exit codes as a process: test/e2e/verify.test.ts.)
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Address } from "../../site/lib/address.ts";
import { ManifestError } from "../../site/lib/manifest.ts";
import { EXIT, UserError } from "../../scripts/lib/cli.ts";
import { deployCampaign, IGNITION_DEPLOYMENTS_DIR } from "../../scripts/lib/deploy-campaign.ts";
import { devAccount, DEV_ROLES } from "../../scripts/lib/dev-accounts.ts";
import { startLocalChain, type LocalChain } from "../../scripts/lib/local-chain.ts";
import { verifyCommand } from "../../scripts/lib/verify/cli-report.ts";
import { closedPort } from "../helpers/ports.ts";

describe("verifyCommand() on a deployed campaign", () => {
  let dir: string;
  let chain: LocalChain;
  let manifestFile: string;
  /** Its own Ignition deployment id: a test running at the same time on another chain never resumes it. */
  const deploymentId = `test-verify-31337-${randomUUID()}`;

  /** Runs verifyCommand with `options`; its exit code and the lines it printed. */
  async function verify(options: Parameters<typeof verifyCommand>[0] = {}) {
    const lines: string[] = [];
    const code = await verifyCommand({
      manifest: manifestFile,
      ...options,
      write: (line) => lines.push(line),
    });
    return { code, text: lines.join("\n") };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-verify-"));
    chain = await startLocalChain(0, join(dir, "deployments"));
    const { ethers } = chain.connection;
    const deployer = await ethers.getSigner(devAccount(DEV_ROLES.deployer).address);
    const coin = await ethers.deployContract("TestStablecoin", ["Test USD", "tUSD"], deployer);
    manifestFile = join(dir, "campaign.json");
    await deployCampaign({
      network: "localhost",
      rpcUrl: chain.url,
      token: (await coin.getAddress()) as Address,
      beneficiary: devAccount(DEV_ROLES.beneficiary).address,
      goalBackers: 3,
      manifest: manifestFile,
      deploymentId,
    });
  });

  afterAll(async () => {
    await chain?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    await rm(resolve(IGNITION_DEPLOYMENTS_DIR, deploymentId), { recursive: true, force: true });
  });

  it("says exact match and resolves to 0 for the deployed escrow", async () => {
    const { code, text } = await verify();
    assert.equal(code, EXIT.ok, text);
    assert.match(text, /^✓ Exact match$/m);
    assert.match(text, /^✓ Code: Exact match/m);
    assert.match(text, /^✓ Metadata hash: /m);
    assert.match(text, /^✓ Goal \(backers\): 3, as the manifest says\.$/m);
    assert.doesNotMatch(text, /^✗/m);
  });

  it("names goalBackers and the chain's value when the manifest claims another goal, and resolves to 1", async () => {
    const manifest = JSON.parse(await readFile(manifestFile, "utf8")) as { escrow: { goalBackers: number } };
    manifest.escrow.goalBackers = 1000;
    const claimed = join(dir, "other-goal.json");
    await writeFile(claimed, JSON.stringify(manifest));
    const { code, text } = await verify({ manifest: claimed });
    assert.equal(code, EXIT.failure, text);
    assert.match(text, /goalBackers is 3 on chain, 1000 in the manifest/);
    assert.match(text, /^✗ Goal \(backers\) is 3 on chain; the manifest says 1000\.$/m);
    assert.match(text, /^ {2}differs: .*goalBackers/m);
  });

  it("names an RPC it cannot reach, still checks the others, and resolves to 2", async () => {
    const port = await closedPort();
    const { code, text } = await verify({ rpcUrls: [`http://127.0.0.1:${port}/secret-key`] });
    assert.equal(code, EXIT.usage, text);
    assert.match(
      text,
      new RegExp(
        `^✗ RPC 127\\.0\\.0\\.1:${port}: Could not use the RPC 127\\.0\\.0\\.1:${port} \\(connection refused\\)`,
        "m",
      ),
    );
    assert.match(text, /^✓ Code: Exact match/m);
    assert.match(text, new RegExp(`not reached: 127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(text, /secret-key/);
  });

  it("refuses an RPC URL that is not http(s) without repeating it", async () => {
    await assert.rejects(verify({ rpcUrls: ["wss://rpc.example/secret-key"] }), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, /--rpc-url: that is not an http\(s\) URL/);
      assert.doesNotMatch(error.message, /secret-key/);
      return true;
    });
  });

  it("names the file of a manifest that does not exist", async () => {
    await assert.rejects(verify({ manifest: join(dir, "missing.json") }), (error: unknown) => {
      assert.ok(error instanceof ManifestError);
      assert.match(error.message, /missing\.json/);
      return true;
    });
  });
});
