/**
 * `npm run verify` as a process: its help, its refusal of a bad flag, and bad input ending in exit
 * code 2. The check itself and the exit codes it resolves to (0 exact match, 1 something differs,
 * 2 an RPC not reached) are tested through verifyCommand() on a real chain
 * (test/integration/verify-command.test.ts).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";
import { runScript } from "../helpers/processes.ts";

describe("npm run verify, the command", () => {
  it("prints its help listing every flag and exits 0", async () => {
    const { code, stdout } = await runScript("verify.ts", ["--help"]);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: npm run verify -- \[options\]/);
    for (const flag of ["--manifest <path>", "--rpc-url <url>", "--artifact <dir>"])
      assert.ok(stdout.includes(flag), `usage lists ${flag}`);
  });

  it("refuses an unknown flag with exit code 2, naming it", async () => {
    const { code, stderr } = await runScript("verify.ts", ["--rpc", "https://rpc.example.org"]);
    assert.equal(code, 2);
    assert.match(stderr, /unknown option '--rpc'/);
  });

  it("exits 2 naming the file for a manifest that does not exist", async () => {
    const dir = await mkdtemp(join(tmpdir(), "peerpilot-verify-cli-"));
    try {
      const { code, stderr } = await runScript("verify.ts", ["--manifest", join(dir, "missing.json")]);
      assert.equal(code, 2);
      assert.match(stderr, /missing\.json/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
