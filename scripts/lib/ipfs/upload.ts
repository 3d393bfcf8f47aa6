/**
 * Uploads a file or a directory through the Storacha (w3up) client and checks, shard by shard
 * and then for the root, that what was stored is exactly what {@link encodeFile} /
 * {@link encodeDirectory} computed locally. Any difference fails loudly. Where the delegation
 * also grants `upload/get`, the service is asked what it recorded, and that is checked too.
 */
import * as DID from "@ipld/dag-ucan/did";
import * as Client from "@storacha/client";
import { StoreMemory } from "@storacha/client/stores/memory";
import type { CARMetadata } from "@storacha/client/types";
import { connect } from "@ucanto/client";
import { CAR, HTTP } from "@ucanto/transport";
import * as Link from "multiformats/link";
import { covers, type Credentials } from "./credentials.ts";
import type { Encoded, EncoderFile } from "./encode.ts";

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
    receiptsUrl: new URL(env[RECEIPTS_URL_ENV] ?? new URL("receipt/", url.href.endsWith("/") ? url : `${url.href}/`).href),
  };
}

/** What to upload: one file (the pilot) or the files of one directory (the site). */
export type UploadContent = { kind: "file"; file: File } | { kind: "directory"; files: EncoderFile[] };

/** The service stored something other than what was computed locally. */
export class CidMismatchError extends Error {
  constructor(what: string, expected: string, actual: string) {
    super(
      `${what}: the locally computed CID is ${expected} but the upload produced ${actual}. ` +
        "The file changed during the upload, or the client's encoder differs from the local one; nothing should be published with these CIDs.",
    );
    this.name = "CidMismatchError";
  }
}

/** The upload failed part-way: which shards the service already holds, and what to do. */
export class UploadInterruptedError extends Error {
  readonly stored: readonly string[];
  constructor(stored: readonly string[], total: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `the upload stopped after ${stored.length} of ${total} CAR shard(s) were stored${stored.length > 0 ? ` (${stored.join(", ")})` : ""}: ${reason}\n` +
        "Run the same command again to resume: the CIDs are the same every time, and shards the service already holds are not sent again.",
      { cause },
    );
    this.name = "UploadInterruptedError";
    this.stored = stored;
  }
}

export interface UploadResult {
  root: string;
  shards: string[];
  /** Which of the service's own records were read back and compared: `upload/get` (the root), `upload/shard/list` (the shards). */
  serviceChecked: string[];
}

export interface UploadOptions {
  /** A shard is stored: `(index from 1, total, shard cid, bytes)`. */
  onShardStored?: (index: number, total: number, cid: string, bytes: number) => void;
}

/** A Storacha client acting as the agent in `credentials`, on the space it delegates, talking to `service`. */
export async function connectClient(credentials: Credentials, service: ServiceEndpoint): Promise<Client.Client> {
  const connection = connect({
    id: DID.parse(service.did),
    codec: CAR.outbound,
    channel: HTTP.open<Record<string, never>>({ url: service.url, method: "POST" }),
  });
  const client = await Client.create({
    principal: credentials.principal,
    store: new StoreMemory(),
    // One service answers every part of the protocol, as up.storacha.network does.
    serviceConf: { access: connection, upload: connection, filecoin: connection, gateway: connection } as never,
    receiptsEndpoint: service.receiptsUrl,
  });
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
    const link =
      content.kind === "file"
        ? await client.uploadFile(content.file, { onShardStored })
        : await client.uploadDirectory(content.files, { onShardStored });
    root = link.toString();
  } catch (error) {
    const cause = error instanceof CidMismatchError ? error : (error as Error).cause instanceof CidMismatchError ? (error as Error).cause : undefined;
    if (cause !== undefined) throw cause;
    throw new UploadInterruptedError(stored, total, error);
  }
  if (root !== expected.root) throw new CidMismatchError("root", expected.root, root);
  if (stored.length !== total) throw new CidMismatchError("shard count", String(total), String(stored.length));

  const may = (ability: string) => credentials.abilities.some((granted) => covers(granted, ability));
  const serviceChecked: string[] = [];
  const rootLink = Link.parse(root);
  if (may("upload/get")) {
    const record = await client.capability.upload.get(rootLink);
    if (record.root.toString() !== expected.root) throw new CidMismatchError("root recorded by the service", expected.root, record.root.toString());
    serviceChecked.push("upload/get");
  }
  // The client asks for an upload/list proof to list an upload's shards.
  if (may("upload/shard/list") && may("upload/list")) {
    const recorded: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.capability.upload.shard.list(rootLink, cursor === undefined ? {} : { cursor });
      recorded.push(...page.results.map(String));
      cursor = page.cursor;
    } while (cursor !== undefined && recorded.length < total);
    if (recorded.join(",") !== stored.join(",")) throw new CidMismatchError("shards recorded by the service", stored.join(", "), recorded.join(", "));
    serviceChecked.push("upload/shard/list");
  }
  return { root, shards: stored, serviceChecked };
}
