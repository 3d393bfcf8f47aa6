/**
 * Builds the static Astro site from a manifest file into `outDir`: the one way the local stack and
 * the tests build a site.
 *
 * Astro writes its prerendering chunks next to the output when the output is inside the working
 * directory, and into `<cwd>/.astro/.prerender/` when it is not: two builds into folders outside
 * the repository (the tests' temporary folders) would overwrite each other's chunks there. So a
 * build for a folder outside the working directory goes to a folder of its own under `.astro/`
 * (the chunks must stay where the repository's node_modules resolve) and is moved into place.
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { MANIFEST_ENV } from "../../site/lib/manifest-file.ts";
import { isInside } from "../../site/lib/path-inside.ts";

const run = promisify(execFile);

/** Where builds for folders outside the working directory are staged. */
const STAGING = ".astro/builds";

/**
 * Runs `astro build` in a child process with `$PEERPILOT_MANIFEST` = `manifestPath`. Rejects
 * when the build fails, with Astro's output in the error's `stdout` and `stderr`; `outDir` is
 * then left as it was.
 */
export async function buildSite(manifestPath: string, outDir: string): Promise<void> {
  const cwd = process.cwd();
  const target = resolve(outDir);
  const staged = isInside(cwd, target) ? undefined : await stagingFolder(cwd);
  const astro = join(dirname(createRequire(import.meta.url).resolve("astro/package.json")), "bin/astro.mjs");
  // A build is a production build, whatever NODE_ENV the caller runs under (Vitest sets "test",
  // and Vite builds for production only when NODE_ENV is unset or "production").
  const env = { ...process.env };
  delete env.NODE_ENV;
  try {
    await run(process.execPath, [astro, "build", "--outDir", staged ?? target, "--silent"], {
      cwd,
      env: { ...env, [MANIFEST_ENV]: resolve(manifestPath), ASTRO_TELEMETRY_DISABLED: "1" },
      maxBuffer: 16 * 1024 * 1024,
    });
    if (staged !== undefined) await moveInto(staged, target);
  } finally {
    if (staged !== undefined) await rm(staged, { recursive: true, force: true });
  }
}

/** A new, empty folder for one build under {@link STAGING}. */
async function stagingFolder(cwd: string): Promise<string> {
  const parent = join(cwd, STAGING);
  await mkdir(parent, { recursive: true });
  return mkdtemp(join(parent, "site-"));
}

/** Replaces `target` with `source`: a rename on one file system, a copy across two. */
async function moveInto(source: string, target: string): Promise<void> {
  await rm(target, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true });
  try {
    await rename(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await cp(source, target, { recursive: true });
  }
}
