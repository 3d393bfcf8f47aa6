/**
 * `npm test`, as one function: build, type-check and lint (checks.ts), the Solidity tests
 * (`hardhat test solidity`), then every Vitest project; it returns the counts of all of them
 * together, by the rule of test-counts.ts, so that one closing line says whether anything failed
 * anywhere.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BIN, BUILD_CHECKS, checkName, lintChecks, runChecks, runCommand, type Check } from "./checks.ts";
import { addCounts, COUNTS_FILE_ENV, readCounts, withExitCode, type TestCounts } from "./test-counts.ts";

/** Runs a test runner that writes its counts to `$PEERPILOT_TEST_COUNTS`, and reads them. */
export async function runCounted(command: string, args: string[]): Promise<TestCounts> {
  const dir = await mkdtemp(join(tmpdir(), "peerpilot-counts-"));
  try {
    const file = join(dir, "counts.json");
    const code = await runCommand(command, args, { [COUNTS_FILE_ENV]: file });
    return withExitCode(await readCounts(file), code);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface TestRunOptions {
  /**
   * Run the static checks first (default true): the build and type checks, then the linters. A failed
   * check counts as one failure; a failed build or type check also stops the run.
   */
  checks?: boolean;
  /** Run the Solidity tests (default true). */
  solidity?: boolean;
  /** Run Vitest (default true); `vitestArgs` are passed on (`--project unit`, `--config …`). */
  vitest?: boolean;
  vitestArgs?: string[];
}

/** A check is no test: it adds nothing when it passes, and one failure when it fails. */
function checkCounts(failed: number): TestCounts {
  return { passed: 0, failed, skipped: 0 };
}

/**
 * The static checks: the build and type checks, then the linters. Resolves with their counts, and
 * whether the tests can run: not without a build, or against code that does not type-check; a lint
 * failure leaves the tests worth running.
 */
export async function runStaticChecks(
  build: readonly Check[] = BUILD_CHECKS,
  lint: readonly Check[] = lintChecks(),
): Promise<{ counts: TestCounts; testable: boolean }> {
  for (const check of build) {
    if ((await runChecks([check])).length > 0) {
      process.stderr.write(`Nothing was tested: \`${checkName(check)}\` must pass first.\n`);
      return { counts: checkCounts(1), testable: false };
    }
  }
  return { counts: checkCounts((await runChecks(lint)).length), testable: true };
}

/** Runs the whole suite (or the parts `options` select) and returns the counts of everything that ran. */
export async function runAllTests(options: TestRunOptions = {}): Promise<TestCounts> {
  const parts: TestCounts[] = [];
  if (options.checks ?? true) {
    const { counts, testable } = await runStaticChecks();
    if (!testable) return counts;
    parts.push(counts);
  }
  if (options.solidity ?? true) parts.push(await runCounted(join(BIN, "hardhat"), ["test", "solidity"]));
  if (options.vitest ?? true) {
    parts.push(
      await runCounted(join(BIN, "vitest"), [
        "run",
        "--reporter=default",
        `--reporter=${resolve("scripts/lib/vitest-counts-reporter.ts")}`,
        ...(options.vitestArgs ?? []),
      ]),
    );
  }
  return addCounts(...parts);
}
