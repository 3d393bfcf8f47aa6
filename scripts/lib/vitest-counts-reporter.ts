/**
 * A Vitest reporter that adds nothing to the output and writes the run's {@link TestCounts} to
 * `$PEERPILOT_TEST_COUNTS` for scripts/test.ts, by the rule in test-counts.ts: only a test that
 * passed is passed, only a test marked skip or todo is skipped, everything else failed.
 */
import type { Reporter, SerializedError, TestModule } from "vitest/node";
import { writeCounts, type TestCounts } from "./test-counts.ts";

export function countModules(
  modules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0 };
  for (const module of modules) {
    let tests = 0;
    for (const test of module.children.allTests()) {
      tests++;
      const { state } = test.result();
      if (state === "passed") counts.passed++;
      else if (state === "skipped" && (test.options.mode === "skip" || test.options.mode === "todo"))
        counts.skipped++;
      // Failed, never finished (a crashed worker), or skipped because a hook or the parent failed.
      else counts.failed++;
    }
    // A file that crashed or failed to load before any test was collected.
    if (tests === 0 && module.state() === "failed") counts.failed++;
  }
  counts.failed += unhandledErrors.length;
  return counts;
}

export default class CountsReporter implements Reporter {
  async onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): Promise<void> {
    await writeCounts(countModules(modules, unhandledErrors));
  }
}
