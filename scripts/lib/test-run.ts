/**
 * `npm test`, as one function: build, type-check, the Solidity tests (`hardhat test solidity`),
 * then every Vitest project; it returns the counts of all of them together, by the rule of
 * test-counts.ts, so that one closing line says whether anything failed anywhere.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { addCounts, COUNTS_FILE_ENV, readCounts, withExitCode, type TestCounts } from "./test-counts.ts";

const BIN = resolve("node_modules/.bin");

/** Runs `command` with the output shown; resolves with its exit code. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number | null> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("error", fail);
    child.on("exit", (code, signal) => done(signal === null ? code : 128));
  });
}

/** Runs a test runner that writes its counts to `$PEERPILOT_TEST_COUNTS`, and reads them. */
export async function runCounted(command: string, args: string[]): Promise<TestCounts> {
  const dir = await mkdtemp(join(tmpdir(), "peerpilot-counts-"));
  try {
    const file = join(dir, "counts.json");
    const code = await run(command, args, { [COUNTS_FILE_ENV]: file });
    return withExitCode(await readCounts(file), code);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface TestRunOptions {
  /**
   * Run the build and type checks first (default true); a failed check counts as one failure and stops the
   * run.
   */
  checks?: boolean;
  /** Run the Solidity tests (default true). */
  solidity?: boolean;
  /** Run Vitest (default true); `vitestArgs` are passed on (`--project unit`, `--config …`). */
  vitest?: boolean;
  vitestArgs?: string[];
}

/** The build and type checks. */
const CHECKS: [string, string[]][] = [
  [join(BIN, "hardhat"), ["build"]],
  [join(BIN, "tsc"), ["-p", "."]],
  [join(BIN, "astro"), ["check", "--tsconfig", "tsconfig.site.json"]],
];

/** Runs the whole suite (or the parts `options` select) and returns the counts of everything that ran. */
export async function runAllTests(options: TestRunOptions = {}): Promise<TestCounts> {
  const parts: TestCounts[] = [];
  if (options.checks ?? true) {
    for (const [command, args] of CHECKS) {
      const code = await run(command, args);
      // A check is no test: it adds nothing when it passes, and one failure when it fails.
      parts.push(withExitCode({ passed: 0, failed: 0, skipped: 0 }, code));
      // Nothing can be tested without a build, or against code that does not type-check.
      if (code !== 0) return addCounts(...parts);
    }
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
