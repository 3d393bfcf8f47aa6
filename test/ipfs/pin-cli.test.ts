/**
 * `npm run pin` as a producer runs it, without a pinning service: a real child process, real
 * files, a real manifest. (Uploads to the service's own in-memory implementation: upload.test.ts.)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { CarReader } from "@ipld/car";
import parseTorrent from "parse-torrent";
import * as Link from "multiformats/link";
import { base32 } from "multiformats/bases/base32";
import { makeTorrent } from "../../scripts/lib/p2p/make-torrent.ts";
import { parseManifestJson, type Manifest } from "../../site/lib/manifest.ts";
import * as Signer from "@storacha/client/principal/ed25519";
import { runScript } from "../helpers/processes.ts";
import { missing, NETWORK_NAMESPACES } from "../helpers/requirements.ts";
import { namespaceEnv } from "../browser/namespace.ts";
import { garbledShapes, secretRunsIn } from "../helpers/secrets.ts";
import { PILOT, PILOT_BYTES } from "../pilot/swarm.ts";

const GATEWAYS = ["--gateway", "http://127.0.0.1:9", "--gateway", "http://127.0.0.1:10/"];
const NO_CREDENTIALS = { STORACHA_PRINCIPAL: "", STORACHA_PROOF: "" };

describe("npm run pin (no service)", () => {
  let dir: string;
  let manifestFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-pin-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A fresh manifest holding a torrent section for the sample pilot (as `npm run seed` writes it). */
  async function manifestWithTorrent(name: string): Promise<string> {
    const file = join(dir, `${name}.json`);
    const manifest = JSON.parse(await readFile("test/fixtures/campaign.json", "utf8")) as Manifest;
    const made = await makeTorrent({
      file: PILOT,
      length: PILOT_BYTES,
      pieceLength: 262_144,
      announce: ["ws://127.0.0.1:9"],
      urlList: ["http://127.0.0.1:11/sample-pilot.mp4"],
    });
    await writeFile(join(dir, `${name}.torrent`), made.torrentFile);
    const torrent = await parseTorrent(made.torrentFile);
    manifest.torrent = {
      name: made.name,
      infoHash: made.infoHash,
      magnet: `magnet:?xt=urn:btih:${made.infoHash}`,
      torrentFile: `${name}.torrent`,
      length: PILOT_BYTES,
      pieceLength: torrent.pieceLength ?? 262_144,
      trackers: ["ws://127.0.0.1:9"],
      webSeeds: ["http://127.0.0.1:11/sample-pilot.mp4"],
      iceServers: [],
    };
    await writeFile(file, JSON.stringify(manifest));
    return file;
  }

  beforeAll(async () => {
    manifestFile = join(dir, "campaign.json");
    await copyFile("test/fixtures/campaign.json", manifestFile);
  });

  it("prints its usage with --help and exits 0", async () => {
    const result = await runScript("pin.ts", ["--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: npm run pin -- <pilot file \| built site directory>/);
  });

  it("--offline prints the root CID and writes CAR shards whose bytes hash to their CIDs", async () => {
    const carDir = join(dir, "car-offline");
    const result = await runScript(
      "pin.ts",
      [PILOT, "--offline", "--car-dir", carDir, "--manifest", join(dir, "none.json"), ...GATEWAYS],
      NO_CREDENTIALS,
    );
    assert.equal(result.code, 0, result.stderr);
    const root = /^root {5}(\S+)$/m.exec(result.stdout)?.[1];
    assert.ok(root, result.stdout);
    const files = await readdir(carDir);
    assert.equal(files.length, 1);
    const bytes = await readFile(join(carDir, files[0] as string));
    const shardCid = Link.parse(files[0]?.replace(/\.car$/, "") as string, base32);
    assert.deepEqual(shardCid.multihash.digest, new Uint8Array(createHash("sha256").update(bytes).digest()));
    const car = await CarReader.fromBytes(bytes);
    assert.deepEqual((await car.getRoots()).map(String), [root]);
    const cids: string[] = [];
    for await (const block of car.blocks()) cids.push(block.cid.toString());
    assert.ok(cids.includes(root), "the CAR holds the root block");
    assert.match(result.stdout, /manifest .*none\.json does not exist: nothing recorded/);
  });

  it.skipIf(missing(NETWORK_NAMESPACES))(
    "--offline needs no network at all: it works in a network namespace with no interface up",
    () => {
      const child = spawnSync(
        "unshare",
        [
          "-rn",
          resolve("node_modules/.bin/tsx"),
          "scripts/pin.ts",
          PILOT,
          "--offline",
          "--car-dir",
          join(dir, "car-nonet"),
          "--manifest",
          join(dir, "none.json"),
        ],
        { encoding: "utf8", env: { ...namespaceEnv(dir), ...NO_CREDENTIALS } },
      );
      assert.equal(child.status, 0, child.stderr);
      assert.match(child.stdout, /^root {5}bafy/m);
    },
  );

  it("--offline records the pilot's CID and gateway URLs in the manifest, and they become the torrent's web seeds", async () => {
    const file = await manifestWithTorrent("with-torrent");
    const before = parseManifestJson(await readFile(file, "utf8"));
    const result = await runScript(
      "pin.ts",
      [PILOT, "--offline", "--car-dir", join(dir, "car-2"), "--manifest", file, ...GATEWAYS],
      NO_CREDENTIALS,
    );
    assert.equal(result.code, 0, result.stderr);
    const manifest = parseManifestJson(await readFile(file, "utf8"));
    const pilot = manifest.ipfs?.pilot;
    assert.ok(pilot);
    assert.deepEqual(manifest.ipfs?.gateways, ["http://127.0.0.1:9", "http://127.0.0.1:10/"]);
    assert.deepEqual(pilot.urls, [
      `http://127.0.0.1:9/ipfs/${pilot.cid}?filename=sample-pilot.mp4`,
      `http://127.0.0.1:10/ipfs/${pilot.cid}?filename=sample-pilot.mp4`,
    ]);
    assert.equal(pilot.length, PILOT_BYTES);
    assert.deepEqual(manifest.torrent?.webSeeds, [...pilot.urls, "http://127.0.0.1:11/sample-pilot.mp4"]);
    const torrent = await parseTorrent(await readFile(join(dir, "with-torrent.torrent")));
    assert.deepEqual(torrent.urlList, manifest.torrent?.webSeeds, "the .torrent's url-list is rewritten too");
    assert.equal(torrent.infoHash, before.torrent?.infoHash, "the info hash does not change");
    assert.equal(manifest.torrent?.infoHash, before.torrent?.infoHash);
    assert.ok(
      pilot.urls.every((url) => manifest.torrent?.magnet.includes(`ws=${encodeURIComponent(url)}`)),
      manifest.torrent?.magnet,
    );
  });

  it("records the pin but leaves a .torrent of another torrent alone, saying why", async () => {
    const file = await manifestWithTorrent("stale-torrent");
    const manifest = JSON.parse(await readFile(file, "utf8")) as Manifest;
    manifest.torrent!.infoHash = "0".repeat(40);
    await writeFile(file, JSON.stringify(manifest));
    const before = await readFile(join(dir, "stale-torrent.torrent"));
    const result = await runScript(
      "pin.ts",
      [PILOT, "--offline", "--car-dir", join(dir, "car-4"), "--manifest", file, ...GATEWAYS],
      NO_CREDENTIALS,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /note {5}the torrent's web seeds were left as they were \(.*has info hash [0-9a-f]{40}, not the manifest's 0{40}\): run npm run seed again/,
    );
    const after = parseManifestJson(await readFile(file, "utf8"));
    assert.ok(after.ipfs?.pilot, "the pin is recorded");
    assert.deepEqual(after.torrent?.webSeeds, ["http://127.0.0.1:11/sample-pilot.mp4"]);
    assert.ok(
      (await readFile(join(dir, "stale-torrent.torrent"))).equals(before),
      "the .torrent is untouched",
    );
  });

  it("pinning again with other gateways replaces the earlier gateway web seeds and keeps the others", async () => {
    const file = await manifestWithTorrent("repin");
    const pin = (gateways: string[]) =>
      runScript(
        "pin.ts",
        [PILOT, "--offline", "--car-dir", join(dir, "car-3"), "--manifest", file, ...gateways],
        NO_CREDENTIALS,
      );
    assert.equal((await pin(GATEWAYS)).code, 0);
    assert.equal(
      (await pin(["--gateway", "http://127.0.0.1:12", "--gateway", "http://{cid}.ipfs.localhost:13"])).code,
      0,
    );
    const manifest = parseManifestJson(await readFile(file, "utf8"));
    const cid = manifest.ipfs?.pilot?.cid as string;
    assert.deepEqual(manifest.torrent?.webSeeds, [
      `http://127.0.0.1:12/ipfs/${cid}?filename=sample-pilot.mp4`,
      `http://${cid}.ipfs.localhost:13/?filename=sample-pilot.mp4`,
      "http://127.0.0.1:11/sample-pilot.mp4",
    ]);
  });

  it("--offline records a directory as the site, with URLs that end in a slash", async () => {
    const result = await runScript(
      "pin.ts",
      [
        "test/fixtures/site-tree",
        "--offline",
        "--car-dir",
        join(dir, "car-site"),
        "--manifest",
        manifestFile,
        ...GATEWAYS,
      ],
      NO_CREDENTIALS,
    );
    assert.equal(result.code, 0, result.stderr);
    const manifest = parseManifestJson(await readFile(manifestFile, "utf8"));
    const site = manifest.ipfs?.site;
    assert.ok(site);
    assert.deepEqual(site.urls, [
      `http://127.0.0.1:9/ipfs/${site.cid}/`,
      `http://127.0.0.1:10/ipfs/${site.cid}/`,
    ]);
    assert.equal(manifest.ipfs?.pilot, undefined);
  });

  it("refuses to upload without credentials, naming both variables, before any work and with exit code 2", async () => {
    const file = await manifestWithTorrent("no-credentials");
    const before = await readFile(file, "utf8");
    const result = await runScript("pin.ts", [PILOT, "--manifest", file, ...GATEWAYS], NO_CREDENTIALS);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /missing Storacha credentials: set STORACHA_PRINCIPAL and STORACHA_PROOF/);
    assert.match(result.stderr, /--offline/);
    assert.doesNotMatch(result.stderr, /encoding/, "nothing is encoded before the credentials are checked");
    assert.equal(await readFile(file, "utf8"), before, "the manifest is untouched");
  });

  it("never prints a garbled key, in any shape, while saying which variable is wrong", async () => {
    const key = Signer.format(await Signer.generate());
    for (const [shape, value] of Object.entries(garbledShapes(key))) {
      const result = await runScript("pin.ts", [PILOT, "--manifest", manifestFile, ...GATEWAYS], {
        STORACHA_PRINCIPAL: value,
        STORACHA_PROOF: "bm90IGEgcHJvb2Y=",
      });
      assert.equal(result.code, 2, shape);
      assert.match(result.stderr, /STORACHA_PRINCIPAL is not an ed25519 private key/, shape);
      assert.deepEqual(secretRunsIn(result.stdout + result.stderr, key), [], shape);
    }
  });

  it("refuses a single gateway: the pilot must not depend on one", async () => {
    const result = await runScript(
      "pin.ts",
      [PILOT, "--offline", "--manifest", manifestFile, "--gateway", "https://w3s.link"],
      NO_CREDENTIALS,
    );
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--gateway: list at least two gateways/);
  });

  it("refuses a missing file, naming it, with exit code 2", async () => {
    const result = await runScript(
      "pin.ts",
      [join(dir, "no-such-pilot.mp4"), "--offline", "--manifest", manifestFile],
      NO_CREDENTIALS,
    );
    assert.equal(result.code, 2);
    assert.match(result.stderr, /file to pin not found: .*no-such-pilot\.mp4/);
  });
});
