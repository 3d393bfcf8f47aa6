/**
 * The wiring of `npm test` (scripts/test.ts) cannot pass a broken run as green: each kind of
 * breakage in a deliberately broken fixture file makes it exit non-zero and count as failed in
 * the closing line, and a clean run ends with the plain line and exit code 0.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { resolve } from "node:path";
import { runCounted } from "../../scripts/lib/test-run.ts";
import { runScript } from "../helpers/processes.ts";

/** Runs only the fixture files matching `filter` through `npm test`'s own runner. */
async function runFixture(filter: string) {
  const result = await runScript("test.ts", [
    "--no-checks",
    "--only",
    "vitest",
    "--",
    "--config",
    "test/wiring/fixtures/vitest.config.ts",
    filter,
  ]);
  return { code: result.code, closing: result.stdout.trimEnd().split("\n").at(-1) };
}

describe("npm test's closing line and exit code", () => {
  it("end a clean run with 'N passed, N failed, N skipped' and exit code 0", async () => {
    assert.deepEqual(await runFixture("passes"), { code: 0, closing: "1 passed, 0 failed, 1 skipped" });
  });

  it("count a failing test as failed and exit non-zero", async () => {
    assert.deepEqual(await runFixture("fails"), { code: 1, closing: "1 passed, 1 failed" });
  });

  it("count the tests of a suite whose beforeAll failed as failed, not skipped", async () => {
    assert.deepEqual(await runFixture("failing-hook"), { code: 1, closing: "0 passed, 2 failed" });
  });

  it("count a crashed worker as failed", async () => {
    const { code, closing } = await runFixture("crashes");
    assert.equal(code, 1);
    assert.match(closing ?? "", /^0 passed, [1-9]\d* failed$/);
  });

  it("count a test file that cannot load as failed", async () => {
    assert.deepEqual(await runFixture("cannot-load"), { code: 1, closing: "0 passed, 1 failed" });
  });

  it("refuse an unknown --only, naming it, with exit code 2", async () => {
    const result = await runScript("test.ts", ["--no-checks", "--only", "jest"]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /--only <runner>' argument 'jest' is invalid\. Allowed choices are solidity, vitest/,
    );
  });

  it("take the Solidity runner's own counts (hardhat test solidity)", async () => {
    const counts = await runCounted(resolve("node_modules/.bin/hardhat"), [
      "test",
      "solidity",
      "--grep",
      "test_constructorRefusesTheZero",
    ]);
    assert.deepEqual(counts, { passed: 2, failed: 0, skipped: 0 });
  });
});
