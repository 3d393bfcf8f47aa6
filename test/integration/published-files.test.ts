/**
 * A manifest names only its own files: the .torrent and the captions the site build publishes
 * must lie inside the manifest's folder (no absolute path, no `..`, no symlink that leads out),
 * the .torrent must be the torrent `torrent.infoHash` names and the captions must be WebVTT, or
 * the build stops with the field named, before anything is published.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { ManifestError, parseManifest, type Manifest } from "../../site/lib/manifest.ts";
import { publishedFilePath, readCaptionsFile, readTorrentFile } from "../../site/lib/manifest-file.ts";
import { buildSite } from "../../scripts/lib/build-site.ts";
import { makeTorrent } from "../../scripts/lib/p2p/make-torrent.ts";
import { pieceLengthFor } from "../../scripts/lib/p2p/piece-length.ts";
import { writePilotManifest, type PilotManifest } from "../browser/pilot-site.ts";
import { PILOT, PILOT_BYTES } from "../helpers/pilot.ts";

const ESCAPES = [
  "/proc/self/environ",
  "../../.ssh/id_ed25519",
  "media/../../x.vtt",
  "~/.netrc",
  "C:\\secrets.txt",
  "\\\\host\\share\\x",
];

/** A .torrent of the sample pilot that is another torrent than the manifest's: twice its piece length. */
async function anotherTorrent(): Promise<Uint8Array> {
  const { torrentFile } = await makeTorrent({
    file: PILOT,
    length: PILOT_BYTES,
    pieceLength: 2 * pieceLengthFor(PILOT_BYTES),
    announce: ["ws://127.0.0.1:10"],
    urlList: [],
  });
  return torrentFile;
}

/** Rejects with a ManifestError one of whose problems matches `problem`. */
async function assertRefused(action: Promise<unknown>, problem: RegExp): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(error instanceof ManifestError, `expected a ManifestError, got ${String(error)}`);
    assert.ok(
      error.problems.some((p) => problem.test(p)),
      error.problems.join("; "),
    );
    return true;
  });
}

describe("files a manifest names", () => {
  let pilot: PilotManifest;
  let manifest: Manifest;
  let outside: string;

  beforeAll(async () => {
    pilot = await writePilotManifest(["ws://127.0.0.1:9"], []);
    manifest = parseManifest(JSON.parse(await readFile(pilot.manifestFile, "utf8")));
    outside = await mkdtemp(join(tmpdir(), "peerpilot-outside-"));
  });

  afterAll(async () => {
    await rm(pilot.dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  for (const field of ["torrentFile", "captions.file"] as const) {
    it(`refuses an absolute or .. path in torrent.${field}, naming the field`, () => {
      for (const path of ESCAPES) {
        const data = structuredClone(manifest);
        const torrent = data.torrent!;
        if (field === "torrentFile") torrent.torrentFile = path;
        else torrent.captions!.file = path;
        assert.throws(
          () => parseManifest(data),
          (error: unknown) =>
            error instanceof ManifestError &&
            error.problems.some((p) =>
              p.startsWith(`torrent.${field}: must be a path relative to the manifest's folder`),
            ),
          path,
        );
      }
    });
  }

  it("accepts a path into a subfolder of the manifest's folder", () => {
    const data = structuredClone(manifest);
    data.torrent!.torrentFile = "./torrents/pilot.torrent";
    assert.equal(parseManifest(data).torrent?.torrentFile, "./torrents/pilot.torrent");
  });

  it("refuses a file that a symlink inside the folder leads out of it to", async () => {
    await writeFile(join(outside, "environ"), "SECRET=1");
    await symlink(join(outside, "environ"), join(pilot.dir, "leak.vtt"));
    await assertRefused(
      publishedFilePath(pilot.manifestFile, "leak.vtt", "torrent.captions.file"),
      /^torrent\.captions\.file: leak\.vtt leads to .*outside the manifest's folder/,
    );
  });

  it("refuses a missing file, naming the field", async () => {
    await assertRefused(
      publishedFilePath(pilot.manifestFile, "gone.torrent", "torrent.torrentFile"),
      /^torrent\.torrentFile: file not found: gone\.torrent/,
    );
  });

  it("refuses a .torrent whose info hash is not torrent.infoHash, naming both", async () => {
    await writeFile(join(pilot.dir, "other.torrent"), await anotherTorrent());
    await assertRefused(
      readTorrentFile(pilot.manifestFile, { ...manifest.torrent!, torrentFile: "other.torrent" }),
      new RegExp(
        `^torrent\\.torrentFile: other\\.torrent is the torrent [0-9a-f]{40}, not torrent\\.infoHash ${pilot.infoHash}`,
      ),
    );
  });

  it("refuses a .torrent file that is not a torrent", async () => {
    await writeFile(join(pilot.dir, "text.torrent"), "hello");
    await assertRefused(
      readTorrentFile(pilot.manifestFile, { ...manifest.torrent!, torrentFile: "text.torrent" }),
      /^torrent\.torrentFile: text\.torrent is not a \.torrent file/,
    );
  });

  it("refuses captions that are not WebVTT", async () => {
    await writeFile(join(pilot.dir, "captions.srt"), "1\n00:00:01,000 --> 00:00:02,000\nHello\n");
    await assertRefused(
      readCaptionsFile(pilot.manifestFile, { ...manifest.torrent!.captions!, file: "captions.srt" }),
      /^torrent\.captions\.file: captions\.srt is not a WebVTT file/,
    );
  });

  it("reads the manifest's own .torrent and captions", async () => {
    assert.ok((await readTorrentFile(pilot.manifestFile, manifest.torrent!)).length > 0);
    assert.match(
      (await readCaptionsFile(pilot.manifestFile, manifest.torrent!.captions!)).toString(),
      /^WEBVTT/,
    );
  });

  it("the site build stops on a .torrent of another torrent, naming the field, and publishes nothing", async () => {
    const other = await writePilotManifest(["ws://127.0.0.1:9"], []);
    try {
      await writeFile(join(other.dir, "pilot.torrent"), await anotherTorrent());
      const outDir = join(other.dir, "site");
      await assert.rejects(
        buildSite(other.manifestFile, outDir),
        (error: Error & { stderr?: string; stdout?: string }) => {
          assert.match(
            `${error.stdout}${error.stderr}`,
            /torrent\.torrentFile: pilot\.torrent is the torrent [0-9a-f]{40}, not torrent\.infoHash/,
          );
          return true;
        },
      );
      await assert.rejects(readFile(join(outDir, "pilot.torrent")), { code: "ENOENT" });
    } finally {
      await rm(other.dir, { recursive: true, force: true });
    }
  });
});
