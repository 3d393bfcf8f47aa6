/**
 * `npm test`: builds, type-checks, runs the Solidity tests and every Vitest project, and ends
 * with one plain line, `N passed, N failed[, N skipped]`, the sum of all of them. Exit code 1 if
 * anything failed anywhere (a test, a hook, a crashed worker, a check).
 */
import { parseCli, runCli, UserError } from "./lib/cli.ts";
import { summaryLine } from "./lib/test-counts.ts";
import { runAllTests } from "./lib/test-run.ts";

const USAGE = `
Usage: npm test [-- options] [-- vitest arguments]

Runs the build and type checks, the Solidity tests (hardhat test solidity) and every Vitest
project, then prints "N passed, N failed[, N skipped]" for all of them together.

Options:
  --no-checks      skip hardhat build, tsc and astro check
  --only <runner>  solidity or vitest
  -h, --help       this help

Anything after "--" goes to Vitest (e.g. -- --project unit).
Exit codes: 0 all passed, 1 something failed.
`;

runCli(async () => {
  const split = process.argv.indexOf("--");
  const own = split === -1 ? process.argv.slice(2) : process.argv.slice(2, split);
  const vitestArgs = split === -1 ? [] : process.argv.slice(split + 1);
  const { values } = parseCli(USAGE, { "no-checks": { type: "boolean" }, only: { type: "string" } }, own);
  const only = values.only;
  if (only !== undefined && only !== "solidity" && only !== "vitest")
    throw new UserError(`--only "${only}": expected solidity or vitest.`);
  const counts = await runAllTests({
    checks: values["no-checks"] !== true,
    solidity: only === undefined || only === "solidity",
    vitest: only === undefined || only === "vitest",
    vitestArgs,
  });
  process.stdout.write(`${summaryLine(counts)}\n`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
});
