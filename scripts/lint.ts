/** `npm run lint`: Prettier, ESLint and solhint over the whole tree (scripts/lib/checks.ts). */
import { command, Option, progress, runCli } from "./lib/cli.ts";
import { runLint } from "./lib/checks.ts";

const cli = command(
  "npm run lint",
  "Checks the formatting (Prettier) and lints the TypeScript, Astro (ESLint) and Solidity (solhint) " +
    "files, naming each file at fault. Run `npx hardhat build` once first: ESLint reads the contracts' types.",
)
  .addOption(
    // `npm run lint --fix` (without `--`) reaches the script as npm_config_fix, not as an argument.
    new Option("--fix", "let ESLint and Prettier fix what they can (Solidity is fixed by hand)").default(
      process.env.npm_config_fix === "true",
    ),
  )
  .action(async ({ fix }) => {
    process.exitCode = await runLint({ fix, onProgress: progress });
  });

runCli(cli);
