/**
 * The site builds reproducibly: the same commit and manifest give the same bytes in every file,
 * and so the same site CID (`npm run pin -- <dir> --offline`), whatever folder it is built into,
 * when, and in which time zone and locale. And the manifest as published after `npm run pin` of
 * the site (which records the site's own CID in `ipfs.site`) still builds that same site: the
 * site cannot contain its own CID. This is what lets a verifier rebuild the site and check that
 * the verify page they are reading is the published one.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { buildSite } from "../../scripts/lib/build-site.ts";
import { encodeDirectory } from "../../scripts/lib/ipfs/encode.ts";
import { directoryFiles } from "../../scripts/lib/ipfs/files.ts";
import { pinnedSite, recordPin } from "../../scripts/lib/ipfs/manifest-section.ts";
import { escrowArtifactFiles } from "../../site/lib/verify/escrow-artifact.ts";
import { DEFAULT_GATEWAYS } from "../../site/lib/ipfs-gateway.ts";
import { readManifest, writeManifest } from "../../site/lib/manifest-file.ts";

const ROOT = resolve(import.meta.dirname, "../..");
/** Three builds, each a few seconds of Astro on two shared cores. */
const BUILDS_TIMEOUT_MS = 240_000;

/** The site's CID, as `npm run pin -- <dir> --offline` computes it. */
async function siteCid(dir: string): Promise<string> {
  return (await encodeDirectory(await directoryFiles(dir))).root;
}

/** Every file under `dir`, by its `/`-separated path there, with its bytes. */
async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = new Map<string, Buffer>();
  for (const entry of entries.filter((e) => e.isFile())) {
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path).split(sep).join("/"), await readFile(path));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Runs `build` with the environment variables `env` set, then puts them back. */
async function withEnv(env: Record<string, string>, build: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    await build();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe("two builds of the site from the same commit and manifest", () => {
  /** Outside the working directory: Astro's build is staged under .astro/builds/ and moved. */
  let outside: string;
  /** Inside it: Astro builds in place. */
  let inside: string;
  /** The manifests, and the build from the manifest that records the first build's pin. */
  let manifests: string;
  let afterPin: string;
  let first: Map<string, Buffer>;
  let second: Map<string, Buffer>;

  beforeAll(async () => {
    manifests = await mkdtemp(join(tmpdir(), "peerpilot-manifests-"));
    outside = join(manifests, "site-a");
    afterPin = join(manifests, "site-pinned");
    await mkdir(join(ROOT, ".astro"), { recursive: true });
    inside = await mkdtemp(join(ROOT, ".astro", "reproducible-"));
    // The gateways are in the manifest before the site is built (the pilot's pin writes them).
    const manifest = join(manifests, "campaign.json");
    const fixture = await readManifest(join(ROOT, "test/fixtures/campaign.json"));
    await writeManifest({ ...fixture, ipfs: { gateways: [...DEFAULT_GATEWAYS] } }, manifest);
    await buildSite(manifest, outside);
    // Later, elsewhere, on the other side of the world, in another language.
    await withEnv({ TZ: "Pacific/Chatham", LANG: "de_DE.UTF-8", LC_ALL: "de_DE.UTF-8" }, () =>
      buildSite(manifest, inside),
    );
    [first, second] = await Promise.all([filesUnder(outside), filesUnder(inside)]);
    // What `npm run pin -- <site>` writes into the manifest, which is then published.
    const pinned = join(manifests, "campaign-pinned.json");
    const encoded = await encodeDirectory(await directoryFiles(outside));
    const { manifest: next } = await recordPin(await readManifest(manifest), pinned, DEFAULT_GATEWAYS, {
      site: pinnedSite(encoded, DEFAULT_GATEWAYS),
    });
    await writeManifest(next, pinned);
    await buildSite(pinned, afterPin);
  }, BUILDS_TIMEOUT_MS);

  afterAll(async () => {
    await rm(manifests, { recursive: true, force: true });
    await rm(inside, { recursive: true, force: true });
  });

  it("hold the same files, byte for byte", () => {
    assert.deepEqual([...second.keys()], [...first.keys()]);
    const differing = [...first]
      .filter(([file, bytes]) => !bytes.equals(second.get(file)!))
      .map(([file]) => file);
    assert.deepEqual(differing, [], "files whose bytes differ between the two builds");
  });

  it("have the same site CID", async () => {
    assert.equal(await siteCid(inside), await siteCid(outside));
  });

  it("give the same site CID from the manifest that records the site's own pin (ipfs.site)", async () => {
    assert.equal(
      await siteCid(afterPin),
      await siteCid(outside),
      "the build must not read ipfs.site: the site cannot contain its own CID",
    );
  });

  it("name neither the folder they were built in nor the repository's", () => {
    const leaks = [outside, inside, ROOT, ".astro/builds"];
    for (const build of [first, second]) {
      for (const [file, bytes] of build) {
        const text = bytes.toString("latin1");
        for (const leak of leaks) assert.ok(!text.includes(leak), `${file} contains ${leak}`);
      }
    }
  });

  it("publish the escrow artifact under escrow/: artifact.json, metadata.json and every source, exactly", async () => {
    const expected = await escrowArtifactFiles(ROOT);
    assert.ok(expected.has("artifact.json") && expected.has("metadata.json"));
    const published = [...first.keys()].filter((file) => file.startsWith("escrow/"));
    assert.deepEqual(published, [...expected.keys()].map((file) => `escrow/${file}`).sort());
    for (const [file, bytes] of expected)
      assert.ok(
        first.get(`escrow/${file}`)!.equals(bytes),
        `escrow/${file} is what escrowArtifactFiles gives`,
      );
  });
});
