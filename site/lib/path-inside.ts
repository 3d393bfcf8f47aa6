/**
 * Path containment, for Node code (the site build and the scripts): one rule for every "stays inside this
 * folder" check. Textual: resolve symlinks first where they matter.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";

/** `path` relative to `folder` when it is `folder` itself (`""`) or lies inside it, else `undefined`. */
function relativeInside(folder: string, path: string): string | undefined {
  const rel = relative(resolve(folder), resolve(folder, path));
  return rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? undefined : rel;
}

/** Whether `path` is `folder` itself or lies inside it. */
export function isInside(folder: string, path: string): boolean {
  return relativeInside(folder, path) !== undefined;
}

/**
 * `path` relative to `folder` when it names something inside `folder` (not `folder` itself), else
 * `undefined`.
 */
export function fileInside(folder: string, path: string): string | undefined {
  const rel = relativeInside(folder, path);
  return rel === "" ? undefined : rel;
}
