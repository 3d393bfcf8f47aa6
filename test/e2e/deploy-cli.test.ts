/**
 * `npm run deploy` as a process: its help, its refusal of a bad flag, and the exit code of a run
 * that fails. What it checks and deploys is tested through deployCampaign() against a real chain
 * (test/integration/deploy-campaign.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { devAccount } from "../../scripts/lib/dev-accounts.ts";
import { closedPort } from "../helpers/ports.ts";
import { runScript } from "../helpers/processes.ts";

describe("npm run deploy, the command", () => {
  it("prints its help listing every flag and exits 0", async () => {
    const result = await runScript("deploy.ts", ["--help"]);
    assert.equal(result.code, 0, result.stderr);
    for (const flag of ["--network", "--token", "--beneficiary", "--goal", "--min-pledge", "--deadline"])
      assert.match(result.stdout, new RegExp(`${flag} <`));
    assert.match(result.stdout, /--dry-run/);
  });

  it("refuses a malformed address with exit code 2, naming the flag", async () => {
    const result = await runScript("deploy.ts", ["--token", "0x12", "--beneficiary", devAccount(5).address]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--token <address>.*expected a 0x-prefixed 20-byte hex address/);
  });

  it("exits 1 when the RPC endpoint cannot be reached", async () => {
    const result = await runScript("deploy.ts", [
      "--network",
      "localhost",
      "--rpc-url",
      `http://127.0.0.1:${await closedPort()}`,
      "--token",
      devAccount(6).address,
      "--beneficiary",
      devAccount(5).address,
      "--manifest",
      "/nonexistent/never.json",
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot reach the RPC endpoint/);
  });
});
