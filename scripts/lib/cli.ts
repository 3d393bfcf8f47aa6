/**
 * The few things every peerpilot CLI shares. Flags are declared once, with commander (help and
 * parsing both come from that declaration); a command is a thin shell that parses them and calls
 * one exported function. Also: a clear one-line error with an exit code on bad input, and
 * progress output on stderr.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { ManifestError } from "../../site/lib/manifest.ts";
import { redactSecrets } from "./secrets.ts";

export { Option };

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

/** What the exit codes mean, under every command's help unless the command says it better. */
const EXIT_HELP = `${EXIT.ok} done, ${EXIT.failure} the run failed, ${EXIT.usage} bad usage or input (nothing was done).`;

/** Help lines are wrapped at this width, whatever the terminal's. */
const HELP_WIDTH = 100;

/**
 * A command named as the user types it (`npm start`), with `-h, --help`, what its exit codes mean
 * under its help (`exitCodes`, default the shared meaning), and no unknown flag or extra argument
 * accepted. Add its flags with `.option()` or `.addOption()` and its work with `.action()`, then
 * hand it to {@link runCli}.
 */
export function command(name: string, description: string, exitCodes = EXIT_HELP): Command {
  return new Command(name)
    .description(description)
    .helpOption("-h, --help", "this help")
    .allowExcessArguments(false)
    .showSuggestionAfterError(true)
    .configureHelp({ helpWidth: HELP_WIDTH })
    .configureOutput({ outputError: () => {} })
    .addHelpText("afterAll", `\nExit codes: ${exitCodes}`)
    .exitOverride();
}

/**
 * Turns a parser that throws {@link UserError} (as the functions behind the commands do) into a
 * commander argument parser, so the error names the flag it came from.
 */
export function flag<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof UserError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

/** A repeatable flag's parser: each use adds its (parsed) value to the list. */
export function repeatable<T = string>(
  parse: (value: string) => T = (value) => value as T,
): (value: string, previous: T[] | undefined) => T[] {
  const one = flag(parse);
  return (value, previous) => [...(previous ?? []), one(value)];
}

/**
 * Parses `argv` with `cli` and runs its action, then exits when it settles (Hardhat's network
 * connections keep worker handles alive after their work is done). `--help` prints the help and
 * exits 0; a bad flag, a {@link UserError} or a {@link ManifestError} (bad input) prints its
 * message alone and exits with its code ({@link EXIT.usage} unless it says otherwise); anything else
 * prints the error and exits with {@link EXIT.failure}.
 */
export function runCli(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any command, whatever its options
  cli: Command<any, any, any>,
  argv: readonly string[] = process.argv.slice(2),
): void {
  redactOutput(process.stdout);
  redactOutput(process.stderr);
  cli.parseAsync(argv, { from: "user" }).then(
    () => process.exit(process.exitCode ?? EXIT.ok),
    (error: unknown) => {
      process.stderr.write(errorText(error));
      process.exit(exitCodeOf(error));
    },
  );
}

/** What {@link runCli} prints for an error that ends a command. */
export function errorText(error: unknown): string {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return "";
    return `${error.message}\nRun with --help for usage.\n`;
  }
  if (error instanceof UserError || error instanceof ManifestError) return `error: ${error.message}\n`;
  return `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
}

/** The exit code {@link runCli} ends with for `error`. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UserError) return error.exitCode;
  if (error instanceof ManifestError) return EXIT.usage;
  return EXIT.failure;
}

/**
 * Passes every text `stream` is given through {@link redactSecrets}: whatever prints it (our
 * messages, a library's warning, a stack trace), no secret from the environment goes out.
 */
function redactOutput(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = (chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === "string" ? redactSecrets(chunk) : chunk, ...rest);
}

/** A progress line on stderr, so stdout stays clean for results. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
