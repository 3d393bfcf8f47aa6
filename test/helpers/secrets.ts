/** Checking that a secret stays out of what a CLI prints. */
import { MIN_SECRET_RUN } from "../../scripts/lib/secrets.ts";

/** Every run of MIN_SECRET_RUN characters of `secret` that occurs in `text`. */
export function secretRunsIn(text: string, secret: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + MIN_SECRET_RUN <= secret.length; i++) {
    const run = secret.slice(i, i + MIN_SECRET_RUN);
    if (text.includes(run)) found.push(run);
  }
  return found;
}

/** The ways a key pasted from a password manager goes wrong. */
export function garbledShapes(key: string): Record<string, string> {
  return {
    "wrapped in double quotes": `"${key}"`,
    "wrapped in single quotes": `'${key}'`,
    "escaped quotes": `\\"${key}\\"`,
    "cut short": key.slice(0, 40),
    "split by a line break": `${key.slice(0, 30)}\n${key.slice(30)}`,
    "with the prefix lost": key.slice(2),
  };
}
