/**
 * The counts behind `npm test`'s closing line, `N passed, N failed[, N skipped]`. The one rule:
 * anything that did not pass and was not deliberately skipped counts as failed — a failing test,
 * a test whose `beforeAll` failed or that its parent cancelled, a test file that crashed or never
 * loaded, an unhandled error, a runner that exited non-zero without saying why.
 */
import { readFile, writeFile } from "node:fs/promises";

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/** The environment variable naming the file a runner writes its {@link TestCounts} to. */
export const COUNTS_FILE_ENV = "PEERPILOT_TEST_COUNTS";

export function addCounts(...all: TestCounts[]): TestCounts {
  return all.reduce(
    (sum, c) => ({
      passed: sum.passed + c.passed,
      failed: sum.failed + c.failed,
      skipped: sum.skipped + c.skipped,
    }),
    {
      passed: 0,
      failed: 0,
      skipped: 0,
    },
  );
}

/** `N passed, N failed` (and `, N skipped` when some were). */
export function summaryLine({ passed, failed, skipped }: TestCounts): string {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`;
}

/**
 * What a runner's counts and exit code say together: a runner that failed (non-zero exit) but
 * counted no failure still failed once — it crashed, or an error outside any test stopped it.
 */
export function withExitCode(counts: TestCounts | undefined, exitCode: number | null): TestCounts {
  const c = counts ?? { passed: 0, failed: 0, skipped: 0 };
  return exitCode === 0 || c.failed > 0 ? c : { ...c, failed: 1 };
}

export async function writeCounts(counts: TestCounts, file = process.env[COUNTS_FILE_ENV]): Promise<void> {
  if (file !== undefined && file !== "") await writeFile(file, JSON.stringify(counts));
}

/** The counts a runner wrote to `file`, or `undefined` if it wrote none (it crashed before its end). */
export async function readCounts(file: string): Promise<TestCounts | undefined> {
  const text = await readFile(file, "utf8").catch(() => "");
  if (text === "") return undefined;
  const data = JSON.parse(text) as TestCounts;
  return { passed: data.passed, failed: data.failed, skipped: data.skipped };
}
