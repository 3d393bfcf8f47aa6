/**
 * Uploads a file, a directory or CAR shards already written through the Storacha (w3up) client and checks,
 * shard by shard and then for the root, that what was stored is exactly what {@link encodeFile} /
 * {@link encodeDirectory} computed locally. Any difference fails loudly. Where the delegation
 * also grants `upload/get`, the service is asked for the upload it registered, and its root is
 * checked too.
 */
import * as DID from "@ipld/dag-ucan/did";
import * as Client from "@storacha/client";
import { StoreMemory } from "@storacha/client/stores/memory";
import type { CARMetadata } from "@storacha/client/types";
import { connect } from "@ucanto/client";
import { CAR, HTTP } from "@ucanto/transport";
import * as Link from "multiformats/link";
import { EXIT, UserError } from "../cli.ts";
import { covers, type Credentials } from "./credentials.ts";
import type { Encoded, EncoderFile } from "./encode.ts";
import { wasmPieceHasher } from "./piece-hasher.ts";

/** Where the upload service lives: Storacha's own by default, overridable like the storacha CLI's. */
export interface ServiceEndpoint {
  url: URL;
  /** The service's DID, which signs its receipts. */
  did: string;
  /** Base URL of `GET …/<task cid>` receipts. */
  receiptsUrl: URL;
}

export const SERVICE_URL_ENV = "STORACHA_SERVICE_URL";
export const SERVICE_DID_ENV = "STORACHA_SERVICE_DID";
export const RECEIPTS_URL_ENV = "STORACHA_RECEIPTS_URL";

/** The service in `env` (`STORACHA_SERVICE_URL`, `…_DID`, `STORACHA_RECEIPTS_URL`), else Storacha's. */
export function serviceFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceEndpoint {
  const url = new URL(env[SERVICE_URL_ENV] ?? "https://up.storacha.network");
  return {
    url,
    did: env[SERVICE_DID_ENV] ?? "did:web:up.storacha.network",
    receiptsUrl: new URL(
      env[RECEIPTS_URL_ENV] ?? new URL("receipt/", url.href.endsWith("/") ? url : `${url.href}/`).href,
    ),
  };
}

/**
 * What to upload: one file (the pilot) or the files of one directory (the site), encoded by the
 * client as it uploads; or CAR shards already written (the pilot pass), as one CAR
 * (car-files.ts `carFilesAsOne`), which the client cuts into the same shards again. `single`:
 * the shards are one CAR of content under one shard's size, which the client keeps whole.
 */
export type UploadContent =
  | { kind: "file"; file: File }
  | { kind: "directory"; files: EncoderFile[] }
  | { kind: "cars"; car: Blob; single: boolean };

/** The service stored something other than what was computed locally. */
export class CidMismatchError extends UserError {
  constructor(what: string, expected: string, actual: string) {
    super(
      `${what}: the locally computed CID is ${expected} but the upload produced ${actual}. ` +
        "The file changed during the upload, or the client's encoder differs from the local one; nothing was recorded, and nothing should be published with these CIDs.",
      EXIT.failure,
    );
    this.name = "CidMismatchError";
  }
}

/** An error and its `cause`s, outermost first (the service's errors arrive as plain objects). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let current = error;
    current !== undefined && current !== null && chain.length < 9;
    current = (current as { cause?: unknown }).cause
  ) {
    chain.push(current);
  }
  return chain;
}

/** Every message down an error's `cause` chain, outermost first, without repeats. */
export function causeMessages(error: unknown): string[] {
  const messages = causeChain(error).map((link) => {
    const message =
      typeof link === "object" && link !== null ? (link as { message?: unknown }).message : link;
    return typeof message === "string" || typeof message === "number" ? String(message) : "";
  });
  return [...new Set(messages.filter((message) => message !== ""))];
}

/** Whether an error named `name` is anywhere down the `cause` chain. */
function hasCause(error: unknown, name: string): boolean {
  return causeChain(error).some((link) => (link as { name?: unknown }).name === name);
}

/** The upload failed part-way: which shards the service already holds, and what to do. */
export class UploadInterruptedError extends UserError {
  readonly stored: readonly string[];
  constructor(stored: readonly string[], total: number, cause: unknown) {
    super(
      `the upload stopped after ${stored.length} of ${total} CAR shard(s) were stored${stored.length > 0 ? ` (${stored.join(", ")})` : ""}: ${causeMessages(cause).join(": ")}\n` +
        "Run the same command again to resume: the CIDs are the same every time, and shards the service already holds are not sent again.",
      EXIT.failure,
    );
    this.name = "UploadInterruptedError";
    this.stored = stored;
  }
}

/** What the service's refusal means for the producer, or undefined when it is not a known refusal. */
function explainRefusal(error: unknown, space: string): UserError | undefined {
  if (hasCause(error, "InsufficientStorage")) {
    return new UserError(
      `the space ${space} is not provisioned: no storage provider was added to it, so the service stores nothing there (${causeMessages(error).at(-1)}). ` +
        `Provision it with storacha space provision ${space} (or choose a plan for its account in the Storacha console), then run the same command again.`,
    );
  }
  for (const name of ["Unauthorized", "InvalidAudience", "Expired", "NotValidBefore", "Revoked"]) {
    if (hasCause(error, name)) {
      return new UserError(
        `the service refused the delegation in STORACHA_PROOF (${name}: ${causeMessages(error).at(-1)}): create a new one for this agent and space.`,
      );
    }
  }
  return undefined;
}

/**
 * Runs `work` with the client's retry warnings (it `console.warn`s every failed attempt, stack
 * and all) turned into one line each for `report`.
 */
async function withRetryReports<T>(report: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (attempt: unknown, ...rest: unknown[]) => {
    const { attemptNumber, retriesLeft } = (attempt ?? {}) as {
      attemptNumber?: number;
      retriesLeft?: number;
    };
    if (typeof attemptNumber !== "number") return warn(attempt, ...rest);
    report(
      `attempt ${attemptNumber} failed (${causeMessages(attempt).join(": ")}); ${retriesLeft ?? 0} retries left`,
    );
  };
  try {
    return await work();
  } finally {
    console.warn = warn;
  }
}

export interface UploadResult {
  root: string;
  shards: string[];
  /**
   * Which of the service's own records were read back and compared: `upload/get` (the root it registered).
   */
  serviceChecked: string[];
}

export interface UploadOptions {
  /** A shard is stored: `(index from 1, total, shard cid, bytes)`. */
  onShardStored?: (index: number, total: number, cid: string, bytes: number) => void;
  /** A request failed and will be retried: one line saying why. */
  onRetry?: (line: string) => void;
}

/** A Storacha client acting as `principal` (an agent key), talking to `service`, with no space yet. */
export async function createAgentClient(
  principal: Credentials["principal"],
  service: ServiceEndpoint,
): Promise<Client.Client> {
  const connection = connect({
    id: DID.parse(service.did),
    codec: CAR.outbound,
    channel: HTTP.open<Record<string, never>>({ url: service.url, method: "POST" }),
  });
  return Client.create({
    principal,
    store: new StoreMemory(),
    // One service answers every part of the protocol, as up.storacha.network does.
    serviceConf: {
      access: connection,
      upload: connection,
      filecoin: connection,
      gateway: connection,
    } as never,
    receiptsEndpoint: service.receiptsUrl,
  });
}

/**
 * A Storacha client acting as the agent in `credentials`, on the space it delegates, talking to `service`.
 */
export async function connectClient(
  credentials: Credentials,
  service: ServiceEndpoint,
): Promise<Client.Client> {
  const client = await createAgentClient(credentials.principal, service);
  const space = await client.addSpace(credentials.proof);
  await client.setCurrentSpace(space.did());
  return client;
}

/**
 * Uploads `content` and checks it against `expected`, the local encoding of the same content.
 * @throws CidMismatchError if a shard or the root differs; UploadInterruptedError on any failure
 *   after the upload began (with the shards already stored).
 */
export async function uploadAndVerify(
  credentials: Credentials,
  service: ServiceEndpoint,
  content: UploadContent,
  expected: Encoded,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const client = await connectClient(credentials, service);
  const stored: string[] = [];
  const total = expected.shards.length;
  const onShardStored = (meta: CARMetadata) => {
    const cid = meta.cid.toString();
    const want = expected.shards[stored.length];
    if (want === undefined || want.cid !== cid) {
      throw new CidMismatchError(`CAR shard ${stored.length + 1}`, want?.cid ?? "(no such shard)", cid);
    }
    stored.push(cid);
    options.onShardStored?.(stored.length, total, cid, meta.size);
  };
  let root: string;
  try {
    const link = await withRetryReports(options.onRetry ?? (() => undefined), () =>
      content.kind === "file"
        ? client.uploadFile(content.file, { onShardStored, pieceHasher: wasmPieceHasher })
        : content.kind === "cars"
          ? client.uploadCAR(content.car, {
              onShardStored,
              pieceHasher: wasmPieceHasher,
              rootCID: Link.parse(expected.root),
              ...(content.single ? { shardSize: Number.POSITIVE_INFINITY } : {}),
            })
          : client.uploadDirectory(content.files, { onShardStored, pieceHasher: wasmPieceHasher }),
    );
    root = link.toString();
  } catch (error) {
    const cause = (error as Error).cause;
    const mismatch =
      error instanceof CidMismatchError ? error : cause instanceof CidMismatchError ? cause : undefined;
    if (mismatch !== undefined) throw mismatch;
    throw explainRefusal(error, credentials.space) ?? new UploadInterruptedError(stored, total, error);
  }
  if (root !== expected.root) throw new CidMismatchError("root", expected.root, root);
  if (stored.length !== total)
    throw new CidMismatchError("shard count", String(total), String(stored.length));

  const may = (ability: string) => credentials.abilities.some((granted) => covers(granted, ability));
  const serviceChecked: string[] = [];
  const rootLink = Link.parse(root);
  if (may("upload/get")) {
    const record = await client.capability.upload.get(rootLink);
    if (record.root.toString() !== expected.root)
      throw new CidMismatchError("root recorded by the service", expected.root, record.root.toString());
    serviceChecked.push("upload/get");
  }
  return { root, shards: stored, serviceChecked };
}
