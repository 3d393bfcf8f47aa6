/** `npm run bench:scale`: the reference campaign at full size (scripts/lib/scale-run.ts). */
import { command, flag, Option, progress, runCli } from "./lib/cli.ts";
import { parseWholeNumber } from "./lib/parsers.ts";
import { REFERENCE_GOAL_BACKERS } from "./lib/reference-campaign.ts";
import { MIN_SCALE_BACKERS, runScaleBenchmark, scaleTable } from "./lib/scale-run.ts";

const cli = command(
  "npm run bench:scale --",
  "The reference campaign at full size on Hardhat's in-process EVM: distinct backers pledge the minimum, the campaign crosses its goal, the deadline passes and the funds are released. Prints the elapsed time, the pledge gas at backers 1, half-way and last, and the release gas.",
)
  .addOption(
    new Option("--backers <n>", "number of distinct backers (by default the reference campaign's goal)")
      .default(REFERENCE_GOAL_BACKERS)
      .argParser(flag((value) => parseWholeNumber(value, "backers", MIN_SCALE_BACKERS))),
  )
  .action(async (options) => {
    const figures = await runScaleBenchmark({ backers: options.backers, onProgress: progress });
    process.stdout.write(`\n## Scale run\n\n${scaleTable(figures)}\n`);
  });

runCli(cli);
