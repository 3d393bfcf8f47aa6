/**
 * The poster frame a manifest names (`torrent.poster`): its type and size read from its bytes
 * (JPEG, PNG, WebP, whatever its name says), published only from inside the manifest's folder.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { ManifestError } from "../../site/lib/manifest.ts";
import { imageInfo, readPosterFile } from "../../site/lib/manifest-file.ts";
import { PILOT_POSTER } from "../helpers/pilot.ts";

/** A 1x1 PNG, 3x2 once its IHDR says so. */
function png(width: number, height: number): Buffer {
  const bytes = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  bytes.writeUInt32BE(13, 8);
  bytes.write("IHDR", 12, "latin1");
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

/** A WebP header of the extended (VP8X) kind. */
function webpVp8x(width: number, height: number): Buffer {
  const bytes = Buffer.alloc(30);
  bytes.write("RIFF", 0, "latin1");
  bytes.writeUInt32LE(22, 4);
  bytes.write("WEBPVP8X", 8, "latin1");
  bytes.writeUInt32LE(10, 16);
  bytes.writeUIntLE(width - 1, 24, 3);
  bytes.writeUIntLE(height - 1, 27, 3);
  return bytes;
}

describe("imageInfo", () => {
  it("reads the committed sample poster as a 960x540 JPEG under 60 KB", async () => {
    const bytes = await readFile(PILOT_POSTER);
    assert.deepEqual(imageInfo(bytes), { type: "jpeg", width: 960, height: 540 });
    assert.ok(bytes.length <= 60 * 1024, `${bytes.length} bytes`);
  });

  it("reads a PNG's size from its IHDR chunk", () => {
    assert.deepEqual(imageInfo(png(1280, 720)), { type: "png", width: 1280, height: 720 });
  });

  it("reads an extended WebP's size from its VP8X chunk", () => {
    assert.deepEqual(imageInfo(webpVp8x(1280, 720)), { type: "webp", width: 1280, height: 720 });
  });

  it("reads a lossless WebP's size from its VP8L header", () => {
    const bytes = Buffer.alloc(30);
    bytes.write("RIFF", 0, "latin1");
    bytes.write("WEBPVP8L", 8, "latin1");
    bytes[20] = 0x2f;
    bytes.writeUInt32LE((960 - 1) | ((540 - 1) << 14), 21);
    assert.deepEqual(imageInfo(bytes), { type: "webp", width: 960, height: 540 });
  });

  it("refuses what is no image: text, WebVTT, a GIF, an SVG, a truncated JPEG", () => {
    for (const text of [
      "hello",
      "WEBVTT\n\n",
      "GIF89a\x01\x00\x01\x00",
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
    ]) {
      assert.equal(imageInfo(Buffer.from(text, "latin1")), undefined, text);
    }
    assert.equal(imageInfo(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10])), undefined);
  });
});

describe("readPosterFile", () => {
  let dir: string;
  let outside: string;
  let manifestFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-poster-"));
    outside = await mkdtemp(join(tmpdir(), "peerpilot-outside-"));
    manifestFile = join(dir, "campaign.json");
    await writeFile(join(dir, "poster.jpg"), await readFile(PILOT_POSTER));
    await writeFile(join(dir, "poster-really.png"), png(640, 360));
    await writeFile(join(dir, "not-an-image.jpg"), "WEBVTT\n");
    await writeFile(join(outside, "secret.jpg"), await readFile(PILOT_POSTER));
    await symlink(join(outside, "secret.jpg"), join(dir, "link.jpg"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it("reads the poster with its size and publishes it under the extension of its real type", async () => {
    const poster = await readPosterFile(manifestFile, "poster-really.png");
    assert.deepEqual(
      { type: poster.type, width: poster.width, height: poster.height, asset: poster.asset },
      { type: "png", width: 640, height: 360, asset: "poster.png" },
    );
    assert.equal((await readPosterFile(manifestFile, "poster.jpg")).asset, "poster.jpg");
  });

  it("refuses a file that is not a JPEG, PNG or WebP image, naming the field", async () => {
    await assert.rejects(readPosterFile(manifestFile, "not-an-image.jpg"), (error: unknown) => {
      assert.ok(error instanceof ManifestError);
      assert.deepEqual(error.problems, ["torrent.poster: not-an-image.jpg is not a JPEG, PNG or WebP image"]);
      return true;
    });
  });

  it("refuses a symlink that leads out of the manifest's folder", async () => {
    await assert.rejects(readPosterFile(manifestFile, "link.jpg"), (error: unknown) => {
      assert.ok(error instanceof ManifestError);
      assert.match(
        error.problems[0] ?? "",
        /^torrent\.poster: link\.jpg leads to .*outside the manifest's folder/,
      );
      return true;
    });
  });
});
