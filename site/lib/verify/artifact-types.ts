/**
 * The escrow's compiled artifact as the site publishes it (`escrow/artifact.json`, next to
 * `escrow/metadata.json` and `escrow/sources/**`): what a verifier needs to check the code on
 * chain without a compiler. Written at build time by site/lib/verify/escrow-artifact.ts, read
 * by the verifier in the browser and in Node. Pure module, no dependencies: the verify page
 * loads it, and a hand-written check keeps a schema library out of that chunk.
 */

/** One place in the runtime code where solc left 32 zero bytes for an immutable's value. */
export interface ImmutableReference {
  /** Byte offset into the runtime code. */
  start: number;
  /** Always 32: immutables are stored as whole words. */
  length: number;
}

/** An immutable state variable of the contract, as its AST declares it. */
export interface ImmutableVariable {
  /** The variable's name in the source (`token`, `goalBackers`, …). */
  name: string;
  /** Its AST node id: the key of its offsets in {@link EscrowArtifact.immutableReferences}. */
  astId: number;
  /** Its ABI type, as written into the code (a contract type is an `address`). */
  type: string;
}

export interface EscrowArtifact {
  contractName: string;
  /** The contract's source as the metadata names it (Hardhat 3: `project/contracts/CampaignEscrow.sol`). */
  sourceName: string;
  /** solc's long version, `0.8.28+commit.7893614a`. */
  solcVersion: string;
  /** The runtime code with every immutable zeroed, as solc outputs it, 0x-prefixed hex. */
  deployedBytecode: string;
  /** AST id (as a decimal string) → the offsets of that immutable in the runtime code. */
  immutableReferences: Record<string, ImmutableReference[]>;
  /** Every immutable with offsets in the code, in declaration order. */
  immutables: ImmutableVariable[];
  /** The file next to artifact.json holding solc's metadata JSON, byte for byte: `metadata.json`. */
  metadata: string;
  /**
   * Source name as the metadata lists it → the file next to artifact.json with its exact bytes
   * (`sources/<name>`).
   */
  sources: Record<string, string>;
}

/** What {@link parseEscrowArtifact} throws: says which field is wrong and how. */
export class ArtifactError extends Error {
  override name = "ArtifactError";
}

/** The ABI types an immutable can have (value types only: an immutable is one word). */
const VALUE_TYPE =
  /^(address|bool|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)|bytes([1-9]|[12][0-9]|3[0-2]))$/;

/**
 * Whether `path` is a plain relative file path, safe to resolve next to artifact.json: `/`
 * separators, no empty, `.` or `..` segment, no backslash, NUL or leading `/`.
 */
export function isPlainRelativePath(path: string): boolean {
  if (path === "" || path.includes("\\") || path.includes("\0") || path.startsWith("/")) return false;
  return path.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

function fail(field: string, problem: string): never {
  throw new ArtifactError(`The escrow artifact's ${field} ${problem}.`);
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    fail(field, "is not a JSON object");
  return value as Record<string, unknown>;
}

function string(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") fail(field, "is not a non-empty string");
  return value;
}

function offset(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
    fail(field, "is not a whole number");
  return value;
}

/**
 * Checks that `json` (the parsed `escrow/artifact.json`, or its text) is an {@link EscrowArtifact}
 * whose parts fit together: hex code, every immutable's 32-byte slots inside the code and not
 * overlapping, every immutable named and typed, source files under `sources/`. Throws an
 * {@link ArtifactError} naming the first field that is wrong.
 */
export function parseEscrowArtifact(json: unknown): EscrowArtifact {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch {
      throw new ArtifactError("The escrow artifact is not valid JSON.");
    }
  }
  const input = record(value, "top level");
  const contractName = string(input.contractName, "contractName");
  const sourceName = string(input.sourceName, "sourceName");
  const solcVersion = string(input.solcVersion, "solcVersion");
  if (!/^\d+\.\d+\.\d+\+commit\.[0-9a-f]{8}$/.test(solcVersion))
    fail("solcVersion", `"${solcVersion}" is not a solc long version (0.8.28+commit.7893614a)`);

  const deployedBytecode = string(input.deployedBytecode, "deployedBytecode");
  if (!/^0x([0-9a-fA-F]{2})+$/.test(deployedBytecode))
    fail("deployedBytecode", "is not 0x-prefixed hex of whole bytes");
  const codeLength = (deployedBytecode.length - 2) / 2;

  const references = record(input.immutableReferences, "immutableReferences");
  const immutableReferences: Record<string, ImmutableReference[]> = {};
  const taken: [number, number, string][] = [];
  for (const [astId, list] of Object.entries(references)) {
    const field = `immutableReferences["${astId}"]`;
    if (!/^(0|[1-9][0-9]*)$/.test(astId)) fail(field, "has a key that is not an AST id");
    if (!Array.isArray(list) || list.length === 0) fail(field, "is not a non-empty list of offsets");
    immutableReferences[astId] = list.map((entry, index) => {
      const at = `${field}[${index}]`;
      const slot = record(entry, at);
      const start = offset(slot.start, `${at}.start`);
      const length = offset(slot.length, `${at}.length`);
      if (length !== 32) fail(`${at}.length`, "is not 32");
      if (start + length > codeLength) fail(at, `reaches past the end of the ${codeLength}-byte code`);
      const overlap = taken.find(([from, to]) => start < to && from < start + length);
      if (overlap !== undefined) fail(at, `overlaps ${overlap[2]}`);
      taken.push([start, start + length, at]);
      return { start, length };
    });
  }

  if (!Array.isArray(input.immutables)) fail("immutables", "is not a list");
  const immutables = input.immutables.map((entry: unknown, index: number): ImmutableVariable => {
    const at = `immutables[${index}]`;
    const variable = record(entry, at);
    const name = string(variable.name, `${at}.name`);
    const astId = offset(variable.astId, `${at}.astId`);
    const type = string(variable.type, `${at}.type`);
    if (!VALUE_TYPE.test(type)) fail(`${at}.type`, `"${type}" is not an ABI value type`);
    if (immutableReferences[String(astId)] === undefined)
      fail(`${at}.astId`, `${astId} has no offsets in immutableReferences`);
    return { name, astId, type };
  });
  for (const astId of Object.keys(immutableReferences)) {
    if (!immutables.some((variable) => String(variable.astId) === astId))
      fail(`immutableReferences["${astId}"]`, "belongs to no listed immutable");
  }
  const names = immutables.map(({ name }) => name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) fail("immutables", `list "${twice}" twice`);

  const metadata = string(input.metadata, "metadata");
  if (!isPlainRelativePath(metadata)) fail("metadata", `"${metadata}" is not a relative file path`);

  const sourceFiles = record(input.sources, "sources");
  const sources: Record<string, string> = {};
  for (const [name, file] of Object.entries(sourceFiles)) {
    const path = string(file, `sources["${name}"]`);
    if (!path.startsWith("sources/") || !isPlainRelativePath(path))
      fail(`sources["${name}"]`, `"${path}" is not a relative file path under sources/`);
    sources[name] = path;
  }
  if (sources[sourceName] === undefined)
    fail("sources", `do not include the contract's own source ${sourceName}`);

  return {
    contractName,
    sourceName,
    solcVersion,
    deployedBytecode,
    immutableReferences,
    immutables,
    metadata,
    sources,
  };
}
