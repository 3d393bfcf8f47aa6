/**
 * The static checks: the build and type checks `npm test` runs before any test, and the linters,
 * configured once — Prettier (.prettierrc.json), ESLint (eslint.config.js) and solhint (.solhint.json,
 * with test/contracts/.solhint.json for the Solidity tests). `npm run lint` runs the linters alone.
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

/** The project's own tools (hardhat, tsc, eslint, vitest, …), as npm installed them. */
export const BIN = resolve("node_modules/.bin");

/** A command that passes by exiting 0. */
export interface Check {
  command: string;
  args: string[];
}

/** Runs `command` with the output shown; resolves with its exit code. */
export function runCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<number | null> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("error", fail);
    child.on("exit", (code, signal) => done(signal === null ? code : 128));
  });
}

/** The build and type checks: nothing can be tested without them. */
export const BUILD_CHECKS: readonly Check[] = [
  { command: join(BIN, "hardhat"), args: ["build"] },
  { command: join(BIN, "tsc"), args: ["-p", "."] },
  { command: join(BIN, "astro"), args: ["check", "--tsconfig", "tsconfig.site.json"] },
];

export const SOLIDITY_SOURCES = ["contracts/**/*.sol", "test/contracts/**/*.sol"];

/**
 * The linters, each naming the files it faults. With `fix`, ESLint fixes what it can, then Prettier
 * formats (after ESLint, whose fixes may need formatting); solhint only checks even then, since Solidity
 * is changed by hand. ESLint's type-aware rules need the TypeChain types `hardhat build` writes.
 */
export function lintChecks({ fix = false }: { fix?: boolean } = {}): Check[] {
  const prettier = {
    command: join(BIN, "prettier"),
    args: [fix ? "--write" : "--check", "--log-level", "warn", "."],
  };
  const eslint = {
    command: join(BIN, "eslint"),
    args: ["--max-warnings", "0", ...(fix ? ["--fix"] : []), "."],
  };
  // --disc: no check for a newer solhint (no network); --noPoster: no advertisement.
  const solhint = {
    command: join(BIN, "solhint"),
    args: ["--max-warnings", "0", "--noPoster", "--disc", ...SOLIDITY_SOURCES],
  };
  return fix ? [eslint, prettier, solhint] : [prettier, eslint, solhint];
}

/** A check as the user would type it, for messages: `eslint --max-warnings 0 .`. */
export function checkName({ command, args }: Check): string {
  return [command.startsWith(BIN) ? command.slice(BIN.length + 1) : command, ...args].join(" ");
}

/**
 * Runs every check in turn, each after the last, whatever their results; says on stderr which failed.
 * Resolves with the failed ones (none: all passed).
 */
export async function runChecks(
  checks: readonly Check[],
  onStart?: (check: Check) => void,
): Promise<Check[]> {
  const failed: Check[] = [];
  for (const check of checks) {
    onStart?.(check);
    const code = await runCommand(check.command, check.args);
    if (code !== 0) {
      failed.push(check);
      process.stderr.write(`Check failed (exit code ${code}): ${checkName(check)}\n`);
    }
  }
  return failed;
}

/** `npm run lint`: the linters over the whole tree; resolves with the exit code (1 if any failed). */
export async function runLint(
  options: { fix?: boolean; onProgress?: (message: string) => void } = {},
): Promise<number> {
  const checks = lintChecks(options);
  const failed = await runChecks(checks, (check) => options.onProgress?.(`${checkName(check)}…`));
  options.onProgress?.(
    failed.length === 0
      ? `All ${checks.length} linters passed.`
      : `${failed.length} of ${checks.length} linters failed: ${failed.map(checkName).join("; ")}`,
  );
  return failed.length === 0 ? 0 : 1;
}
