/**
 * The local IPFS gateway (scripts/lib/ipfs/gateway.ts) answers as a public path gateway
 * does: files by CID with ranges, directories with their index.html, raw blocks, 404s, and it
 * never serves a block that does not hash to its CID.
 */
import assert from "node:assert/strict";
import { openAsBlob } from "node:fs";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, it } from "vitest";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import { directoryCars, fileCars } from "../../scripts/lib/ipfs/encoded-cars.ts";
import { startPathGateway, type PathGateway } from "../../scripts/lib/ipfs/gateway.ts";
import { PILOT, PILOT_NAME } from "../helpers/pilot.ts";

const SITE = [
  new File(["<!doctype html><title>home</title>"], "index.html"),
  new File(["console.log(1)"], "_astro/page.js"),
  new File(["WEBVTT\n"], "captions.vtt"),
];

describe("the local path gateway", () => {
  let gateway: PathGateway;
  let pilot: Buffer;
  let pilotCid: string;
  let siteCid: string;

  beforeAll(async () => {
    pilot = await readFile(PILOT);
    const file = await fileCars(await openAsBlob(PILOT));
    const site = await directoryCars(SITE);
    pilotCid = file.root;
    siteCid = site.root;
    gateway = await startPathGateway({ cars: file.cars });
    for (const car of site.cars) await gateway.add(car);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it("serves a file by its CID, whole, with the type ?filename= names", async () => {
    const response = await fetch(`${gateway.url(pilotCid)}?filename=${PILOT_NAME}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "video/mp4");
    assert.match(response.headers.get("content-disposition") ?? "", /^inline; filename="sample-pilot\.mp4"/);
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(pilot));
  });

  it("serves a byte range across blocks with 206 and Content-Range, and HEAD without a body", async () => {
    const start = 1024 * 1024 - 10;
    const response = await fetch(gateway.url(pilotCid), {
      headers: { Range: `bytes=${start}-${start + 19}` },
    });
    assert.equal(response.status, 206);
    assert.equal(response.headers.get("content-range"), `bytes ${start}-${start + 19}/${pilot.length}`);
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(pilot.subarray(start, start + 20)));
    const head = await fetch(gateway.url(pilotCid), { method: "HEAD" });
    assert.equal(head.headers.get("content-length"), String(pilot.length));
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });

  it("answers a directory with its index.html, after redirecting to the trailing slash", async () => {
    const redirect = await fetch(gateway.url(siteCid), { redirect: "manual" });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get("location"), `/ipfs/${siteCid}/`);
    const index = await fetch(gateway.url(siteCid, ""));
    assert.equal(index.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(await index.text(), /<title>home<\/title>/);
  });

  it("serves files inside a directory with their type, and CORS for any origin", async () => {
    const script = await fetch(gateway.url(siteCid, "_astro/page.js"));
    assert.equal(script.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(script.headers.get("access-control-allow-origin"), "*");
    assert.equal(
      (await fetch(gateway.url(siteCid, "captions.vtt"))).headers.get("content-type"),
      "text/vtt; charset=utf-8",
    );
  });

  it("answers 404 with a reason for a CID or a path it does not hold", async () => {
    const unknown = CID.createV1(
      0x55,
      await sha256.digest(new TextEncoder().encode("nobody has this")),
    ).toString();
    for (const url of [gateway.url(unknown), gateway.url(siteCid, "missing.html")]) {
      const response = await fetch(url);
      assert.equal(response.status, 404, url);
      assert.match(await response.text(), /^not found/);
    }
  });

  it("serves the block itself for ?format=raw and for Accept: application/vnd.ipld.raw", async () => {
    const cid = CID.parse(siteCid);
    for (const init of [
      { url: `${gateway.url(siteCid)}?format=raw` },
      { url: gateway.url(siteCid), accept: "application/vnd.ipld.raw" },
    ]) {
      const response = await fetch(init.url, { headers: init.accept ? { Accept: init.accept } : {} });
      assert.equal(response.headers.get("content-type"), "application/vnd.ipld.raw");
      const digest = await sha256.digest(new Uint8Array(await response.arrayBuffer()));
      assert.deepEqual(digest.bytes, cid.multihash.bytes);
    }
  });

  it("refuses a block that does not hash to its CID", async () => {
    const forged = await startPathGateway({ cars: (await directoryCars(SITE)).cars });
    try {
      const cid = CID.parse(siteCid);
      forged.store.corrupt(cid, new TextEncoder().encode("forged"));
      const raw = await fetch(`${forged.url(siteCid)}?format=raw`);
      assert.equal(raw.status, 502);
      assert.equal((await fetch(forged.url(siteCid, ""))).status, 502);
    } finally {
      await forged.close();
    }
  });
});
