/**
 * `hardhat test` ends with mocha-style lines ("12 passing (3 solidity, 9 nodejs)").
 * CI and people reading a log look for one plain closing line, so these task
 * overrides collect every runner's counts and print "N passed, N failed[, N skipped]"
 * as the very last line of the run.
 */
import { overrideTask } from "hardhat/config";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const totals: Counts = { passed: 0, failed: 0, skipped: 0 };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Pulls `{ summary: { passed, failed, skipped } }` out of a runner's Result, whatever its success. */
function summaryOf(result: unknown): Counts | undefined {
  if (!isRecord(result)) return undefined;
  const inner = "success" in result ? (result.success ? result.value : result.error) : result;
  if (!isRecord(inner)) return undefined;
  const summary = isRecord(inner.summary) ? inner.summary : inner;
  if (typeof summary.passed !== "number" || typeof summary.failed !== "number") return undefined;
  return {
    passed: summary.passed,
    failed: summary.failed,
    skipped: typeof summary.skipped === "number" ? summary.skipped : 0,
  };
}

function countingRunner(id: string[]) {
  return overrideTask(id)
    .setInlineAction(async (args, _hre, runSuper) => {
      const result = await runSuper(args);
      const counts = summaryOf(result);
      if (counts !== undefined) {
        totals.passed += counts.passed;
        totals.failed += counts.failed;
        totals.skipped += counts.skipped;
      }
      return result;
    })
    .build();
}

const closingLine = overrideTask("test")
  .setInlineAction(async (args, _hre, runSuper) => {
    const result = await runSuper(args);
    const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : "";
    console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
    return result;
  })
  .build();

export const testSummaryTasks = [
  countingRunner(["test", "solidity"]),
  countingRunner(["test", "nodejs"]),
  closingLine,
];
