/**
 * A local, in-memory Storacha upload service for tests.
 *
 * It is the real service logic of `@storacha/upload-api` (its own in-memory
 * test context: upload table, blob registry, provisions, agent store, three
 * storage nodes, indexing and claims services), served over HTTP on
 * 127.0.0.1 so that `@storacha/client` talks to it exactly as it talks to
 * up.storacha.network:
 *
 *   POST /                 UCAN endpoint (ucanto CAR codec in and out)
 *   GET  /receipt/<task>   receipt of a task, as an agent message CAR
 *
 * Blob bytes go to the storage nodes' presigned PUT URLs
 * (http://127.0.0.1:<port>/<mh>/<mh>.blob). Every HTTP server involved
 * listens on 127.0.0.1 only and is closed by `close()`.
 *
 * Importing this module has no side effects.
 */
import http from "node:http";
import * as Ed25519 from "@storacha/client/principal/ed25519";
import { Absentee } from "@ucanto/principal";
import { Message } from "@ucanto/core";
import { CAR } from "@ucanto/transport";
import * as Link from "multiformats/link";
import { CID } from "multiformats/cid";
import { CarWriter } from "@ipld/car/writer";
import { base64 } from "multiformats/bases/base64";
import { base58btc } from "multiformats/bases/base58";
import { identity } from "multiformats/hashes/identity";
import * as Digest from "multiformats/hashes/digest";
import type { MultihashDigest, UnknownLink } from "multiformats";
import type { ConnectionView, Signer, Receipt } from "@ucanto/interface";
import { createAgentClient } from "../../scripts/lib/ipfs/upload.ts";
import { closeServer, listenOnLoopback } from "../../scripts/lib/http.ts";

/*
 * The upload-api test context is loaded untyped: its published types
 * (dist/types/indexing-service.d.ts) resolve `@storacha/indexing-service-client/api`
 * to that package's TypeScript *source* (src/api.ts), which fails this repo's
 * `verbatimModuleSyntax` (skipLibCheck does not cover .ts files). Below is the
 * part of it we use.
 */
type Result<T> = { ok: T; error?: undefined } | { ok?: undefined; error: Error };
interface TestContext {
  id: Signer;
  service: Signer;
  connection: ConnectionView<Record<string, unknown>> & {
    channel: {
      request(request: { headers: Record<string, string>; body: Uint8Array }): Promise<{
        status?: number;
        headers: Record<string, string>;
        body: Uint8Array;
      }>;
    };
  };
  agentStore: { receipts: { get(task: UnknownLink): Promise<Result<Receipt>> } };
  uploadTable: {
    list(space: string): Promise<Result<{ results: Array<{ root: UnknownLink; shards?: UnknownLink[] }> }>>;
  };
  registry: {
    entries(
      space: string,
    ): Promise<Result<{ results: Array<{ blob: { digest: MultihashDigest; size: number } }> }>>;
  };
  blobRetriever: { stream(digest: MultihashDigest): Promise<Result<ReadableStream<Uint8Array>>> };
}
interface ContextModule {
  createContext: (options: {
    http: typeof http;
    requirePaymentPlan?: boolean;
    assert?: { fail(error: unknown): unknown };
  }) => Promise<TestContext>;
  cleanupContext: (context: TestContext) => Promise<unknown>;
}
interface UtilsModule {
  provisionProvider: (input: {
    service: Signer;
    agent: Signer;
    space: { did(): `did:key:${string}` };
    account: { did(): string };
    connection: ConnectionView<Record<string, unknown>>;
  }) => Promise<{ out: Result<unknown> }>;
}
const CONTEXT_MODULE: string = "@storacha/upload-api/test/context";
const UTILS_MODULE: string = "@storacha/upload-api/test/utils";

/** What `uploadFile` / `uploadDirectory` need, plus `upload/get` and `upload/list`. */
export const DEFAULT_CAPABILITIES = [
  "space/blob/add",
  "space/index/add",
  "filecoin/offer",
  "upload/add",
  "upload/get",
  "upload/list",
] as const;

/** Multicodec of a CAR file (the shards' CIDs are `bagbaiera…`). */
const CAR_CODE = 0x0202;

/**
 * What the service hands a new agent, as the storacha CLI prints it: the texts a producer puts in
 * STORACHA_PRINCIPAL and STORACHA_PROOF (scripts/lib/ipfs/credentials.ts reads them into its
 * `Credentials`), and the space.
 */
export interface IssuedCredentials {
  /** Agent private key as `storacha key create` prints it (`Mg…`, ed25519 `Signer.format`). */
  principal: string;
  /** Base64 delegation as `storacha delegation create <agent> -c … --base64` prints it. */
  proof: string;
  /** did:key of the space. */
  space: string;
}

export interface CredentialOptions {
  /** false: the space gets no storage provider, so the service refuses uploads. Default true. */
  provisioned?: boolean;
  /** Expiration of the agent's delegation, seconds since epoch (past = expired). Default: none (Infinity). */
  expiration?: number;
  /** Abilities delegated to the agent. Default `DEFAULT_CAPABILITIES`. */
  capabilities?: string[];
}

export interface StoredBlob {
  /** Multihash of the blob (sha2-256), base58btc (`zQm…`), as the service keys it. */
  digest: string;
  /**
   * The same digest as a CAR CID (`bagbaiera…`): what `onShardStored` reports and `uploads()` lists as
   * shards.
   */
  cid: string;
  size: number;
}

export interface UploadService {
  /** http://127.0.0.1:PORT/ — POST / is the UCAN endpoint. */
  url: URL;
  /** The service's DID (`did:web:test.up.storacha.network`): the connection id a client must use. */
  did: string;
  /** Receipts endpoint (GET <receiptsUrl><taskCid>), ends with "/receipt/". */
  receiptsUrl: URL;
  /**
   * New space + new agent with a delegation on it, the CI way (`storacha key create` + `delegation create
   * --base64`).
   */
  createCredentials(options?: CredentialOptions): Promise<IssuedCredentials>;
  /** Upload roots and their shard CIDs recorded in the service's upload table for `space`, newest first. */
  uploads(space: string): Promise<Array<{ root: string; shards: string[] }>>;
  /**
   * Blobs registered in `space` (the service's blob registry), newest first:
   * every CAR shard *and* the upload's index CAR (space/index/add). A blob is
   * registered at space/blob/add, before its bytes arrive; `readBlob` tells
   * whether the bytes were stored and accepted.
   */
  blobs(space: string): Promise<StoredBlob[]>;
  /**
   * Bytes of a stored blob, read back from the storage node through the service's location claims; undefined
   * if absent. `blob`: a CAR CID or base58btc multihash.
   */
  readBlob(blob: string): Promise<Uint8Array | undefined>;
  /** Errors the service reported internally (its error reporter), for tests that want none. */
  errors: unknown[];
  /**
   * Paths of the blob uploads (HTTP PUTs) the storage nodes received, in order:
   * `/<multihash>/<multihash>.blob`, base58btc.
   */
  puts: string[];
  /** Closes every server (UCAN endpoint, storage nodes, indexing/claims). Idempotent. */
  close(): Promise<void>;
}

/**
 * A `node:http` lookalike for the upload-api test context: the servers it
 * creates (storage nodes, indexing, claims, legacy buckets) listen on
 * 127.0.0.1 (not on all interfaces) and are remembered so we can close them.
 */
function loopbackHttp(servers: http.Server[], puts: string[]): typeof http {
  const createServer = ((handler: http.RequestListener) => {
    // The context's servers call `response.end(); response.destroy()` to
    // drop the connection; destroying before the body is flushed truncates
    // any response bigger than the socket buffer (e.g. a GET of a 4 MB
    // blob). Destroy once the response has finished instead.
    const server = http.createServer((request, response) => {
      if (request.method === "PUT") puts.push(request.url ?? "");
      const destroy = response.destroy.bind(response);
      response.destroy = (error?: Error) => {
        if (error || response.writableFinished) return destroy(error);
        response.once("finish", () => destroy());
        response.once("close", () => destroy());
        return response;
      };
      return handler(request, response);
    });
    server.keepAliveTimeout = 0;
    const listen = server.listen.bind(server) as (port: number, host: string, cb?: () => void) => http.Server;
    // The context only ever calls `server.listen(callback)`.
    server.listen = ((...listenArgs: unknown[]) => {
      const cb = listenArgs.find((a) => typeof a === "function") as (() => void) | undefined;
      return listen(0, "127.0.0.1", cb);
    }) as typeof server.listen;
    servers.push(server);
    return server;
  }) as typeof http.createServer;
  return { ...http, createServer };
}

/*
 * The context's indexing and claims services hand the upload service a
 * delegation made with ucanto's default lifetime (now + 30 s), so every
 * `space/index/add` made more than 30 s after start-up fails with
 * `Unauthorized: Claim {"can":"assert/index"} … Proof … has expired`
 * (a 140 MB upload alone spends ~40 s hashing before it gets there).
 * Their signers are private, so we move the clock ~100 years ahead while the
 * context is created: those delegations then outlive any test. Nothing else
 * created then depends on the time. Nested/parallel starts are counted.
 */
const CLOCK_SHIFT_MS = 100 * 365 * 24 * 3600 * 1000;
let clockShifts = 0;
let originalDateNow: () => number = Date.now;
function shiftClock(): () => void {
  if (clockShifts++ === 0) {
    originalDateNow = Date.now;
    const now = originalDateNow;
    Date.now = () => now() + CLOCK_SHIFT_MS;
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (--clockShifts === 0) Date.now = originalDateNow;
  };
}

async function readBody(request: http.IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

function parseDigest(blob: string): MultihashDigest {
  if (blob.startsWith("z")) return Digest.decode(base58btc.decode(blob));
  return CID.parse(blob).multihash;
}

export async function startUploadService(): Promise<UploadService> {
  const servers: http.Server[] = [];
  const errors: unknown[] = [];
  const puts: string[] = [];
  const { createContext, cleanupContext } = (await import(CONTEXT_MODULE)) as ContextModule;
  const { provisionProvider } = (await import(UTILS_MODULE)) as UtilsModule;
  const restoreClock = shiftClock();
  let context: TestContext;
  try {
    context = await createContext({
      http: loopbackHttp(servers, puts),
      requirePaymentPlan: false,
      // The service's error reporter: production logs and carries on; the
      // default test one throws, which would turn an internal error into a
      // dropped HTTP request.
      assert: {
        fail(error: unknown) {
          errors.push(error);
        },
      },
    });
  } finally {
    restoreClock();
  }
  const did = context.id.did();
  // The ucanto server (upload-api's `createServer`, with the agent store
  // that records invocations and receipts) behind the context's connection.
  const agent = context.connection.channel;

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    try {
      const { pathname } = new URL(request.url ?? "/", "http://127.0.0.1");
      if (request.method === "POST" && pathname === "/") {
        const body = await readBody(request);
        const headers = Object.fromEntries(
          Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)]),
        );
        const result = await agent.request({ headers, body });
        response.writeHead(result.status ?? 200, result.headers);
        response.end(result.body);
      } else if (request.method === "GET" && pathname.startsWith("/receipt/")) {
        let task;
        try {
          task = Link.parse(decodeURIComponent(pathname.slice("/receipt/".length)));
        } catch {
          response.writeHead(400).end("invalid task CID");
          return;
        }
        const receipt = await context.agentStore.receipts.get(task);
        if (receipt.error) {
          response.writeHead(404).end("receipt not found");
          return;
        }
        const message = await Message.build({ receipts: [receipt.ok] });
        const encoded = CAR.request.encode(message);
        response.writeHead(200, { "content-type": "application/vnd.ipld.car" });
        response.end(encoded.body);
      } else {
        response.writeHead(404).end();
      }
    } catch (error) {
      errors.push(error);
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    }
  };
  const server = http.createServer((request, response) => void handle(request, response));
  server.keepAliveTimeout = 0;
  const url = new URL(`http://127.0.0.1:${await listenOnLoopback(server, 0)}/`);
  const receiptsUrl = new URL("/receipt/", url);

  async function createCredentials(options: CredentialOptions = {}): Promise<IssuedCredentials> {
    const { provisioned = true, expiration, capabilities = [...DEFAULT_CAPABILITIES] } = options;
    // The operator's own CLI agent (what `storacha space create` runs in), connected as the product connects.
    const operator = await createAgentClient(await Ed25519.generate(), { url, did, receiptsUrl });
    const space = await operator.createSpace("test-space", { skipGatewayAuthorization: true });
    await space.save();
    if (provisioned) {
      // An account (did:mailto) adds the service as the space's provider.
      const account = Absentee.from({ id: `did:mailto:example.com:${space.did().slice(-12).toLowerCase()}` });
      const result = await provisionProvider({
        service: context.service,
        agent: await Ed25519.generate(),
        space,
        account,
        connection: context.connection,
      });
      if (result.out.error)
        throw new Error(`provider/add failed: ${result.out.error.message}`, { cause: result.out.error });
    }
    // `storacha key create`
    const ci = await Ed25519.generate();
    // `storacha delegation create <ci did> -c … [--expiration …] --base64`
    const delegation = await operator.createDelegation(
      ci,
      capabilities as Parameters<typeof operator.createDelegation>[1],
      // The CLI's default is no expiry; ucanto's own default would be now + 30 s.
      { expiration: expiration ?? Infinity },
    );
    // Byte for byte what the CLI prints with --base64: a root-less CAR of the
    // delegation's exported blocks (the delegation last), wrapped in an
    // identity CID with the CAR codec, multibase base64 ("m…").
    const { writer, out } = CarWriter.create();
    const collected = (async () => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of out) chunks.push(chunk);
      return new Uint8Array(Buffer.concat(chunks));
    })();
    // (ucanto's Block and @ipld/car's Block come from different multiformats typings.)
    for (const block of delegation.export())
      await writer.put(block as unknown as Parameters<typeof writer.put>[0]);
    await writer.close();
    const proof = CID.createV1(CAR_CODE, identity.digest(await collected)).toString(base64);
    return { principal: Ed25519.format(ci), proof, space: space.did() };
  }

  async function uploads(space: string): Promise<Array<{ root: string; shards: string[] }>> {
    const list = await context.uploadTable.list(space);
    if (list.error) throw list.error;
    return list.ok.results.map((item) => ({
      root: item.root.toString(),
      shards: (item.shards ?? []).map(String),
    }));
  }

  async function blobs(space: string): Promise<StoredBlob[]> {
    const entries = await context.registry.entries(space);
    if (entries.error) throw entries.error;
    return entries.ok.results.map(({ blob }) => ({
      digest: base58btc.encode(blob.digest.bytes),
      cid: CID.createV1(CAR_CODE, blob.digest).toString(),
      size: blob.size,
    }));
  }

  async function readBlob(blob: string): Promise<Uint8Array | undefined> {
    const result = await context.blobRetriever.stream(parseDigest(blob));
    if (result.error) return undefined;
    return new Uint8Array(await new Response(result.ok).arrayBuffer());
  }

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      await closeServer(server);
      await cleanupContext(context).catch((error: unknown) => errors.push(error));
      await Promise.all(servers.map(closeServer));
    })();
    return closing;
  }

  return { url, did, receiptsUrl, createCredentials, uploads, blobs, readBlob, errors, puts, close };
}
