/**
 * Files on disk as the streamable, named blobs the UnixFS encoder and the upload client take.
 * Nothing is read into memory: `fs.openAsBlob` streams from the file when asked.
 */
import { openAsBlob } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import type { EncoderFile } from "./encode.ts";

/** A file on disk as a `File` named `name` (default: its base name), streamed lazily. */
export async function fileFromPath(path: string, name = basename(path)): Promise<File & EncoderFile> {
  const blob = await openAsBlob(path);
  return new File([blob], name);
}

/**
 * Every regular file under `dir`, named by its path relative to `dir` with `/` separators
 * (`_astro/player.js`), the way a directory upload names them. Symbolic links and empty
 * directories are not followed (a static site has neither).
 */
export async function directoryFiles(dir: string): Promise<Array<File & EncoderFile>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: Array<File & EncoderFile> = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.push(await fileFromPath(path, relative(dir, path).split(sep).join("/")));
  }
  return files;
}

/** Whether `path` is a directory (then it is pinned as one) or a file. */
export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path)).isDirectory();
}
