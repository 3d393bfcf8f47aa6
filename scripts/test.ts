/**
 * `npm test`: builds, type-checks, runs the Solidity tests and every Vitest project, and ends
 * with one plain line, `N passed, N failed[, N skipped]`, the sum of all of them (scripts/lib/test-run.ts).
 */
import { command, EXIT, Option, runCli } from "./lib/cli.ts";
import { summaryLine } from "./lib/test-counts.ts";
import { runAllTests } from "./lib/test-run.ts";

const cli = command(
  "npm test",
  'Runs the build and type checks, the Solidity tests (hardhat test solidity) and every Vitest project, then prints "N passed, N failed[, N skipped]" for all of them together. Exit code 1 if anything failed anywhere (a test, a hook, a crashed worker, a check).',
)
  .usage("[-- options] [-- vitest arguments]")
  .option("--no-checks", "skip hardhat build, tsc, astro check and the linters")
  .addOption(
    new Option("--only <runner>", "run only one of the two test runners").choices(["solidity", "vitest"]),
  )
  .argument("[vitest arguments...]", 'anything after "--" goes to Vitest (e.g. -- --project unit)')
  .action(async (vitestArgs, options) => {
    const counts = await runAllTests({
      checks: options.checks,
      solidity: options.only === undefined || options.only === "solidity",
      vitest: options.only === undefined || options.only === "vitest",
      vitestArgs,
    });
    process.stdout.write(`${summaryLine(counts)}\n`);
    process.exitCode = counts.failed > 0 ? EXIT.failure : EXIT.ok;
  });

runCli(cli);
