/**
 * The metadata chain, checked without a compiler: the IPFS hash (CIDv0) of the shipped metadata
 * JSON, computed as solc computes the one it writes into the code's CBOR trailer, and each
 * shipped source file's keccak256 against the metadata's `sources[*].keccak256`. Pure module:
 * the verify page and `npm run verify` both run it.
 */
import { encodeBase58, getBytes, keccak256, sha256 } from "ethers";
import { yieldToMain } from "./yield.ts";

/** solc's (and `ipfs add`'s default) chunk size. */
const CHUNK_SIZE = 256 * 1024;
/** Links per parent node in solc's balanced tree, as go-ipfs lays files out. */
const MAX_CHILDREN = 174;

/** A protobuf varint. */
function varint(n: number): Uint8Array {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Uint8Array.from(bytes);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    result.set(part, at);
    at += part.length;
  }
  return result;
}

/** A protobuf length-delimited field. */
function field(tag: number, bytes: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(tag), varint(bytes.length), bytes]);
}

interface Node {
  /** The block's sha2-256 multihash (34 bytes). */
  hash: Uint8Array;
  /** Bytes of file content under this node. */
  fileSize: number;
  /** Bytes of every block under this node, itself included (a dag-pb link's Tsize). */
  cumulativeSize: number;
}

function multihash(block: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(0x12, 0x20), getBytes(sha256(block))]);
}

/**
 * The IPFS hash solc writes into the code for a file of these bytes (libsolutil/IpfsHash.cpp):
 * a UnixFS file in dag-pb blocks, sha2-256, 256 KiB leaves holding their chunk, parents of up to
 * 174 links built bottom up; what `ipfs add --cid-version 0` gives for the same bytes. Written
 * as a CIDv0, `Qm…`.
 *
 * The few protobuf fields are written here rather than with @ipld/dag-pb and ipfs-unixfs: those
 * add 17 KB gzip to the verify page for what solc itself does in sixty lines; the tests check
 * this against ipfs-unixfs-importer.
 */
export function metadataCidV0(bytes: Uint8Array): string {
  let level: Node[] = [];
  for (let start = 0; start === 0 || start < bytes.length; start += CHUNK_SIZE) {
    const chunk = bytes.subarray(start, start + CHUNK_SIZE);
    // UnixFS Data { Type: File, Data: chunk (when not empty), filesize }, in a PBNode's Data.
    const unixfs = concat([
      Uint8Array.of(0x08, 0x02),
      chunk.length > 0 ? field(0x12, chunk) : new Uint8Array(),
      Uint8Array.of(0x18),
      varint(chunk.length),
    ]);
    const block = field(0x0a, unixfs);
    level.push({ hash: multihash(block), fileSize: chunk.length, cumulativeSize: block.length });
  }
  while (level.length > 1) {
    const next: Node[] = [];
    for (let from = 0; from < level.length; from += MAX_CHILDREN) {
      const children = level.slice(from, from + MAX_CHILDREN);
      const fileSize = children.reduce((sum, child) => sum + child.fileSize, 0);
      // PBLink { Hash, Name: "", Tsize } for each child, then UnixFS Data { Type: File, filesize, blocksizes
      // }.
      const links = children.map((child) =>
        field(
          0x12,
          concat([field(0x0a, child.hash), Uint8Array.of(0x12, 0x00, 0x18), varint(child.cumulativeSize)]),
        ),
      );
      const unixfs = concat([
        Uint8Array.of(0x08, 0x02, 0x18),
        varint(fileSize),
        ...children.map((child) => concat([Uint8Array.of(0x20), varint(child.fileSize)])),
      ]);
      const block = concat([...links, field(0x0a, unixfs)]);
      next.push({
        hash: multihash(block),
        fileSize,
        cumulativeSize: children.reduce((sum, child) => sum + child.cumulativeSize, block.length),
      });
    }
    level = next;
  }
  return encodeBase58(level[0].hash);
}

/** One source file the metadata lists, checked. */
export interface SourceCheck {
  /** The source's name as the metadata lists it. */
  name: string;
  /** The file's keccak256 matches the metadata's. */
  ok: boolean;
  /** The metadata's keccak256 (0x-prefixed, lowercase). */
  expected: string;
  /** The shipped file's keccak256; absent when no file was given for this name. */
  actual?: string;
}

/** Why metadata could not be read; says what is wrong, in our words. */
export class MetadataError extends Error {
  override name = "MetadataError";
}

/** The metadata JSON's `sources`: name → its keccak256 (and the source text, with `useLiteralContent`). */
function metadataSources(
  metadataJson: string | Uint8Array,
): Map<string, { keccak256: string; content?: string }> {
  let metadata: unknown;
  try {
    metadata = JSON.parse(
      typeof metadataJson === "string"
        ? metadataJson
        : new TextDecoder("utf-8", { fatal: true }).decode(metadataJson),
    );
  } catch {
    throw new MetadataError("The metadata file is not valid JSON.");
  }
  const sources = (metadata as { sources?: unknown } | null)?.sources;
  if (sources === null || typeof sources !== "object" || Array.isArray(sources))
    throw new MetadataError("The metadata file lists no sources.");
  const result = new Map<string, { keccak256: string; content?: string }>();
  for (const [name, entry] of Object.entries(sources)) {
    const { keccak256: hash, content } = (entry ?? {}) as { keccak256?: unknown; content?: unknown };
    if (typeof hash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(hash))
      throw new MetadataError(`The metadata gives no keccak256 for the source ${name}.`);
    result.set(name, { keccak256: hash.toLowerCase(), ...(typeof content === "string" ? { content } : {}) });
  }
  return result;
}

/**
 * Checks every source the metadata lists against its keccak256 there: the shipped file's bytes
 * from `files` (by source name), or the source text the metadata itself holds. One entry per
 * listed source, in the metadata's order; a file the metadata does not list is ignored. Yields
 * to the main thread between files (`pause`), so hashing many sources is never one long task.
 */
export async function checkSources(
  metadataJson: string | Uint8Array,
  files: Readonly<Record<string, Uint8Array>>,
  pause: () => Promise<void> = yieldToMain,
): Promise<SourceCheck[]> {
  const checks: SourceCheck[] = [];
  for (const [name, { keccak256: expected, content }] of metadataSources(metadataJson)) {
    if (checks.length > 0) await pause();
    const file = Object.hasOwn(files, name)
      ? files[name]
      : content === undefined
        ? undefined
        : new TextEncoder().encode(content);
    if (file === undefined) {
      checks.push({ name, ok: false, expected });
      continue;
    }
    const actual = keccak256(file);
    checks.push({ name, ok: actual === expected, expected, actual });
  }
  return checks;
}
