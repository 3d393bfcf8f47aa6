/**
 * `pinContent()`, what `npm run pin` does, without a pinning service: real files, a real manifest,
 * in process. (Uploads to the service's own implementation: upload.test.ts; the command's flags and
 * exit codes: pin-cli.test.ts.)
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { CarReader } from "@ipld/car";
import parseTorrent from "parse-torrent";
import * as Link from "multiformats/link";
import { base32 } from "multiformats/bases/base32";
import * as Signer from "@storacha/client/principal/ed25519";
import { UserError } from "../../scripts/lib/cli.ts";
import { pieceLengthFor } from "../../scripts/lib/p2p/piece-length.ts";
import { torrentSection } from "../../scripts/lib/p2p/manifest-section.ts";
import { pinContent, type PinOptions } from "../../scripts/lib/pilot/pin.ts";
import { parseManifestJson, type Manifest } from "../../site/lib/manifest.ts";
import { garbledShapes, secretRunsIn } from "../helpers/secrets.ts";
import { PILOT, PILOT_BYTES, PILOT_NAME } from "../helpers/pilot.ts";
import { pilotTorrent } from "../pilot/swarm.ts";

const GATEWAYS = ["http://127.0.0.1:9", "http://127.0.0.1:10/"];
const NO_CREDENTIALS = { STORACHA_PRINCIPAL: "", STORACHA_PROOF: "" };
const OTHER_WEB_SEED = `http://127.0.0.1:11/${PILOT_NAME}`;

describe("pinContent (no service)", () => {
  let dir: string;
  let manifestFile: string;
  /** The options of an offline pin, with `changes`. */
  let options: (changes?: Partial<PinOptions>) => PinOptions;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-pin-"));
    manifestFile = join(dir, "campaign.json");
    await copyFile("test/fixtures/campaign.json", manifestFile);
    options = (changes = {}) => ({
      offline: true,
      carDir: join(dir, "car"),
      manifest: manifestFile,
      gateway: GATEWAYS,
      env: NO_CREDENTIALS,
      preparedDir: join(dir, "prepared"),
      log: () => undefined,
      ...changes,
    });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A fresh manifest holding a torrent section for the sample pilot (as `npm run seed` writes it). */
  async function manifestWithTorrent(name: string): Promise<string> {
    const file = join(dir, `${name}.json`);
    const manifest = JSON.parse(await readFile("test/fixtures/campaign.json", "utf8")) as Manifest;
    const made = await pilotTorrent(["ws://127.0.0.1:9"], [OTHER_WEB_SEED]);
    const pieceLength = pieceLengthFor(PILOT_BYTES);
    manifest.torrent = await torrentSection(
      { ...made, magnet: `magnet:?xt=urn:btih:${made.infoHash}`, length: PILOT_BYTES, pieceLength },
      join(dir, `${name}.torrent`),
      file,
      { trackers: ["ws://127.0.0.1:9"], webSeeds: [OTHER_WEB_SEED], iceServers: [] },
    );
    await writeFile(file, JSON.stringify(manifest));
    return file;
  }

  /** Asserts that pinning with `changes` is refused with `message`, the manifest untouched. */
  async function refused(changes: Partial<PinOptions>, message: RegExp, target = PILOT): Promise<Error> {
    const file = changes.manifest ?? manifestFile;
    const before = await readFile(file, "utf8");
    let refusal: Error | undefined;
    await assert.rejects(pinContent(target, options(changes)), (error: Error) => {
      assert.ok(error instanceof UserError, error.stack);
      assert.match(error.message, message);
      refusal = error;
      return true;
    });
    assert.equal(await readFile(file, "utf8"), before, "the manifest is untouched");
    return refusal as Error;
  }

  it("offline, writes CAR shards whose bytes hash to their CIDs, the root among their blocks", async () => {
    const carDir = join(dir, "car-offline");
    const result = await pinContent(PILOT, options({ carDir, manifest: join(dir, "none.json") }));
    const root = result.encoded.root;
    assert.ok(result.report.includes(`root     ${root}`), result.report.join("\n"));
    const files = await readdir(carDir);
    assert.equal(files.length, 1);
    const [car] = files;
    assert.ok(car);
    const bytes = await readFile(join(carDir, car));
    const shardCid = Link.parse(car.replace(/\.car$/, ""), base32);
    assert.deepEqual(shardCid.multihash.digest, new Uint8Array(createHash("sha256").update(bytes).digest()));
    const reader = await CarReader.fromBytes(bytes);
    assert.deepEqual((await reader.getRoots()).map(String), [root]);
    const cids: string[] = [];
    for await (const block of reader.blocks()) cids.push(block.cid.toString());
    assert.ok(cids.includes(root), "the CAR holds the root block");
  });

  it("records nothing when the manifest does not exist, and says so", async () => {
    const result = await pinContent(PILOT, options({ manifest: join(dir, "none.json") }));
    assert.equal(result.recorded, undefined);
    assert.ok(
      result.report.some((line) => /^manifest .*none\.json does not exist: nothing recorded$/.test(line)),
    );
  });

  it("records the pilot's CID and gateway URLs in the manifest, and they become the torrent's web seeds", async () => {
    const file = await manifestWithTorrent("with-torrent");
    const before = parseManifestJson(await readFile(file, "utf8"));
    await pinContent(PILOT, options({ manifest: file, carDir: join(dir, "car-2") }));
    const manifest = parseManifestJson(await readFile(file, "utf8"));
    const pilot = manifest.ipfs?.pilot;
    assert.ok(pilot);
    assert.deepEqual(manifest.ipfs?.gateways, GATEWAYS);
    assert.deepEqual(pilot.urls, [
      `http://127.0.0.1:9/ipfs/${pilot.cid}?filename=${PILOT_NAME}`,
      `http://127.0.0.1:10/ipfs/${pilot.cid}?filename=${PILOT_NAME}`,
    ]);
    assert.equal(pilot.length, PILOT_BYTES);
    assert.deepEqual(manifest.torrent?.webSeeds, [...pilot.urls, OTHER_WEB_SEED]);
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
    const result = await pinContent(PILOT, options({ manifest: file, carDir: join(dir, "car-4") }));
    assert.match(
      result.report.join("\n"),
      /note {5}the torrent's web seeds were left as they were \(.*has info hash [0-9a-f]{40}, not the manifest's 0{40}\): run npm run seed again/,
    );
    assert.doesNotMatch(
      result.report.join("\n"),
      /not this file/,
      "it is this file: only its .torrent is another",
    );
    const after = parseManifestJson(await readFile(file, "utf8"));
    assert.ok(after.ipfs?.pilot, "the pin is recorded");
    assert.deepEqual(after.torrent?.webSeeds, [OTHER_WEB_SEED]);
    assert.ok(
      (await readFile(join(dir, "stale-torrent.torrent"))).equals(before),
      "the .torrent is untouched",
    );
  });

  it("pinning again with other gateways replaces the earlier gateway web seeds and keeps the others", async () => {
    const file = await manifestWithTorrent("repin");
    const pin = (gateway: string[]) =>
      pinContent(PILOT, options({ manifest: file, carDir: join(dir, "car-3"), gateway }));
    await pin(GATEWAYS);
    await pin(["http://127.0.0.1:12", "http://{cid}.ipfs.localhost:13"]);
    const manifest = parseManifestJson(await readFile(file, "utf8"));
    const cid = manifest.ipfs?.pilot?.cid as string;
    assert.deepEqual(manifest.torrent?.webSeeds, [
      `http://127.0.0.1:12/ipfs/${cid}?filename=${PILOT_NAME}`,
      `http://${cid}.ipfs.localhost:13/?filename=${PILOT_NAME}`,
      OTHER_WEB_SEED,
    ]);
  });

  it("records a directory as the site, with URLs that end in a slash", async () => {
    await pinContent("test/fixtures/site-tree", options({ carDir: join(dir, "car-site") }));
    const manifest = parseManifestJson(await readFile(manifestFile, "utf8"));
    const site = manifest.ipfs?.site;
    assert.ok(site);
    assert.deepEqual(site.urls, [
      `http://127.0.0.1:9/ipfs/${site.cid}/`,
      `http://127.0.0.1:10/ipfs/${site.cid}/`,
    ]);
    assert.equal(manifest.ipfs?.pilot, undefined);
  });

  it("refuses to upload without credentials, naming both variables, before any work", async () => {
    const file = await manifestWithTorrent("no-credentials");
    const logged: string[] = [];
    const error = await refused(
      { offline: false, manifest: file, log: (line) => logged.push(line) },
      /missing Storacha credentials: set STORACHA_PRINCIPAL and STORACHA_PROOF/,
    );
    assert.match(error.message, /--offline/);
    assert.deepEqual(logged, [], "nothing is prepared or encoded before the credentials are checked");
  });

  it("never shows a garbled key, in any shape, while saying which variable is wrong", async () => {
    const key = Signer.format(await Signer.generate());
    for (const [shape, value] of Object.entries(garbledShapes(key))) {
      const error = await refused(
        { offline: false, env: { STORACHA_PRINCIPAL: value, STORACHA_PROOF: "bm90IGEgcHJvb2Y=" } },
        /STORACHA_PRINCIPAL is not an ed25519 private key/,
      );
      assert.deepEqual(secretRunsIn(error.message, key), [], shape);
    }
  });

  it("refuses a single gateway: the pilot must not depend on one", async () => {
    await refused({ gateway: ["https://w3s.link"] }, /--gateway: list at least two gateways/);
  });

  it("refuses a missing file, naming it", async () => {
    await refused({}, /file to pin not found: .*no-such-pilot\.mp4/, join(dir, "no-such-pilot.mp4"));
  });
});
