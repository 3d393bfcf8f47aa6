/**
 * The local file servers on a producer's machine expose only what they serve: the web seed one
 * file, the site server its folder (symlinks resolved, dotfiles hidden); every server answers
 * Range as RFC 9110 says, names its types with nosniff, and releases what a request holds when
 * the client goes away (browsers abort a ranged request on every seek).
 */
import assert from "node:assert/strict";
import { openAsBlob } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { request, createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, it } from "vitest";
import { closeServer, listenOnLoopback, rangeRequested, sendRanged } from "../../scripts/lib/http.ts";
import { fileCars } from "../../scripts/lib/ipfs/encoded-cars.ts";
import { startPathGateway, type PathGateway } from "../../scripts/lib/ipfs/gateway.ts";
import {
  startStaticServer,
  startWebSeed,
  type StaticServer,
  type WebSeed,
} from "../../scripts/lib/static-server.ts";
import { waitFor } from "../helpers/wait.ts";

/** Bytes 0..255 repeated: any range's expected content is easy to compute. */
function pattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 256;
  return bytes;
}

const SIZE = 1000;
const BODY = pattern(SIZE);
/** Large enough that a response cannot fit in the sockets' buffers, so an abort finds it mid-way. */
const LARGE = 16 * 1024 * 1024;

/** Open file descriptors of this process (Linux). */
async function openDescriptors(): Promise<number> {
  return (await readdir("/proc/self/fd")).length;
}

/** Starts `count` ranged GETs of `url` one after another, each aborted by the client at its first bytes. */
async function abortedRequests(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await new Promise<void>((done, fail) => {
      const req = request(url, { headers: { Range: "bytes=0-" }, agent: false }, (res) => {
        res.once("data", () => {
          req.destroy();
          done();
        });
      });
      req.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" ? done() : fail(error)));
      req.end();
    });
  }
}

describe("the web seed", () => {
  let dir: string;
  let seed: WebSeed;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-videos-"));
    await writeFile(join(dir, "pilot.mp4"), BODY);
    await writeFile(join(dir, "holiday.mp4"), "the producer's own video");
    await writeFile(join(dir, ".env"), "SECRET=1");
    seed = await startWebSeed(join(dir, "pilot.mp4"));
  });

  afterAll(async () => {
    await seed?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves the pilot at its one URL", async () => {
    const response = await fetch(seed.fileUrl);
    assert.equal(response.status, 200);
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(BODY));
  });

  it("does not serve a sibling file of the pilot's folder", async () => {
    for (const path of ["/holiday.mp4", "/.env", "/", "/pilot.mp4/../holiday.mp4", "/%2e%2e/holiday.mp4"]) {
      const response = await fetch(`${seed.url}${path}`);
      assert.equal(response.status, 404, path);
      assert.doesNotMatch(await response.text(), /producer's own|SECRET/, path);
    }
  });

  it("sends nosniff and the pilot's own content type", async () => {
    const response = await fetch(seed.fileUrl, { method: "HEAD" });
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.equal(response.headers.get("content-type"), "video/mp4");
  });
});

describe("the site server", () => {
  let root: string;
  let outside: string;
  let server: StaticServer;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "peerpilot-root-"));
    outside = await mkdtemp(join(tmpdir(), "peerpilot-outside-"));
    await writeFile(join(outside, "id_ed25519"), "PRIVATE KEY");
    await mkdir(join(root, "docs"));
    await writeFile(join(root, "index.html"), "<!doctype html><title>home</title>");
    await writeFile(join(root, "docs", "index.html"), "<!doctype html><title>docs</title>");
    await writeFile(join(root, ".git-credentials"), "token");
    await symlink(join(outside, "id_ed25519"), join(root, "key.txt"));
    await symlink(outside, join(root, "elsewhere"));
    await symlink(join(root, "index.html"), join(root, "home.html"));
    server = await startStaticServer(root);
  });

  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it("refuses a symlink that leads out of its root", async () => {
    for (const path of ["/key.txt", "/elsewhere/id_ed25519", "/elsewhere/"]) {
      const response = await fetch(`${server.url}${path}`);
      assert.equal(response.status, 404, path);
      assert.doesNotMatch(await response.text(), /PRIVATE KEY/, path);
    }
  });

  it("serves a symlink that stays inside its root", async () => {
    const response = await fetch(`${server.url}/home.html`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<title>home/);
  });

  it("does not serve dotfiles", async () => {
    assert.equal((await fetch(`${server.url}/.git-credentials`)).status, 404);
  });

  it("serves a folder's index.html and redirects the folder without a slash to it", async () => {
    const page = await fetch(`${server.url}/docs/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(await page.text(), /<title>docs/);
    const redirect = await fetch(`${server.url}/docs`, { redirect: "manual" });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get("location"), "/docs/");
  });

  it("sends nosniff with every file", async () => {
    const response = await fetch(`${server.url}/index.html`);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
  });
});

/** RFC 9110 §14: which Range headers get the whole file, a part, or 416. */
const RANGE_CASES: { header: string; status: number; start?: number; end?: number; why: string }[] = [
  { header: "bytes=10-19", status: 206, start: 10, end: 19, why: "one range" },
  { header: "bytes=990-", status: 206, start: 990, end: 999, why: "an open-ended range" },
  { header: "bytes=-5", status: 206, start: 995, end: 999, why: "a suffix range" },
  {
    header: "bytes=900-5000",
    status: 206,
    start: 900,
    end: 999,
    why: "a range past the end, cut at the end",
  },
  { header: "bytes=0-9,10-19", status: 206, start: 0, end: 19, why: "adjacent ranges, merged into one" },
  {
    header: "bytes=0-9,500-509",
    status: 200,
    why: "several disjoint ranges (no multipart: the header is ignored)",
  },
  { header: "bytes=5-2", status: 200, why: "a reversed range (invalid: the header is ignored)" },
  { header: "items=0-5", status: 200, why: "an unknown unit (the header is ignored)" },
  { header: "bytes=abc", status: 200, why: "a malformed range (the header is ignored)" },
  { header: "bytes=", status: 200, why: "an empty range set (the header is ignored)" },
  { header: "bytes=5000-", status: 416, why: "a valid range wholly past the end" },
  { header: "bytes=-0", status: 416, why: "an empty suffix" },
];

describe("Range handling (RFC 9110) on every server", () => {
  let dir: string;
  let seed: WebSeed;
  let site: StaticServer;
  let gateway: PathGateway;
  let urls: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-ranges-"));
    await writeFile(join(dir, "file.bin"), BODY);
    seed = await startWebSeed(join(dir, "file.bin"));
    site = await startStaticServer(dir);
    const encoded = await fileCars(await openAsBlob(join(dir, "file.bin")));
    gateway = await startPathGateway({ cars: encoded.cars });
    urls = {
      "web seed": seed.fileUrl,
      "site server": `${site.url}/file.bin`,
      "IPFS gateway": gateway.url(encoded.root),
    };
  });

  afterAll(async () => {
    await seed?.close();
    await site?.close();
    await gateway?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const server of ["web seed", "site server", "IPFS gateway"]) {
    for (const { header, status, start, end, why } of RANGE_CASES) {
      it(`${server}: ${why} (${header}) gets ${status}`, async () => {
        const response = await fetch(urls[server], { headers: { Range: header } });
        assert.equal(response.status, status);
        assert.equal(response.headers.get("x-content-type-options"), "nosniff");
        const body = Buffer.from(await response.arrayBuffer());
        if (status === 200) assert.ok(body.equals(BODY), "the whole file");
        if (status === 206) {
          assert.equal(response.headers.get("content-range"), `bytes ${start}-${end}/${SIZE}`);
          assert.ok(body.equals(BODY.subarray(start, end! + 1)), "the range asked for");
        }
        if (status === 416) assert.equal(response.headers.get("content-range"), `bytes */${SIZE}`);
      });
    }
  }

  it("rangeRequested reads an absent header as the whole file", () => {
    assert.deepEqual(rangeRequested(undefined, SIZE), { kind: "whole" });
  });
});

describe("an aborted request releases what it holds", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-aborts-"));
    await writeFile(join(dir, "pilot.mp4"), pattern(LARGE));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const kind of ["web seed", "site server"] as const) {
    it(`${kind}: 40 aborted ranged GETs leave the descriptor count where it was`, async () => {
      const server =
        kind === "web seed" ? await startWebSeed(join(dir, "pilot.mp4")) : await startStaticServer(dir);
      try {
        const url = kind === "web seed" ? (server as WebSeed).fileUrl : `${server.url}/pilot.mp4`;
        const before = await openDescriptors();
        await abortedRequests(url, 40);
        // Sockets close a moment after the client goes; a leaked file stays open for good.
        await waitFor(async () => (await openDescriptors()) <= before, {
          what: "the file descriptors to be released",
          timeoutMs: 5_000,
        }).catch(() => undefined);
        assert.ok(
          (await openDescriptors()) <= before,
          `descriptors: ${before} before, ${await openDescriptors()} after`,
        );
      } finally {
        await server.close();
      }
    });
  }

  it("sendRanged (the IPFS gateway's responses) destroys its source when the client goes away", async () => {
    let destroyed = 0;
    const server = createServer((req, res) => {
      const source = new Readable({
        read() {
          this.push(Buffer.alloc(64 * 1024));
        },
        destroy(error, callback) {
          destroyed++;
          callback(error);
        },
      });
      sendRanged(req, res, LARGE, { "Content-Type": "application/octet-stream" }, () => source);
    });
    const port = await listenOnLoopback(server, 0);
    try {
      await abortedRequests(`http://127.0.0.1:${port}/`, 5);
      await waitFor(() => destroyed === 5, { what: "every source to be destroyed", timeoutMs: 5_000 }).catch(
        () => undefined,
      );
      assert.equal(destroyed, 5);
    } finally {
      await closeServer(server);
    }
  });
});
