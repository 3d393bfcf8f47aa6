/**
 * Reading and writing the manifest file (Node only: used by the scripts and the Astro build).
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ManifestError, parseManifest, parseManifestJson, type Manifest, type ManifestInput } from "./manifest.ts";

/** The environment variable that names the manifest file; defaults to `campaign.json`. */
export const MANIFEST_ENV = "PEERPILOT_MANIFEST";

/** The manifest path in force: `$PEERPILOT_MANIFEST` or `./campaign.json`, absolute. */
export function manifestPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env[MANIFEST_ENV] ?? "campaign.json");
}

/** Reads and validates the manifest at `path`; a missing file gets an error saying how to make one. */
export async function readManifest(path = manifestPath()): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new ManifestError(path, [
        `file not found. Deploy a campaign first (npm run deploy) or run the local stack (npm start), or set ${MANIFEST_ENV} to an existing manifest.`,
      ]);
    }
    throw new ManifestError(path, [`cannot be read: ${(error as Error).message}`]);
  }
  return parseManifestJson(text, path);
}

/** Validates `manifest` and writes it to `path` atomically (temp file + rename). */
export async function writeManifest(manifest: ManifestInput, path = manifestPath()): Promise<Manifest> {
  const valid = parseManifest(manifest, path);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(valid, null, 2)}\n`);
  await rename(temp, path);
  return valid;
}
