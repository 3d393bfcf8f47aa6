/**
 * The few things every peerpilot CLI shares: argument parsing with `--help`, a clear one-line
 * error with exit code on bad input, and progress output on stderr.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ManifestError } from "../../site/lib/manifest.ts";
import { redactSecrets } from "./secrets.ts";

/** Exit codes shared by the CLIs. */
export const EXIT = {
  ok: 0,
  /** The run itself failed (network down, transaction reverted, …). */
  failure: 1,
  /** Bad usage or bad input: nothing was done. */
  usage: 2,
} as const;

/** An error whose message is meant for the user as is (no stack trace), with an exit code. */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `argv` against `options` (plus `--help`); prints `usage` and exits 0 on `--help`, and
 * turns an unknown or malformed flag into a {@link UserError} that names it.
 */
export function parseCli<T extends Options>(usage: string, options: T, argv = process.argv.slice(2)) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    if ((values as Record<string, unknown>).help === true) {
      process.stdout.write(`${usage.trim()}\n`);
      process.exit(EXIT.ok);
    }
    return { values, positionals };
  } catch (error) {
    throw new UserError(`${(error as Error).message}\nRun with --help for usage.`);
  }
}

/**
 * Runs a CLI's main function and exits when it settles (Hardhat's network connections keep worker
 * handles alive after their work is done): a {@link UserError} prints its message alone and exits
 * with its code, a {@link ManifestError} (bad input) likewise with {@link EXIT.usage}; anything else prints
 * the error and exits with {@link EXIT.failure}.
 */
export function runCli(main: () => Promise<void>): void {
  redactOutput(process.stdout);
  redactOutput(process.stderr);
  main().then(
    () => process.exit(process.exitCode ?? EXIT.ok),
    (error: unknown) => {
      if (error instanceof UserError || error instanceof ManifestError) {
        process.stderr.write(`error: ${error.message}\n`);
        process.exit(error instanceof UserError ? error.exitCode : EXIT.usage);
      }
      process.stderr.write(
        `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(EXIT.failure);
    },
  );
}

/**
 * Passes every text `stream` is given through {@link redactSecrets}: whatever prints it (our
 * messages, a library's warning, a stack trace), no secret from the environment goes out.
 */
function redactOutput(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === "string" ? redactSecrets(chunk) : chunk, ...rest)) as typeof stream.write;
}

/** A progress line on stderr, so stdout stays clean for results. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
