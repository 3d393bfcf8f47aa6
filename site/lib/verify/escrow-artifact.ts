/**
 * The escrow's verification artifact (site/lib/verify/artifact-types.ts) and the files it names,
 * as the site publishes them under `escrow/`: taken from Hardhat's build, plus solc's metadata.
 *
 * Hardhat 3 keeps no metadata JSON, and the metadata is what the runtime code commits to (its
 * IPFS hash is in the CBOR at the code's end). So the build-info's std-JSON input is compiled
 * again with the npm `solc` of the same version, asking for the metadata: the same input and
 * settings give the same metadata (outputSelection is not part of it, so only CampaignEscrow is
 * compiled, with its AST). The recompiled runtime code must equal Hardhat's, or nothing is
 * published. That compilation takes seconds, so its result is cached under
 * `cache/peerpilot-verify/`, keyed by the build-info's id (a hash of its input and compiler).
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  parseEscrowArtifact,
  type EscrowArtifact,
  type ImmutableReference,
  type ImmutableVariable,
} from "./artifact-types.ts";

/** The contract a campaign deploys, as Hardhat names its artifact. */
const ESCROW_CONTRACT = {
  sourceName: "contracts/CampaignEscrow.sol",
  contractName: "CampaignEscrow",
} as const;

/** Where the recompiled metadata is cached, under the repository. */
export const CACHE_DIR = "cache/peerpilot-verify";

/** Bump when what is cached changes shape or meaning, so old entries are not read. */
const CACHE_FORMAT = 1;

/** What the build must be told to do when Hardhat's output is not there. */
const BUILD_FIRST = "run `npx hardhat build` first";

export class EscrowArtifactError extends Error {
  override name = "EscrowArtifactError";
}

/** The parts of Hardhat 3's artifact `artifacts/<sourceName>/<contractName>.json` read here. */
interface HardhatArtifact {
  contractName: string;
  inputSourceName: string;
  deployedBytecode: string;
  immutableReferences?: Record<string, ImmutableReference[]>;
  buildInfoId: string;
}

/** Hardhat 3's build-info (`artifacts/build-info/<id>.json`): the std-JSON input solc was given. */
interface BuildInfo {
  id: string;
  solcVersion: string;
  solcLongVersion: string;
  input: {
    language: string;
    sources: Record<string, { content?: string }>;
    settings: Record<string, unknown>;
  };
}

/** What the recompilation gives, cached per build-info. */
interface Compiled {
  format: number;
  buildInfoId: string;
  solcVersion: string;
  /** solc's metadata string, exactly. */
  metadata: string;
  deployedBytecode: string;
  immutableReferences: Record<string, ImmutableReference[]>;
  immutables: ImmutableVariable[];
}

/** The npm `solc` (solcjs): loaded only when something must be compiled (the module is 8 MB of wasm). */
interface Solc {
  version(): string;
  compile(input: string): string;
}

/** An AST node of solc's compact JSON AST, as far as it is read here. */
interface AstNode {
  nodeType: string;
  id: number;
  name?: string;
  mutability?: string;
  typeDescriptions?: { typeString?: string };
  nodes?: AstNode[];
}

async function readJson<T>(path: string, missing: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new EscrowArtifactError(`${missing} (${path} does not exist): ${BUILD_FIRST}.`);
    throw error;
  }
  return JSON.parse(text) as T;
}

/** The `0x`-prefixed, lower-case form of hex code with or without the prefix. */
function hex0x(code: string): string {
  return (code.startsWith("0x") ? code : `0x${code}`).toLowerCase();
}

/**
 * The ABI type of an immutable from its AST type string: a contract or interface (`contract
 * IERC20`) is stored as its address; enums would be uint8, but an escrow parameter is none.
 */
function abiType(typeString: string | undefined, name: string): string {
  if (typeString === undefined)
    throw new EscrowArtifactError(`The AST gives no type for the immutable ${name}.`);
  if (/^contract /.test(typeString)) return "address";
  if (typeString === "address payable") return "address";
  return typeString;
}

/** The immutable state variables of `contractName` in declaration order, from its source's AST. */
function immutablesOf(ast: AstNode, contractName: string): ImmutableVariable[] {
  const contract = ast.nodes?.find(
    (node) => node.nodeType === "ContractDefinition" && node.name === contractName,
  );
  if (contract === undefined) throw new EscrowArtifactError(`The AST has no contract ${contractName}.`);
  return (contract.nodes ?? [])
    .filter((node) => node.nodeType === "VariableDeclaration" && node.mutability === "immutable")
    .map((node) => ({
      name: node.name ?? "",
      astId: node.id,
      type: abiType(node.typeDescriptions?.typeString, node.name ?? String(node.id)),
    }));
}

/** Compiles the build-info's input again, for `contractName` only, with its metadata and AST. */
function recompile(buildInfo: BuildInfo, sourceName: string, contractName: string): Compiled {
  const solc = createRequire(import.meta.url)("solc") as Solc;
  // solcjs says `0.8.28+commit.7893614a.Emscripten.clang`: the same compiler, built to wasm.
  if (solc.version().replace(/\.Emscripten\.clang$/, "") !== buildInfo.solcLongVersion) {
    throw new EscrowArtifactError(
      `Hardhat compiled ${contractName} with solc ${buildInfo.solcLongVersion}, but the npm solc installed is ${solc.version()}: install solc@${buildInfo.solcVersion} (npm install).`,
    );
  }
  const input = {
    ...buildInfo.input,
    settings: {
      ...buildInfo.input.settings,
      outputSelection: {
        [sourceName]: {
          "": ["ast"],
          [contractName]: [
            "metadata",
            "evm.deployedBytecode.object",
            "evm.deployedBytecode.immutableReferences",
          ],
        },
      },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    sources?: Record<string, { ast: AstNode }>;
    contracts?: Record<
      string,
      Record<
        string,
        {
          metadata: string;
          evm: {
            deployedBytecode: { object: string; immutableReferences?: Record<string, ImmutableReference[]> };
          };
        }
      >
    >;
  };
  const errors = (output.errors ?? []).filter(({ severity }) => severity === "error");
  if (errors.length > 0)
    throw new EscrowArtifactError(
      `solc could not compile Hardhat's input again:\n${errors.map((e) => e.formattedMessage).join("\n")}`,
    );
  const compiled = output.contracts?.[sourceName]?.[contractName];
  const ast = output.sources?.[sourceName]?.ast;
  if (compiled === undefined || ast === undefined)
    throw new EscrowArtifactError(`solc's output has no ${contractName} in ${sourceName}.`);
  return {
    format: CACHE_FORMAT,
    buildInfoId: buildInfo.id,
    solcVersion: buildInfo.solcLongVersion,
    metadata: compiled.metadata,
    deployedBytecode: hex0x(compiled.evm.deployedBytecode.object),
    immutableReferences: compiled.evm.deployedBytecode.immutableReferences ?? {},
    immutables: immutablesOf(ast, contractName),
  };
}

/** The cached compilation for `buildInfoId`, if there is one of this format. */
async function readCache(path: string, buildInfoId: string): Promise<Compiled | undefined> {
  try {
    const cached = JSON.parse(await readFile(path, "utf8")) as Compiled;
    return cached.format === CACHE_FORMAT && cached.buildInfoId === buildInfoId ? cached : undefined;
  } catch {
    return undefined;
  }
}

/** Writes through a temporary file and a rename, so a concurrent build never reads half a file. */
async function writeCache(path: string, compiled: Compiled): Promise<void> {
  const dir = join(path, "..");
  await mkdir(dir, { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, JSON.stringify(compiled));
  await rename(temporary, path);
}

/** Same offsets for the same AST ids, whatever the order. */
function sameReferences(
  a: Record<string, ImmutableReference[]>,
  b: Record<string, ImmutableReference[]>,
): boolean {
  const canonical = (refs: Record<string, ImmutableReference[]>) =>
    JSON.stringify(
      Object.keys(refs)
        .sort()
        .map((id) => [id, refs[id].map(({ start, length }) => [start, length]).sort((x, y) => x[0] - y[0])]),
    );
  return canonical(a) === canonical(b);
}

/**
 * The files to publish under `escrow/`, by their path there: `artifact.json` (an
 * {@link EscrowArtifact}), `metadata.json` (solc's metadata, byte for byte) and
 * `sources/<name>` for every source the metadata lists (the exact bytes solc hashed), taken from
 * Hardhat's build under `root` (default: the working directory, as for the manifest). Fails,
 * saying what to run, when Hardhat's output is missing; fails when the recompiled code is not
 * Hardhat's.
 */
export async function escrowArtifactFiles(
  root = process.cwd(),
): Promise<Map<string, Uint8Array<ArrayBuffer>>> {
  const { sourceName, contractName } = ESCROW_CONTRACT;
  const artifacts = join(root, "artifacts");
  const hardhat = await readJson<HardhatArtifact>(
    join(artifacts, sourceName, `${contractName}.json`),
    `Hardhat's artifact of ${contractName} is missing`,
  );
  const buildInfo = await readJson<BuildInfo>(
    join(artifacts, "build-info", `${hardhat.buildInfoId}.json`),
    `Hardhat's build-info for ${contractName} is missing`,
  );
  const inputSourceName = hardhat.inputSourceName;

  const cachePath = join(root, CACHE_DIR, `${buildInfo.id}.json`);
  let compiled = await readCache(cachePath, buildInfo.id);
  if (compiled === undefined) {
    compiled = recompile(buildInfo, inputSourceName, contractName);
    await writeCache(cachePath, compiled);
  }
  if (
    compiled.deployedBytecode !== hex0x(hardhat.deployedBytecode) ||
    !sameReferences(compiled.immutableReferences, hardhat.immutableReferences ?? {})
  ) {
    throw new EscrowArtifactError(
      `solc ${compiled.solcVersion} compiled ${contractName} to other runtime code than Hardhat's build did: the published metadata would not be the deployed code's. Delete ${CACHE_DIR}/ and artifacts/, then run \`npx hardhat build\` again.`,
    );
  }

  const metadata = JSON.parse(compiled.metadata) as { sources: Record<string, { keccak256: string }> };
  const encoder = new TextEncoder();
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  const sources: Record<string, string> = {};
  for (const name of Object.keys(metadata.sources)) {
    const content = buildInfo.input.sources[name]?.content;
    if (content === undefined)
      throw new EscrowArtifactError(
        `The metadata lists the source ${name}, which Hardhat's build-info does not hold.`,
      );
    sources[name] = `sources/${name}`;
    files.set(sources[name], encoder.encode(content));
  }
  const artifact: EscrowArtifact = parseEscrowArtifact({
    contractName,
    sourceName: inputSourceName,
    solcVersion: compiled.solcVersion,
    deployedBytecode: compiled.deployedBytecode,
    immutableReferences: compiled.immutableReferences,
    immutables: compiled.immutables,
    metadata: "metadata.json",
    sources,
  } satisfies EscrowArtifact);
  files.set("artifact.json", encoder.encode(`${JSON.stringify(artifact, null, 2)}\n`));
  files.set(artifact.metadata, encoder.encode(compiled.metadata));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
