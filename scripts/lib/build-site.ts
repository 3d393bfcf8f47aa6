/**
 * Builds the static Astro site from a manifest file into `outDir`.
 */
import { resolve } from "node:path";
import { MANIFEST_ENV } from "../../site/lib/manifest-file.ts";

/** Runs `astro build` in this process with `$PEERPILOT_MANIFEST` = `manifestPath`. */
export async function buildSite(manifestPath: string, outDir: string): Promise<void> {
  const { build } = await import("astro");
  const previous = process.env[MANIFEST_ENV];
  process.env[MANIFEST_ENV] = resolve(manifestPath);
  try {
    await build({ root: process.cwd(), outDir: resolve(outDir), logLevel: "warn" });
  } finally {
    if (previous === undefined) delete process.env[MANIFEST_ENV];
    else process.env[MANIFEST_ENV] = previous;
  }
}
