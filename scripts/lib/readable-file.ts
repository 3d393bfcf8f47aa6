/** Checking an input file before any work starts, so a typo fails in the first second. */
import { access, constants, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { UserError } from "./cli.ts";

/**
 * Refuses a missing, unreadable, empty or non-regular file with a message that names it (`what`:
 * "video file", "captions file"). Returns its size.
 */
export async function checkReadableFile(file: string, what = "video file"): Promise<number> {
  const path = resolve(file);
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(
      error.code === "ENOENT"
        ? `${what} not found: ${path}`
        : `cannot read ${what} ${path}: ${error.message}`,
    );
  });
  if (!info.isFile()) throw new UserError(`${path} is not a regular file.`);
  if (info.size === 0) throw new UserError(`${path} is empty.`);
  await access(path, constants.R_OK).catch(() => {
    throw new UserError(`${path} is not readable (check its permissions).`);
  });
  return info.size;
}
