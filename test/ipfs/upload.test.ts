/**
 * `pinContent()` (`npm run pin`) uploading for real, over loopback, to the w3up upload service's
 * own in-memory implementation (`@storacha/upload-api`'s test context behind an HTTP server on
 * 127.0.0.1): the same protocol, the same client, the same checks as against up.storacha.network.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
import { EXIT, UserError } from "../../scripts/lib/cli.ts";
import { pinContent, type PinResult } from "../../scripts/lib/pilot/pin.ts";
import { parseManifestJson } from "../../site/lib/manifest.ts";
import { closedPort } from "../helpers/ports.ts";
import { startUploadService, type CredentialOptions, type UploadService } from "../helpers/upload-service.ts";
import { PILOT, PILOT_CAPTIONS } from "../helpers/pilot.ts";

const GATEWAYS = ["http://127.0.0.1:9", "http://127.0.0.1:10"];

const HOP_BY_HOP = new Set(["host", "connection", "content-length", "keep-alive", "transfer-encoding"]);

/** A reverse proxy on 127.0.0.1 in front of the service that a test can cut, like a network that drops. */
async function startCuttableProxy(target: URL): Promise<{ url: URL; cut: boolean; close(): Promise<void> }> {
  const state = { cut: false };
  const forward = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
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
  };
  const server = createServer((request, response) => void forward(request, response));
  server.keepAliveTimeout = 0;
  const port = await listenOnLoopback(server, 0);
  return Object.assign(state, {
    url: new URL(`http://127.0.0.1:${port}/`),
    close: () => closeServer(server),
  });
}

describe("pinContent: uploads to a w3up service", () => {
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
  function serviceEnv(
    credentials: { principal: string; proof: string },
    url = service.url,
  ): NodeJS.ProcessEnv {
    return {
      STORACHA_PRINCIPAL: credentials.principal,
      STORACHA_PROOF: credentials.proof,
      STORACHA_SERVICE_URL: url.href,
      STORACHA_SERVICE_DID: service.did,
      STORACHA_RECEIPTS_URL: new URL("receipt/", url).href,
    };
  }

  /** Pins `target` as the agent of `credentials` (through `env`); `log` gets the progress lines. */
  function pinAs(
    target: string,
    env: NodeJS.ProcessEnv,
    options: { manifest?: string; log?: (line: string) => void } = {},
  ): Promise<PinResult> {
    return pinContent(target, {
      carDir: join(dir, "car"),
      manifest: options.manifest ?? join(dir, "none.json"),
      gateway: GATEWAYS,
      env,
      preparedDir: join(dir, "prepared"),
      log: options.log ?? (() => undefined),
    });
  }

  /** Pins `target` with fresh credentials made with `options`; what it logged, and the space. */
  async function pin(
    target: string,
    options: CredentialOptions & { manifest?: string } = {},
  ): Promise<{ result: Promise<PinResult>; logged: string[]; space: string }> {
    const credentials = await service.createCredentials(options);
    const logged: string[] = [];
    const result = pinAs(target, serviceEnv(credentials), {
      ...(options.manifest === undefined ? {} : { manifest: options.manifest }),
      log: (line) => logged.push(line),
    });
    result.catch(() => undefined);
    return { result, logged, space: credentials.space };
  }

  /** Asserts that `result` is refused as bad input (nothing was sent) with `message`. */
  async function refusedAsInput(result: Promise<PinResult>, message: RegExp): Promise<void> {
    await assert.rejects(result, (error: Error) => {
      assert.ok(error instanceof UserError, error.stack);
      assert.equal(error.exitCode, EXIT.usage);
      assert.match(error.message, message);
      return true;
    });
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
    const { result, logged, space } = await pin(PILOT, { manifest });
    const { report } = await result;
    assert.ok(report.includes(`root     ${local.root}`), report.join("\n"));
    assert.ok(report.includes("verified the upload stored exactly these CIDs; read back with upload/get"));
    assert.match(
      logged.join("\n"),
      /shard 1\/1 stored: bag\S+ \(3\.8 MiB\)/,
      "progress names each stored shard",
    );
    await assertStoredExactly(space, local);
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
    const { result, logged, space } = await pin(big);
    await result;
    assert.match(logged.join("\n"), /shard 1\/2 stored: .*\nshard 2\/2 stored: /);
    await assertStoredExactly(space, local);
  });

  it("fails loudly, registering nothing, when the upload stores other CIDs than the local encoding", async () => {
    const credentials = await service.createCredentials();
    const pilot = await fileFromPath(PILOT);
    // What the local encoding would say if the file had changed since (here: another file's).
    const stale = await encodeFile(await fileFromPath(PILOT_CAPTIONS));
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
    const { result, space } = await pin(siteDir);
    assert.ok((await result).report.includes(`root     ${local.root}`));
    await assertStoredExactly(space, local);
  });

  it("never shows or records the credentials", async () => {
    const credentials = await service.createCredentials();
    const manifest = join(dir, "secret-campaign.json");
    await copyFile("test/fixtures/campaign.json", manifest);
    const logged: string[] = [];
    const { report } = await pinAs(PILOT, serviceEnv(credentials), {
      manifest,
      log: (line) => logged.push(line),
    });
    const shown = [...logged, ...report, await readFile(manifest, "utf8")].join("\n");
    for (const secret of [credentials.principal, credentials.proof]) assert.ok(!shown.includes(secret));
  });

  it("refuses a space that no storage provider was added to, saying how to provision it, with nothing stored", async () => {
    const { result, space } = await pin(PILOT, { provisioned: false });
    await refusedAsInput(result, /the space did:key:\S+ is not provisioned: .*has no storage provider/);
    await assert.rejects(result, /storacha space provision/);
    assert.deepEqual(await service.uploads(space), []);
  });

  it("refuses an expired delegation before sending anything", async () => {
    const { result, logged, space } = await pin(PILOT, { expiration: Math.floor(Date.now() / 1000) - 60 });
    await refusedAsInput(result, /STORACHA_PROOF expired on \d{4}-\d\d-\d\dT/);
    assert.ok(!logged.some((line) => line.startsWith("uploading")), logged.join("\n"));
    assert.deepEqual(await service.uploads(space), []);
  });

  it("refuses a delegation that lacks an upload capability, naming it", async () => {
    const { result, space } = await pin(PILOT, {
      capabilities: ["space/blob/add", "space/index/add", "filecoin/offer"],
    });
    await refusedAsInput(result, /lacks upload\/add/);
    assert.deepEqual(await service.uploads(space), []);
  });

  it("refuses a delegation made for another agent", async () => {
    const mine = await service.createCredentials();
    const theirs = await service.createCredentials();
    await refusedAsInput(
      pinAs(PILOT, serviceEnv({ principal: mine.principal, proof: theirs.proof })),
      /STORACHA_PROOF delegates to did:key:\S+, but STORACHA_PRINCIPAL is the agent did:key:/,
    );
  });

  it("reports a service that cannot be reached: what was stored (nothing) and how to resume", async () => {
    const credentials = await service.createCredentials();
    const down = new URL(`http://127.0.0.1:${await closedPort()}/`);
    const logged: string[] = [];
    await assert.rejects(
      pinAs(PILOT, serviceEnv(credentials, down), { log: (line) => logged.push(line) }),
      (error: Error) => {
        assert.ok(error instanceof UserError, error.stack);
        assert.equal(error.exitCode, EXIT.failure);
        assert.match(
          error.message,
          /the upload stopped after 0 of 1 CAR shard\(s\) were stored: fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+/,
        );
        assert.match(error.message, /Run the same command again to resume/);
        return true;
      },
    );
    assert.ok(
      logged.some((line) => /^retrying: attempt 1 failed \(fetch failed: connect ECONNREFUSED/.test(line)),
      "each retry is one line",
    );
  });

  it("a network failure after a shard was stored names the stored shard, and the same command then resumes", async () => {
    const credentials = await service.createCredentials();
    const proxy = await startCuttableProxy(service.url);
    try {
      const env = serviceEnv(credentials, proxy.url);
      // The network goes away the moment the shard is stored: the index and the upload are not registered.
      const cutAfterShard = (line: string) => {
        if (line.includes("shard 1/1 stored")) proxy.cut = true;
      };
      const shard = (await encodeFile(await fileFromPath(PILOT))).shards[0]?.cid;
      await assert.rejects(pinAs(PILOT, env, { log: cutAfterShard }), (error: Error) => {
        assert.ok(error instanceof UserError, error.stack);
        assert.equal(error.exitCode, EXIT.failure);
        assert.match(
          error.message,
          new RegExp(`the upload stopped after 1 of 1 CAR shard\\(s\\) were stored \\(${shard}\\)`),
        );
        assert.match(error.message, /Run the same command again to resume/);
        return true;
      });
      assert.deepEqual(await service.uploads(credentials.space), [], "no upload was registered");

      const shardPuts = () =>
        service.puts.filter((path) =>
          path.includes(base58btc.encode(Link.parse(shard, base32).multihash.bytes)),
        ).length;
      assert.equal(shardPuts(), 1, "the shard's bytes were sent once");

      proxy.cut = false;
      await pinAs(PILOT, env);
      assert.equal((await service.uploads(credentials.space)).length, 1);
      assert.equal(shardPuts(), 1, "resuming does not send the stored shard's bytes again");
    } finally {
      await proxy.close();
    }
  });

  it("pinning the same file again succeeds and records one upload (a rerun resumes, it does not duplicate)", async () => {
    const credentials = await service.createCredentials();
    await pinAs(PILOT, serviceEnv(credentials));
    await pinAs(PILOT, serviceEnv(credentials));
    assert.equal((await service.uploads(credentials.space)).length, 1);
  });
});
