/** Path containment, for Node code (the site build and the scripts): one rule for every "stays inside this folder" check. */
import { isAbsolute, relative, resolve, sep } from "node:path";

/** `path` relative to `folder` when it is `folder` itself or lies inside it, else `undefined`. Textual: resolve symlinks first where they matter. */
export function relativeInside(folder: string, path: string): string | undefined {
  const rel = relative(resolve(folder), resolve(folder, path));
  return rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? undefined : rel;
}
