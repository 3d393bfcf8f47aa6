/**
 * The runtime code check: the artifact's code with its immutables filled from the manifest's
 * parameters, compared byte for byte with the code on chain, and the CBOR trailer solc appends
 * to the code (the metadata's IPFS hash and the compiler version) decoded. Pure module (ethers
 * for ABI words and base58 only): the verify page and `npm run verify` both run it.
 *
 * The CBOR reader is this file's own, not `@ethereum-sourcify/bytecode-utils` (23 KB gzip): solc
 * writes one small map of text keys to byte strings, text and booleans, and reading that takes a
 * few lines.
 */
import { AbiCoder, encodeBase58, getBytes, hexlify } from "ethers";
import type { EscrowArtifact, ImmutableVariable } from "./artifact-types.ts";

/** The value of each immutable, by its name in the source (`token`, `goalBackers`, …). */
export type ImmutableValues = Readonly<Record<string, string | number | bigint>>;

/** The escrow's five constructor values, as the manifest states them. */
export interface EscrowParameters {
  token: string;
  beneficiary: string;
  goalBackers: number | bigint;
  minPledge: string | bigint;
  deadline: number | bigint;
}

/**
 * One immutable whose value on chain is not the manifest's. Values as {@link formatImmutable} writes them.
 */
export interface ParameterDifference {
  name: string;
  manifest: string;
  chain: string;
}

export type CodeComparison =
  /** Every byte equal: the published code with the manifest's parameters and the published metadata. */
  | { kind: "exact" }
  /** The same code and parameters, another CBOR trailer (other metadata): Sourcify's partial match. */
  | { kind: "metadata-only" }
  /**
   * The code is the published code once the chain's own immutable values are used; these
   * parameters differ from the manifest's. `metadataDiffers`: the CBOR trailer differs too.
   */
  | { kind: "parameters"; differences: ParameterDifference[]; metadataDiffers: boolean }
  /** Other code: the first byte offset (in the runtime code) where it differs from the published code. */
  | { kind: "code-differs"; offset: number }
  /** No code at the address. */
  | { kind: "no-code" };

/** What solc's CBOR trailer says; a key it does not hold is absent. */
export interface CborMetadata {
  /** The metadata JSON's IPFS hash, CIDv0 (`Qm…`). */
  ipfs?: string;
  /** The compiler version, `0.8.28` (a release) or the full version text (a prerelease build). */
  solc?: string;
}

const coder = AbiCoder.defaultAbiCoder();

/** The ABI type an immutable's value is written as: a contract type is an address. */
function abiType(variable: ImmutableVariable): string {
  return /^contract |^interface |^address payable$/.test(variable.type) ? "address" : variable.type;
}

function valueFor(variable: ImmutableVariable, values: ImmutableValues): string | number | bigint {
  const value = values[variable.name];
  if (value === undefined) throw new RangeError(`No value given for the immutable ${variable.name}.`);
  return value;
}

/** The 32-byte word solc stores for `value` (an ABI-encoded value type). */
function encodeImmutable(variable: ImmutableVariable, value: string | number | bigint): Uint8Array {
  const type = abiType(variable);
  try {
    return getBytes(
      coder.encode([type], [type.startsWith("uint") || type.startsWith("int") ? BigInt(value) : value]),
    );
  } catch {
    throw new RangeError(`The value given for ${variable.name} is not a valid ${type}.`);
  }
}

/**
 * How a value of `variable` is written in a report: an address checksummed, a number in
 * decimal. A word that is not a clean ABI encoding of its type is shown as the raw hex word.
 */
function formatImmutable(variable: ImmutableVariable, word: Uint8Array): string {
  const type = abiType(variable);
  try {
    const [value] = coder.decode([type], word) as unknown as [unknown];
    if (hexlify(coder.encode([type], [value])) !== hexlify(word)) return hexlify(word);
    return typeof value === "bigint" ? value.toString() : String(value);
  } catch {
    return hexlify(word);
  }
}

/** The escrow's immutables from the manifest's section, by their names in the source. */
export function manifestParameters(escrow: {
  token: { address: string };
  beneficiary: string;
  goalBackers: number;
  minPledge: string;
  deadline: number;
}): EscrowParameters {
  return {
    token: escrow.token.address,
    beneficiary: escrow.beneficiary,
    goalBackers: escrow.goalBackers,
    minPledge: escrow.minPledge,
    deadline: escrow.deadline,
  };
}

function offsetsOf(artifact: EscrowArtifact, variable: ImmutableVariable): number[] {
  return (artifact.immutableReferences[String(variable.astId)] ?? []).map((reference) => reference.start);
}

function fill(artifact: EscrowArtifact, words: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const code = getBytes(artifact.deployedBytecode).slice();
  for (const variable of artifact.immutables) {
    const word = words.get(variable.name);
    if (word === undefined) throw new RangeError(`No value given for the immutable ${variable.name}.`);
    for (const start of offsetsOf(artifact, variable)) code.set(word, start);
  }
  return code;
}

/**
 * The runtime code the chain should hold: the artifact's code with each immutable's value
 * ABI-encoded into every one of its 32-byte slots. Throws a RangeError for a missing or invalid value.
 */
export function expectedRuntimeCode(
  artifact: EscrowArtifact,
  params: EscrowParameters | ImmutableValues,
): Uint8Array {
  const values = params as ImmutableValues;
  return fill(
    artifact,
    new Map(
      artifact.immutables.map((variable) => [
        variable.name,
        encodeImmutable(variable, valueFor(variable, values)),
      ]),
    ),
  );
}

/**
 * Where solc's CBOR trailer starts: its length is the code's last two bytes (big-endian), and
 * the trailer must be a CBOR map. `code.length` when there is none.
 */
export function cborStart(code: Uint8Array): number {
  if (code.length < 2) return code.length;
  const length = (code[code.length - 2] << 8) | code[code.length - 1];
  const start = code.length - 2 - length;
  if (length === 0 || start < 0 || code[start] >> 5 !== 5) return code.length;
  return start;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) if (a[index] !== b[index]) return index;
  return length;
}

/**
 * Compares the code on chain with the published code filled with `params` (the manifest's).
 * When they differ it says how: only in the CBOR trailer (partial match); in some parameters
 * only (the code is equal once the values the chain's code holds at the immutables' first
 * offsets are used, and those values are named); or elsewhere (the first differing offset).
 */
export function compareRuntimeCode(
  artifact: EscrowArtifact,
  params: EscrowParameters | ImmutableValues,
  onChain: Uint8Array,
): CodeComparison {
  if (onChain.length === 0) return { kind: "no-code" };
  const expected = expectedRuntimeCode(artifact, params);
  if (equalBytes(expected, onChain)) return { kind: "exact" };

  const codeEnd = cborStart(expected);
  const chainCodeEnd = cborStart(onChain);
  // The chain's own values, where the published code keeps them: filled in, any other difference is in the
  // code.
  const chainWords = new Map<string, Uint8Array>();
  for (const variable of artifact.immutables) {
    const start = offsetsOf(artifact, variable)[0];
    // Past the end of shorter code the manifest's value stands in: the length differs anyway.
    const word =
      start + 32 <= chainCodeEnd ? onChain.slice(start, start + 32) : expected.slice(start, start + 32);
    chainWords.set(variable.name, word);
  }
  const withChainValues = fill(artifact, chainWords);
  const chainBody = onChain.subarray(0, chainCodeEnd);
  const body = withChainValues.subarray(0, codeEnd);
  if (!equalBytes(body, chainBody)) return { kind: "code-differs", offset: firstDifference(body, chainBody) };

  const metadataDiffers = !equalBytes(expected.subarray(codeEnd), onChain.subarray(chainCodeEnd));
  const differences: ParameterDifference[] = [];
  for (const variable of artifact.immutables) {
    const start = offsetsOf(artifact, variable)[0];
    const manifestWord = expected.subarray(start, start + 32);
    const chainWord = chainWords.get(variable.name)!;
    if (!equalBytes(manifestWord, chainWord)) {
      differences.push({
        name: variable.name,
        manifest: formatImmutable(variable, manifestWord),
        chain: formatImmutable(variable, chainWord),
      });
    }
  }
  if (differences.length > 0) return { kind: "parameters", differences, metadataDiffers };
  return { kind: "metadata-only" };
}

class CborError extends Error {}

/** A reader for the subset of CBOR solc writes: unsigned ints, byte and text strings, maps, booleans. */
function readCbor(bytes: Uint8Array): unknown {
  let at = 0;
  const byte = (): number => {
    if (at >= bytes.length) throw new CborError();
    return bytes[at++];
  };
  const argument = (info: number): number => {
    if (info < 24) return info;
    const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : 0;
    if (size === 0) throw new CborError();
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + byte();
    return value;
  };
  const item = (depth: number): unknown => {
    if (depth > 4) throw new CborError();
    const initial = byte();
    const major = initial >> 5;
    const info = initial & 31;
    switch (major) {
      case 0:
        return argument(info);
      case 2:
      case 3: {
        const length = argument(info);
        if (at + length > bytes.length) throw new CborError();
        const content = bytes.subarray(at, (at += length));
        return major === 2 ? content : new TextDecoder("utf-8", { fatal: true }).decode(content);
      }
      case 5: {
        const map = new Map<unknown, unknown>();
        for (let count = argument(info); count > 0; count--) map.set(item(depth + 1), item(depth + 1));
        return map;
      }
      case 7:
        if (info === 20) return false;
        if (info === 21) return true;
        throw new CborError();
      default:
        throw new CborError();
    }
  };
  try {
    const value = item(0);
    return at === bytes.length ? value : undefined;
  } catch (error) {
    if (error instanceof CborError || error instanceof TypeError) return undefined;
    throw error;
  }
}

/**
 * Decodes the CBOR trailer solc appends to the runtime code: `ipfs` (a 34-byte sha2-256
 * multihash, written as a CIDv0) and `solc` (three version bytes, or text for a prerelease).
 * Code without a readable trailer gives `{}`.
 */
export function decodeCbor(runtimeCode: Uint8Array): CborMetadata {
  const start = cborStart(runtimeCode);
  if (start === runtimeCode.length) return {};
  const map = readCbor(runtimeCode.subarray(start, runtimeCode.length - 2));
  if (!(map instanceof Map)) return {};
  const result: CborMetadata = {};
  const ipfs: unknown = map.get("ipfs");
  if (ipfs instanceof Uint8Array && ipfs.length === 34 && ipfs[0] === 0x12 && ipfs[1] === 0x20)
    result.ipfs = encodeBase58(ipfs);
  const solc: unknown = map.get("solc");
  if (solc instanceof Uint8Array && solc.length === 3) result.solc = `${solc[0]}.${solc[1]}.${solc[2]}`;
  else if (typeof solc === "string") result.solc = solc;
  return result;
}
