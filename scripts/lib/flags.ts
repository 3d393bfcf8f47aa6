/**
 * Flags more than one command declares, each declared here once: description, parser, default.
 * `npm start` and `npm run deploy` both take the campaign's goal, minimum pledge and deadline, with
 * the reference campaign as default.
 */
import type { Command, OptionValues } from "@commander-js/extra-typings";
import { DEFAULT_MANIFEST, MANIFEST_ENV } from "../../site/lib/manifest-file.ts";
import { flag, Option } from "./cli.ts";
import { parseDecimalAmount, parseDeadlineSpec, parseGoal, parsePort } from "./parsers.ts";
import { REFERENCE_DURATION, REFERENCE_GOAL_BACKERS, REFERENCE_MIN_PLEDGE } from "./reference-campaign.ts";

/** A TCP port flag (`--chain-port <port>`) on 127.0.0.1, 0 for any free port. */
export function portOption<Flags extends `--${string} <port>`>(
  flags: Flags,
  description: string,
  port: number,
) {
  return new Option(flags, description).default(port).argParser(flag((value) => parsePort(value)));
}

/** `--goal <backers>`, default the reference campaign's. */
export function goalOption() {
  return new Option("--goal <backers>", "goal in backers")
    .default(REFERENCE_GOAL_BACKERS)
    .argParser(flag(parseGoal));
}

/** `--min-pledge <amount>` in whole tokens, as typed; the token's decimals are checked once it is known. */
export function minPledgeOption(token: string) {
  return new Option("--min-pledge <amount>", `smallest first pledge in ${token}, a decimal number`)
    .default(REFERENCE_MIN_PLEDGE)
    .argParser(flag((value) => parseDecimalAmount(value)));
}

/** `--deadline <when>`: a date-time, or an offset from the chain's time (default six weeks). */
export function deadlineOption() {
  return new Option(
    "--deadline <when>",
    "ISO 8601 date-time with a zone, or +6w / +42d / +12h from the chain's time",
  )
    .default(parseDeadlineSpec(REFERENCE_DURATION), REFERENCE_DURATION)
    .argParser(flag(parseDeadlineSpec));
}

/** Adds `--manifest` (every command that reads or writes the campaign manifest) to `cli`. */
export function addManifestOption<Args extends unknown[], Opts extends OptionValues>(
  cli: Command<Args, Opts>,
  description = "the campaign manifest",
) {
  return cli.addOption(
    new Option("--manifest <path>", description).env(MANIFEST_ENV).default(DEFAULT_MANIFEST),
  );
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- commander's type of "no option yet"
export type NoOptions = {};
/** `--manifest` as commander parses it. */
export type ManifestValues = ReturnType<ReturnType<typeof addManifestOption<[], NoOptions>>["opts"]>;
