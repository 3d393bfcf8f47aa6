/**
 * `hardhat test solidity` reports its counts only in mocha-style lines ("27 passing"). This task
 * override hands them to scripts/test.ts, which adds them to Vitest's for `npm test`'s closing
 * line: the runner's result is written to `$PEERPILOT_TEST_COUNTS` (see scripts/lib/test-counts.ts).
 */
import { overrideTask } from "hardhat/config";
import { writeCounts, type TestCounts } from "../lib/test-counts.ts";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * The counts in a Solidity runner's Result, whatever its success: from its per-suite results
 * (`suiteResults[].testResults[].status`), which it returns however it was started, else from its
 * `summary` (filled only when `hardhat test` runs it as one of several runners).
 */
function summaryOf(result: unknown): TestCounts | undefined {
  if (!isRecord(result)) return undefined;
  const inner = "success" in result ? (result.success ? result.value : result.error) : result;
  if (!isRecord(inner)) return undefined;
  if (Array.isArray(inner.suiteResults)) {
    const counts: TestCounts = { passed: 0, failed: 0, skipped: 0 };
    for (const suite of inner.suiteResults as unknown[]) {
      const tests =
        isRecord(suite) && Array.isArray(suite.testResults) ? (suite.testResults as unknown[]) : [];
      for (const test of tests) {
        const status = isRecord(test) ? test.status : undefined;
        if (status === "Success") counts.passed++;
        else if (status === "Skipped") counts.skipped++;
        else counts.failed++;
      }
    }
    return counts;
  }
  const summary = isRecord(inner.summary) ? inner.summary : inner;
  if (typeof summary.passed !== "number" || typeof summary.failed !== "number") return undefined;
  return {
    passed: summary.passed,
    failed: summary.failed,
    skipped: typeof summary.skipped === "number" ? summary.skipped : 0,
  };
}

const solidityCounts = overrideTask(["test", "solidity"])
  .setInlineAction(async (args, _hre, runSuper) => {
    const result: unknown = await runSuper(args);
    const counts = summaryOf(result);
    if (counts !== undefined) await writeCounts(counts);
    return result;
  })
  .build();

export const testSummaryTasks = [solidityCounts];
