/**
 * Secrets the CLIs read from the environment, and the one rule about them: their text never
 * reaches a message, a log line or an error, in any form. Each error about a secret is written
 * without it (say which variable, and what shape it should have: {@link describeShape}); and as a
 * second line of defence, everything the CLIs print goes through {@link redactSecrets}, which
 * removes any run of {@link MIN_SECRET_RUN} or more characters taken from a secret's value, so a
 * quoted, escaped or cut-short copy is caught too.
 */

/** The environment variables that hold secrets. */
export const SECRET_ENV = {
  /** The Storacha agent's private key (`Mg…`, from `storacha key create`). */
  storachaKey: "STORACHA_PRINCIPAL",
  /** The Storacha space's delegation to that agent (base64 CAR). */
  storachaProof: "STORACHA_PROOF",
  /** The deployer's private key for `npm run deploy -- --network remote`. */
  deployerKey: "PEERPILOT_DEPLOYER_KEY",
} as const;

/** Shortest run of a secret's characters that is redacted (shorter runs are too common to mean anything). */
export const MIN_SECRET_RUN = 8;

const REDACTED = "[redacted]";

/**
 * What a malformed secret looks like, in words that reveal none of it: its length, and the slips
 * a paste from a password manager makes (quotes, whitespace, a line break, a wrong prefix).
 * @param prefix The prefix a well-formed value starts with, if it has one.
 */
export function describeShape(value: string, prefix?: string): string {
  const notes = [`it has ${value.length} characters`];
  if (/^\s|\s$/.test(value)) notes.push("it starts or ends with whitespace");
  if (/^["'`]|["'`]$/.test(value)) notes.push("it is wrapped in quotes (paste it without them)");
  if (/\\/.test(value)) notes.push("it contains a backslash (an escaped copy?)");
  if (/[\r\n]/.test(value.trim())) notes.push("it spans more than one line");
  else if (/\s/.test(value.trim())) notes.push("it contains a space");
  if (prefix !== undefined && !value.replace(/^["'`\s]+/, "").startsWith(prefix))
    notes.push(`it does not begin with "${prefix}"`);
  return notes.join(", ");
}

/** The secret values set in `env` that are long enough to be recognised. */
function secretValues(env: NodeJS.ProcessEnv): string[] {
  return Object.values(SECRET_ENV)
    .map((name) => env[name])
    .filter((value): value is string => value !== undefined && value.length >= MIN_SECRET_RUN);
}

/**
 * `text` with every run of at least {@link MIN_SECRET_RUN} characters that also occurs in one of
 * `env`'s secrets replaced by `[redacted]`.
 */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const secrets = secretValues(env);
  if (secrets.length === 0 || text.length < MIN_SECRET_RUN) return text;
  const windows = new Set<string>();
  for (const secret of secrets) {
    for (let i = 0; i + MIN_SECRET_RUN <= secret.length; i++)
      windows.add(secret.slice(i, i + MIN_SECRET_RUN));
  }
  const hidden = new Uint8Array(text.length);
  for (let i = 0; i + MIN_SECRET_RUN <= text.length; i++) {
    if (windows.has(text.slice(i, i + MIN_SECRET_RUN))) hidden.fill(1, i, i + MIN_SECRET_RUN);
  }
  if (!hidden.includes(1)) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (hidden[i] === 0) out += text[i];
    else if (i === 0 || hidden[i - 1] === 0) out += REDACTED;
  }
  return out;
}
