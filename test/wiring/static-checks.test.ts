/**
 * `npm test`'s static step (scripts/lib/test-run.ts runStaticChecks): a failed check counts as one
 * failure; a failed build or type check stops the run, a failed linter does not. Checks stand in
 * as small node processes exiting 0 or 1. And `npm run lint`'s command line (scripts/lint.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { lintChecks, runChecks, type Check } from "../../scripts/lib/checks.ts";
import { runStaticChecks } from "../../scripts/lib/test-run.ts";
import { runScript } from "../helpers/processes.ts";

const passes: Check = { command: process.execPath, args: ["-e", ""] };
const fails: Check = { command: process.execPath, args: ["-e", "process.exit(1)"] };

describe("npm test's static step", () => {
  it("counts nothing when every check passes, and lets the tests run", async () => {
    const result = await runStaticChecks([passes], [passes, passes]);
    assert.deepEqual(result, { counts: { passed: 0, failed: 0, skipped: 0 }, testable: true });
  });

  it("counts each failed linter as one failure and still lets the tests run", async () => {
    const result = await runStaticChecks([passes], [fails, passes, fails]);
    assert.deepEqual(result, { counts: { passed: 0, failed: 2, skipped: 0 }, testable: true });
  });

  it("stops at a failed build or type check, counting one failure and running nothing after it", async () => {
    const result = await runStaticChecks([fails, fails], [fails]);
    assert.deepEqual(result, { counts: { passed: 0, failed: 1, skipped: 0 }, testable: false });
  });
});

describe("the lint checks", () => {
  it("run every check even after one failed, and return the failed ones", async () => {
    assert.deepEqual(await runChecks([fails, passes, fails]), [fails, fails]);
  });

  it("let ESLint fix before Prettier formats, and never let solhint rewrite Solidity", () => {
    const names = (checks: Check[]) => checks.map((c) => c.command.split("/").at(-1));
    assert.deepEqual(names(lintChecks()), ["prettier", "eslint", "solhint"]);
    assert.deepEqual(names(lintChecks({ fix: true })), ["eslint", "prettier", "solhint"]);
    assert.ok(!lintChecks({ fix: true })[2].args.includes("--fix"));
  });
});

describe("npm run lint", () => {
  it("lists --fix in its help and exits 0", async () => {
    const { code, stdout } = await runScript("lint.ts", ["--help"]);
    assert.equal(code, 0);
    assert.match(stdout, /--fix/);
  });

  it("refuses an unknown flag, naming it, with exit code 2", async () => {
    const { code, stderr } = await runScript("lint.ts", ["--fixx"]);
    assert.equal(code, 2);
    assert.match(stderr, /--fixx/);
  });
});
