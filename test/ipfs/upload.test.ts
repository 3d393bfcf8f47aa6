/**
 * `npm run pin` uploading for real, over loopback, to the w3up upload service's own in-memory
 * implementation (`@storacha/upload-api`'s test context behind an HTTP server on 127.0.0.1):
 * the same protocol, the same client, the same checks as against up.storacha.network.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { base32 } from "multiformats/bases/base32";
import { base58btc } from "multiformats/bases/base58";
import * as Link from "multiformats/link";
import { buildSite } from "../../scripts/lib/build-site.ts";
import { encodeDirectory, encodeFile, type Encoded } from "../../scripts/lib/ipfs/encode.ts";
import { readCredentials } from "../../scripts/lib/ipfs/credentials.ts";
import { directoryFiles, fileFromPath } from "../../scripts/lib/ipfs/files.ts";
import { CidMismatchError, uploadAndVerify } from "../../scripts/lib/ipfs/upload.ts";
import { writeNonRepeatingFile } from "../../scripts/lib/non-repeating-bytes.ts";
import { closeServer, listenOnLoopback } from "../../scripts/lib/http.ts";
import { parseManifestJson } from "../../site/lib/manifest.ts";
import { runScript, type CliResult } from "../helpers/processes.ts";
import { startUploadService, type CredentialOptions, type UploadService } from "../helpers/upload-service.ts";
import { PILOT } from "../pilot/swarm.ts";

const GATEWAYS = ["--gateway", "http://127.0.0.1:9", "--gateway", "http://127.0.0.1:10"];

const HOP_BY_HOP = new Set(["host", "connection", "content-length", "keep-alive", "transfer-encoding"]);

/** A reverse proxy on 127.0.0.1 in front of the service that a test can cut, like a network that drops. */
async function startCuttableProxy(target: URL): Promise<{ url: URL; cut: boolean; close(): Promise<void> }> {
  const state = { cut: false };
  const server = createServer(async (request, response) => {
    if (state.cut) {
      request.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const upstream = await fetch(new URL(request.url ?? "/", target), {
      method: request.method,
      headers: Object.entries(request.headers).flatMap(([name, value]): [string, string][] =>
        HOP_BY_HOP.has(name) || value === undefined ? [] : [[name, String(value)]],
      ),
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const headers = [...upstream.headers].filter(
      ([name]) => !HOP_BY_HOP.has(name) && name !== "content-encoding",
    );
    response.writeHead(upstream.status, Object.fromEntries(headers));
    response.end(Buffer.from(await upstream.arrayBuffer()));
  });
  server.keepAliveTimeout = 0;
  const port = await listenOnLoopback(server, 0);
  return Object.assign(state, {
    url: new URL(`http://127.0.0.1:${port}/`),
    close: () => closeServer(server),
  });
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server, 0);
  await new Promise<void>((closed) => server.close(() => closed()));
  return port;
}

describe("npm run pin: uploads to a w3up service", () => {
  let dir: string;
  let service: UploadService;
  let siteDir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-upload-"));
    service = await startUploadService();
    siteDir = join(dir, "site");
    await buildSite("test/fixtures/campaign.json", siteDir);
  });

  afterAll(async () => {
    await service?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The environment a producer's CI sets: credentials and this service's address. */
  function serviceEnv(credentials: { principal: string; proof: string }): NodeJS.ProcessEnv {
    return {
      STORACHA_PRINCIPAL: credentials.principal,
      STORACHA_PROOF: credentials.proof,
      STORACHA_SERVICE_URL: service.url.href,
      STORACHA_SERVICE_DID: service.did,
      STORACHA_RECEIPTS_URL: service.receiptsUrl.href,
    };
  }

  async function pin(
    target: string,
    options: CredentialOptions & { manifest?: string } = {},
  ): Promise<CliResult & { space: string }> {
    const credentials = await service.createCredentials(options);
    const manifest = options.manifest ?? join(dir, "none.json");
    const result = await runScript(
      "pin.ts",
      [target, "--manifest", manifest, ...GATEWAYS],
      serviceEnv(credentials),
    );
    return { ...result, space: credentials.space };
  }

  /**
   * What the service recorded in `space` matches the local encoding exactly: the upload (root and
   * shards), every shard in its blob registry with its size, and the stored bytes themselves,
   * read back from the storage node, hashing to the shard's CID.
   */
  async function assertStoredExactly(space: string, local: Encoded): Promise<void> {
    assert.deepEqual(await service.uploads(space), [
      { root: local.root, shards: local.shards.map((shard) => shard.cid) },
    ]);
    const blobs = new Map((await service.blobs(space)).map((blob) => [blob.cid, blob.size]));
    for (const shard of local.shards) {
      assert.equal(blobs.get(shard.cid), shard.size, `shard ${shard.cid} in the space's blob registry`);
      const bytes = await service.readBlob(shard.cid);
      assert.ok(bytes, `shard ${shard.cid} cannot be read back`);
      const digest = Link.parse(shard.cid, base32).multihash.digest;
      assert.deepEqual(
        new Uint8Array(createHash("sha256").update(bytes).digest()),
        digest,
        "the stored bytes are the shard's",
      );
    }
  }

  it("uploads the sample pilot: the service records exactly the locally computed root and shard CIDs", async () => {
    const local = await encodeFile(await fileFromPath(PILOT));
    const manifest = join(dir, "pilot-campaign.json");
    await copyFile("test/fixtures/campaign.json", manifest);
    const result = await pin(PILOT, { manifest });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^root {5}${local.root}$`, "m"));
    assert.match(result.stdout, /verified the upload stored exactly these CIDs; read back with upload\/get/);
    assert.match(result.stderr, /shard 1\/1 stored: bag\S+ \(3\.8 MiB\)/, "progress names each stored shard");
    await assertStoredExactly(result.space, local);
    const recorded = parseManifestJson(await readFile(manifest, "utf8")).ipfs?.pilot;
    assert.equal(recorded?.cid, local.root);
    assert.deepEqual(
      recorded?.shards,
      local.shards.map((shard) => shard.cid),
    );
  });

  it("uploads a file of more than one CAR shard (the streaming path a real pilot takes) with the local CIDs", async () => {
    // 140 MiB that never repeats: two shards, the first one full (133,169,152 bytes at most).
    const big = join(dir, "two-shards.bin");
    await writeNonRepeatingFile(big, 140 * 1024 * 1024, 3);
    const local = await encodeFile(await fileFromPath(big));
    assert.equal(local.shards.length, 2);
    const result = await pin(big);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /shard 1\/2 stored: .*\nshard 2\/2 stored: /);
    await assertStoredExactly(result.space, local);
  });

  it("fails loudly, registering nothing, when the upload stores other CIDs than the local encoding", async () => {
    const credentials = await service.createCredentials();
    const pilot = await fileFromPath(PILOT);
    // What the local encoding would say if the file had changed since (here: another file's).
    const stale = await encodeFile(await fileFromPath("media/sample-pilot.vtt"));
    const upload = uploadAndVerify(
      await readCredentials({ STORACHA_PRINCIPAL: credentials.principal, STORACHA_PROOF: credentials.proof }),
      { url: service.url, did: service.did, receiptsUrl: service.receiptsUrl },
      { kind: "file", file: pilot },
      stale,
    );
    await assert.rejects(upload, (error: Error) => {
      assert.ok(error instanceof CidMismatchError);
      assert.match(
        error.message,
        new RegExp(
          `CAR shard 1: the locally computed CID is ${stale.shards[0]?.cid} but the upload produced bag`,
        ),
      );
      return true;
    });
    assert.deepEqual(await service.uploads(credentials.space), [], "no upload was registered");
  });

  it("uploads the built site: the service records exactly the locally computed root and shard CIDs", async () => {
    const local = await encodeDirectory(await directoryFiles(siteDir));
    const result = await pin(siteDir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^root {5}${local.root}$`, "m"));
    await assertStoredExactly(result.space, local);
  });

  it("never prints or records the credentials", async () => {
    const credentials = await service.createCredentials();
    const manifest = join(dir, "secret-campaign.json");
    await copyFile("test/fixtures/campaign.json", manifest);
    const result = await runScript(
      "pin.ts",
      [PILOT, "--manifest", manifest, ...GATEWAYS],
      serviceEnv(credentials),
    );
    assert.equal(result.code, 0, result.stderr);
    const written = await readFile(manifest, "utf8");
    for (const secret of [credentials.principal, credentials.proof]) {
      assert.ok(
        !result.stdout.includes(secret) && !result.stderr.includes(secret) && !written.includes(secret),
      );
    }
  });

  it("refuses a space that no storage provider was added to, saying how to provision it, with nothing stored", async () => {
    const result = await pin(PILOT, { provisioned: false });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /the space did:key:\S+ is not provisioned: .*has no storage provider/);
    assert.match(result.stderr, /storacha space provision/);
    assert.deepEqual(await service.uploads(result.space), []);
  });

  it("refuses an expired delegation before sending anything", async () => {
    const result = await pin(PILOT, { expiration: Math.floor(Date.now() / 1000) - 60 });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /STORACHA_PROOF expired on \d{4}-\d\d-\d\dT/);
    assert.doesNotMatch(result.stderr, /uploading/);
    assert.deepEqual(await service.uploads(result.space), []);
  });

  it("refuses a delegation that lacks an upload capability, naming it", async () => {
    const result = await pin(PILOT, {
      capabilities: ["space/blob/add", "space/index/add", "filecoin/offer"],
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /lacks upload\/add/);
    assert.deepEqual(await service.uploads(result.space), []);
  });

  it("refuses a delegation made for another agent", async () => {
    const mine = await service.createCredentials();
    const theirs = await service.createCredentials();
    const result = await runScript(
      "pin.ts",
      [PILOT, "--manifest", join(dir, "none.json"), ...GATEWAYS],
      serviceEnv({ principal: mine.principal, proof: theirs.proof }),
    );
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /STORACHA_PROOF delegates to did:key:\S+, but STORACHA_PRINCIPAL is the agent did:key:/,
    );
  });

  it("reports a service that cannot be reached: what was stored (nothing) and how to resume", async () => {
    const credentials = await service.createCredentials();
    const down = `http://127.0.0.1:${await closedPort()}/`;
    const env = {
      ...serviceEnv(credentials),
      STORACHA_SERVICE_URL: down,
      STORACHA_RECEIPTS_URL: `${down}receipt/`,
    };
    const result = await runScript("pin.ts", [PILOT, "--manifest", join(dir, "none.json"), ...GATEWAYS], env);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /retrying: attempt 1 failed \(fetch failed: connect ECONNREFUSED/,
      "each retry is one line",
    );
    assert.match(
      result.stderr,
      /the upload stopped after 0 of 1 CAR shard\(s\) were stored: fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+/,
    );
    assert.match(result.stderr, /Run the same command again to resume/);
    assert.doesNotMatch(result.stderr, /^\s+at /m, "no stack trace");
  });

  it("a network failure after a shard was stored names the stored shard, and the same command then resumes", async () => {
    const credentials = await service.createCredentials();
    const proxy = await startCuttableProxy(service.url);
    try {
      const env = {
        ...process.env,
        ...serviceEnv(credentials),
        STORACHA_SERVICE_URL: proxy.url.href,
        STORACHA_RECEIPTS_URL: new URL("receipt/", proxy.url).href,
      };
      const args = [resolve("scripts/pin.ts"), PILOT, "--manifest", join(dir, "none.json"), ...GATEWAYS];
      const child = spawn(resolve("node_modules/.bin/tsx"), args, { env, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        // The network goes away the moment the shard is stored: the index and the upload are not registered.
        if (stderr.includes("shard 1/1 stored")) proxy.cut = true;
      });
      const [code] = (await once(child, "exit")) as [number];
      assert.equal(code, 1, stderr);
      const shard = (await encodeFile(await fileFromPath(PILOT))).shards[0]?.cid;
      assert.match(
        stderr,
        new RegExp(`the upload stopped after 1 of 1 CAR shard\\(s\\) were stored \\(${shard}\\)`),
      );
      assert.match(stderr, /Run the same command again to resume/);
      assert.deepEqual(await service.uploads(credentials.space), [], "no upload was registered");

      const shardPuts = () =>
        service.puts.filter((path) =>
          path.includes(base58btc.encode(Link.parse(shard as string, base32).multihash.bytes)),
        ).length;
      assert.equal(shardPuts(), 1, "the shard's bytes were sent once");

      proxy.cut = false;
      const again = await runScript("pin.ts", args.slice(1), {
        ...serviceEnv(credentials),
        STORACHA_SERVICE_URL: proxy.url.href,
        STORACHA_RECEIPTS_URL: new URL("receipt/", proxy.url).href,
      });
      assert.equal(again.code, 0, again.stderr);
      assert.equal((await service.uploads(credentials.space)).length, 1);
      assert.equal(shardPuts(), 1, "resuming does not send the stored shard's bytes again");
    } finally {
      await proxy.close();
    }
  });

  it("pinning the same file again succeeds and records one upload (a rerun resumes, it does not duplicate)", async () => {
    const credentials = await service.createCredentials();
    const run = () =>
      runScript(
        "pin.ts",
        [PILOT, "--manifest", join(dir, "none.json"), ...GATEWAYS],
        serviceEnv(credentials),
      );
    assert.equal((await run()).code, 0);
    const again = await run();
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await service.uploads(credentials.space)).length, 1);
  });
});
