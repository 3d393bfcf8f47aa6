/**
 * Verifies a campaign against the chain, with no server of ours and no compiler: the escrow's
 * code byte for byte against the published artifact filled with the manifest's parameters, the
 * metadata chain (the code's metadata hash is the shipped metadata's, each shipped source hashes
 * to what the metadata lists), the parameters, state and token as every RPC reports them at one
 * block, and whether the RPCs agree. The verify page and `npm run verify` both run it.
 *
 * Every sentence in the report is ours: RPCs are named by host (a URL's path or query may hold
 * an API key) and nothing an RPC or a file loader writes is copied into it.
 */
import { getAddress, getBytes, hexlify, Interface, keccak256 } from "ethers";
import { ESCROW_ABI, TOKEN_ABI } from "../back/escrow-abi.ts";
import { CampaignState } from "../campaign-state.ts";
import type { Manifest } from "../manifest.ts";
import { ArtifactError, parseEscrowArtifact, type EscrowArtifact } from "./artifact-types.ts";
import {
  compareRuntimeCode,
  decodeCbor,
  expectedRuntimeCode,
  manifestParameters,
  type CodeComparison,
} from "./code.ts";
import { checkSources, metadataCidV0, MetadataError } from "./metadata.ts";
import {
  DEFAULT_RPC_OPTIONS,
  endpointHost,
  rpcBatch,
  RpcTransportError,
  type RpcAnswer,
  type RpcCall,
  type RpcOptions,
} from "./rpc.ts";
import { yieldToMain } from "./yield.ts";

/** The artifact's entry point, next to which everything else it names lies. */
const ARTIFACT_FILE = "artifact.json";

/** ERC-1967's implementation slot: `bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)`. */
const EIP1967_IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

export type RowStatus = "ok" | "differs" | "unreachable" | "info";

/** What one RPC answered for a row: its value, or why it has none (our words). */
export type RpcValue = { host: string; value: string } | { host: string; error: string };

export interface VerifyRow {
  /**
   * Stable key: `code`, `metadata`, `compiler`, `source:<name>`, `parameter:<name>`, `state`, `backers`,
   * `totalPledged`, `token:name`, …, `rpc:<host>`, `rpcs`.
   */
  check: string;
  /** What is checked, for people: "Goal (backers)". */
  label: string;
  status: RowStatus;
  /** What the manifest (or the published artifact) says. */
  manifest?: string;
  /** What the chain (or the shipped file) holds. */
  chain?: string;
  /** One or two sentences saying what was found. */
  detail: string;
  /** Each RPC's answer, for rows read from the chain. */
  perRpc?: RpcValue[];
}

export interface TrustItem {
  what: string;
  howToRecheck: string;
}

export type Verdict = "exact-match" | "partial-match" | "mismatch" | "unreachable";

export interface VerifyReport {
  /**
   * `exact-match`: every check agrees. `partial-match`: the code and everything read from the
   * chain agree, only the metadata differs. `mismatch`: something differs (see the rows).
   * `unreachable`: no RPC answered, so nothing on chain could be checked.
   */
  verdict: Verdict;
  /** The block every RPC was read at; `undefined` when no RPC answered. */
  block: bigint | undefined;
  /** The code comparison, when some RPC returned the code. */
  code: CodeComparison | undefined;
  rows: VerifyRow[];
  /** RPCs that could not be used (by host): the others were still checked. */
  unreachableHosts: string[];
  trust: TrustItem[];
}

export interface VerifyOptions {
  manifest: Manifest;
  /**
   * Reads a file of the published artifact by its path relative to `artifact.json` (`artifact.json`,
   * `metadata.json`, `sources/…`).
   */
  loadFile: (path: string) => Promise<Uint8Array>;
  /**
   * RPC URLs to read besides the manifest's `chain.rpcUrls` (the verifier's own node, say); duplicates are
   * read once.
   */
  rpcUrls?: readonly string[];
  /** Timeouts, batch size and `fetch`; defaults suit public endpoints. */
  rpc?: Partial<RpcOptions>;
}

/**
 * The artifact could not be loaded or is not an escrow artifact: nothing can be compared. The message is
 * ours.
 */
export class VerifyInputError extends Error {
  override name = "VerifyInputError";
}

const escrowAbi = new Interface(ESCROW_ABI);
const tokenAbi = new Interface(TOKEN_ABI);

const PARAMETERS = [
  { name: "token", label: "Token" },
  { name: "beneficiary", label: "Beneficiary" },
  { name: "goalBackers", label: "Goal (backers)" },
  { name: "minPledge", label: "Minimum first pledge (smallest token units)" },
  { name: "deadline", label: "Deadline (Unix time)" },
] as const;

const STATE_NAMES = new Map<bigint, string>(
  Object.entries(CampaignState).map(([name, value]) => [BigInt(value), name]),
);

/** Each value read from each RPC: a key, the call, and how its result becomes the text a row shows. */
interface Read {
  key: string;
  call: RpcCall;
  decode(result: unknown): string;
}

function hexResult(result: unknown): string {
  if (typeof result !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(result)) throw new Error("not hex");
  return result.toLowerCase();
}

function quantity(result: unknown): bigint {
  if (typeof result !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(result)) throw new Error("not a quantity");
  return BigInt(result);
}

function formatResult(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) return getAddress(value);
  return String(value);
}

function reads(manifest: Manifest, block: string): Read[] {
  const escrow = manifest.escrow.address;
  const token = manifest.escrow.token.address;
  const view = (
    key: string,
    abi: Interface,
    to: string,
    fn: string,
    show: (value: unknown) => string = formatResult,
  ): Read => ({
    key,
    call: { method: "eth_call", params: [{ to, data: abi.encodeFunctionData(fn) }, block] },
    decode: (result) => show(abi.decodeFunctionResult(fn, hexResult(result))[0]),
  });
  return [
    {
      key: "chainId",
      call: { method: "eth_chainId", params: [] },
      decode: (result) => quantity(result).toString(),
    },
    {
      key: "blockHash",
      call: { method: "eth_getBlockByNumber", params: [block, false] },
      decode: (result) => {
        const { hash, number } = (result ?? {}) as { hash?: unknown; number?: unknown };
        if (quantity(number) !== BigInt(block)) throw new Error("other block");
        if (typeof hash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(hash)) throw new Error("no hash");
        return hash.toLowerCase();
      },
    },
    { key: "code", call: { method: "eth_getCode", params: [escrow, block] }, decode: hexResult },
    ...PARAMETERS.map(({ name }) => view(`parameter:${name}`, escrowAbi, escrow, name)),
    view("state", escrowAbi, escrow, "state", (value) => {
      const state = value as bigint;
      return STATE_NAMES.get(state) ?? `unknown state ${state}`;
    }),
    view("backers", escrowAbi, escrow, "backers"),
    view("totalPledged", escrowAbi, escrow, "totalPledged"),
    view("token:name", tokenAbi, token, "name"),
    view("token:symbol", tokenAbi, token, "symbol"),
    view("token:decimals", tokenAbi, token, "decimals"),
    {
      key: "token:proxy",
      call: { method: "eth_getStorageAt", params: [token, EIP1967_IMPLEMENTATION_SLOT, block] },
      decode: (result) => {
        const word = hexResult(result);
        if (word.length !== 66) throw new Error("not a word");
        return word;
      },
    },
  ];
}

/** Why a read has no value, in our words: the RPC's error (code only) or an answer that does not decode. */
function readValue(read: Read, answer: RpcAnswer): { value: string } | { error: string } {
  if (!answer.ok) return { error: answer.error };
  const what =
    read.call.method === "eth_call" ? `${read.key.replace(/^(parameter|token):/, "")}()` : read.call.method;
  // What a call to an address without code (or without that function) returns.
  if (read.call.method === "eth_call" && answer.result === "0x")
    return { error: `returned nothing for ${what}` };
  try {
    return { value: read.decode(answer.result) };
  } catch {
    return { error: `sent an answer to ${what} that does not decode as its type` };
  }
}

interface RpcReading {
  url: string;
  host: string;
  /** Per read key; absent for an RPC that could not be used. */
  values?: Map<string, { value: string } | { error: string }>;
  /** Why the RPC could not be used at all. */
  failure?: string;
}

/** The host of each URL, made unique (`host`, `host (2)`) so two URLs on one host stay apart. */
function hostsOf(urls: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return urls.map((url) => {
    const host = endpointHost(url);
    const count = (seen.get(host) ?? 0) + 1;
    seen.set(host, count);
    return count === 1 ? host : `${host} (${count})`;
  });
}

async function headOf(url: string, options: RpcOptions): Promise<{ block: bigint } | { failure: string }> {
  try {
    const [answer] = await rpcBatch(url, [{ method: "eth_blockNumber", params: [] }], options);
    if (!answer.ok) return { failure: answer.error };
    return { block: quantity(answer.result) };
  } catch (error) {
    if (error instanceof RpcTransportError) return { failure: error.message };
    return { failure: "sent a block number that is not a number" };
  }
}

async function readAt(
  url: string,
  host: string,
  manifest: Manifest,
  block: bigint,
  options: RpcOptions,
): Promise<RpcReading> {
  const list = reads(manifest, `0x${block.toString(16)}`);
  try {
    const answers = await rpcBatch(
      url,
      list.map((read) => read.call),
      options,
    );
    return {
      url,
      host,
      values: new Map(list.map((read, index) => [read.key, readValue(read, answers[index])])),
    };
  } catch (error) {
    if (error instanceof RpcTransportError) return { url, host, failure: error.message };
    throw error;
  }
}

/** The RPCs that serve the manifest's chain, whose values count. */
function onChain(readings: readonly RpcReading[], chainId: number): RpcReading[] {
  return readings.filter((reading) => {
    const read = reading.values?.get("chainId");
    return read !== undefined && "value" in read && read.value === String(chainId);
  });
}

interface Agreement {
  perRpc: RpcValue[];
  /** The first answering RPC's value, when any answered. */
  value: string | undefined;
  /** Answers that differ from {@link value}, by host. */
  disagreeing: { host: string; value: string }[];
}

function agreement(
  readings: readonly RpcReading[],
  key: string,
  show: (value: string) => string = (value) => value,
): Agreement {
  const perRpc: RpcValue[] = readings.map((reading) => {
    const read = reading.values?.get(key);
    if (read === undefined) return { host: reading.host, error: reading.failure ?? "not read" };
    return "value" in read
      ? { host: reading.host, value: show(read.value) }
      : { host: reading.host, error: read.error };
  });
  const answered = perRpc.filter((entry): entry is { host: string; value: string } => "value" in entry);
  const value = answered[0]?.value;
  return { perRpc, value, disagreeing: answered.filter((entry) => entry.value !== value) };
}

/** Each RPC's answer, `host says value; …`. */
function answersText(entry: Agreement): string {
  return entry.perRpc.flatMap((rpc) => ("value" in rpc ? [`${rpc.host} says ${rpc.value}`] : [])).join("; ");
}

function disagreementText(label: string, entry: Agreement): string {
  return `The RPCs disagree on ${label}: ${answersText(entry)}.`;
}

/**
 * A row for a value read from the chain: `ok` when every RPC that answered agrees with each other
 * and with `manifest`; `info` when there is no manifest value to compare with.
 */
function chainRow(
  readings: readonly RpcReading[],
  check: string,
  label: string,
  manifest: string | undefined,
  describe: (chain: string) => string,
  show?: (value: string) => string,
): VerifyRow {
  const entry = agreement(readings, check, show);
  const base = { check, label, ...(manifest === undefined ? {} : { manifest }), perRpc: entry.perRpc };
  if (entry.value === undefined) {
    const errors = entry.perRpc.map((rpc) => `${rpc.host} ${"error" in rpc ? rpc.error : "gave none"}`);
    return {
      ...base,
      status: "differs",
      detail: `No RPC gave a value for ${label.toLowerCase()}: ${errors.join("; ")}.`,
    };
  }
  if (entry.disagreeing.length > 0)
    return {
      ...base,
      chain: entry.value,
      status: "differs",
      detail: disagreementText(label.toLowerCase(), entry),
    };
  const status: RowStatus = manifest === undefined ? "info" : manifest === entry.value ? "ok" : "differs";
  return { ...base, chain: entry.value, status, detail: describe(entry.value) };
}

function codeDetail(
  comparison: CodeComparison,
  manifest: Manifest,
  codeLength: number,
): { status: RowStatus; detail: string } {
  const where = `the escrow address ${manifest.escrow.address}`;
  switch (comparison.kind) {
    case "exact":
      return {
        status: "ok",
        detail: `Exact match: the code at ${where} is the published CampaignEscrow byte for byte, with the manifest's five parameters and the published metadata.`,
      };
    case "metadata-only":
      return {
        status: "differs",
        detail: `Partial match: the code at ${where} is the published code with the manifest's parameters, but it commits to other metadata (the hash at its end differs), so it was compiled from other source files or settings than the ones published.`,
      };
    case "parameters":
      return {
        status: "differs",
        detail: `The code at ${where} is the published code, but with other parameters than the manifest states: ${comparison.differences.map((d) => `${d.name} is ${d.chain} on chain, ${d.manifest} in the manifest`).join("; ")}.${comparison.metadataDiffers ? " Its metadata hash differs too." : ""}`,
      };
    case "code-differs":
      return {
        status: "differs",
        detail: `The code at ${where} is not the published CampaignEscrow: it differs from byte ${comparison.offset} on (the code on chain is ${codeLength} bytes long).`,
      };
    case "no-code":
      return { status: "differs", detail: `There is no contract at ${where} on chain ${manifest.chain.id}.` };
  }
}

async function load(loadFile: VerifyOptions["loadFile"], path: string): Promise<Uint8Array | undefined> {
  try {
    return await loadFile(path);
  } catch {
    return undefined;
  }
}

/**
 * The metadata chain's rows: the shipped metadata's hash against the code's, the compiler, each source's
 * keccak256.
 */
async function metadataRows(
  artifact: EscrowArtifact,
  loadFile: VerifyOptions["loadFile"],
  code: Uint8Array | undefined,
): Promise<VerifyRow[]> {
  const rows: VerifyRow[] = [];
  const metadata = await load(loadFile, artifact.metadata);
  const cbor = code === undefined ? {} : decodeCbor(code);
  if (metadata === undefined) {
    rows.push({
      check: "metadata",
      label: "Metadata hash",
      status: "differs",
      detail: `The published metadata file (${artifact.metadata}) could not be loaded, so the sources cannot be tied to the code.`,
    });
    return rows;
  }
  const shipped = metadataCidV0(metadata);
  await yieldToMain();
  if (code === undefined) {
    rows.push({
      check: "metadata",
      label: "Metadata hash",
      status: "unreachable",
      manifest: shipped,
      detail: "No RPC returned the code, so its metadata hash is unknown.",
    });
  } else if (cbor.ipfs === undefined) {
    rows.push({
      check: "metadata",
      label: "Metadata hash",
      status: "differs",
      manifest: shipped,
      detail: "The code on chain ends with no IPFS hash of its metadata.",
    });
  } else {
    const same = cbor.ipfs === shipped;
    rows.push({
      check: "metadata",
      label: "Metadata hash",
      status: same ? "ok" : "differs",
      manifest: shipped,
      chain: cbor.ipfs,
      detail: same
        ? `The code commits to the published metadata: its IPFS hash ${shipped} is the one at the code's end.`
        : `The code commits to other metadata than the published file: the code's hash is ${cbor.ipfs}, the published metadata's is ${shipped}.`,
    });
  }
  if (cbor.solc !== undefined) {
    const same = artifact.solcVersion.startsWith(`${cbor.solc}+`);
    rows.push({
      check: "compiler",
      label: "Compiler",
      status: same ? "ok" : "differs",
      manifest: artifact.solcVersion,
      chain: cbor.solc,
      detail: same
        ? `Compiled with solc ${cbor.solc}, as published.`
        : `The code says it was compiled with solc ${cbor.solc}; the published artifact was compiled with ${artifact.solcVersion}.`,
    });
  }
  const files: Record<string, Uint8Array> = {};
  for (const [name, path] of Object.entries(artifact.sources)) {
    const bytes = await load(loadFile, path);
    if (bytes !== undefined) files[name] = bytes;
  }
  let checks;
  try {
    checks = await checkSources(metadata, files);
  } catch (error) {
    if (!(error instanceof MetadataError)) throw error;
    rows.push({
      check: "sources",
      label: "Sources",
      status: "differs",
      detail: `${error.message} The sources cannot be checked.`,
    });
    return rows;
  }
  for (const check of checks) {
    const base = {
      check: `source:${check.name}`,
      label: `Source ${check.name}`,
      manifest: check.expected,
      ...(check.actual === undefined ? {} : { chain: check.actual }),
    };
    if (check.ok) rows.push({ ...base, status: "ok", detail: `Hashes to the keccak256 the metadata lists.` });
    else if (check.actual === undefined)
      rows.push({
        ...base,
        status: "differs",
        detail: `The metadata lists ${check.name}, but the published source file could not be loaded.`,
      });
    else
      rows.push({
        ...base,
        status: "differs",
        detail: `The published file does not hash to what the metadata lists: its keccak256 is ${check.actual}, the metadata's ${check.expected}.`,
      });
  }
  return rows;
}

/** What a verifier still has to trust after the checks, each with how to check it independently. */
export function trustList(manifest: Manifest): TrustItem[] {
  const { escrow, chain } = manifest;
  const token = escrow.token;
  const explorer = chain.explorerUrl?.replace(/\/+$/, "");
  const items: TrustItem[] = [
    {
      what: "The escrow: this check read the code and the parameters through the RPCs above.",
      howToRecheck: `npm run verify -- --manifest campaign.json --rpc-url <your own node's URL>; or Sourcify: npx hardhat verify sourcify --network <network> ${escrow.address} ${token.address} ${escrow.beneficiary} ${escrow.goalBackers} ${escrow.minPledge} ${escrow.deadline}`,
    },
    {
      what: `The token's issuer (${token.symbol}, ${token.address}): an issuer that can pause transfers or blacklist addresses can stop pledges, refunds and the release (the funds stay in the escrow until it lifts that), and if the token is an upgradeable proxy its admin can change the token's code.`,
      howToRecheck:
        explorer === undefined
          ? `Read the token's verified source at ${token.address} on a block explorer of chain ${chain.id}.`
          : `Read the token's verified source: ${explorer}/address/${token.address}#code`,
    },
    {
      what: "The RPCs: they answered for the chain; several that agree could still all be wrong.",
      howToRecheck:
        "npm run verify -- --rpc-url <your own node's URL> (an Ethereum node you run, or a provider you chose).",
    },
    {
      what: `The site itself: this page's code ran these checks.${manifest.ipfs?.site === undefined ? "" : ` The published site's IPFS CID is ${manifest.ipfs.site.cid}.`}`,
      howToRecheck:
        "Rebuild it at the release's commit and compare the CID: npm ci && npm run build, then npm run pin -- dist --offline.",
    },
  ];
  if (manifest.torrent !== undefined || manifest.ipfs?.pilot !== undefined) {
    const ids = [
      ...(manifest.torrent === undefined ? [] : [`BitTorrent info hash ${manifest.torrent.infoHash}`]),
      ...(manifest.ipfs?.pilot === undefined ? [] : [`IPFS CID ${manifest.ipfs.pilot.cid}`]),
    ];
    items.push({
      what: `The pilot: the file you watch is the one with ${ids.join(" and ")}.`,
      howToRecheck:
        "npm run pin -- <the pilot file> --offline prints its CID; a BitTorrent client shows the info hash of the .torrent.",
    });
  }
  items.push({
    what: "The backer count counts addresses, not people: one person can pledge from many addresses, each with at least the minimum pledge.",
    howToRecheck: `Every backer is a Pledged event of the escrow ${escrow.address}, from block ${escrow.deployBlock}: list them on a block explorer or with eth_getLogs.`,
  });
  return items;
}

/** How code is shown in a row: its length and hash. */
function describeCode(code: string): string {
  return code === "0x" ? "no code" : `${(code.length - 2) / 2} bytes, keccak256 ${keccak256(code)}`;
}

/** Rows whose difference leaves the code and every chain value as published: a partial match. */
function isMetadataRow(row: VerifyRow): boolean {
  return (
    row.check === "code" ||
    row.check === "metadata" ||
    row.check === "compiler" ||
    row.check === "sources" ||
    row.check.startsWith("source:")
  );
}

/**
 * Checks the campaign of `manifest` against the published artifact (read with `loadFile`) and
 * every RPC (the manifest's and `rpcUrls`), all read at one block: the first RPC that answers
 * `eth_blockNumber` picks it. An RPC that cannot be used is named and the others are still
 * checked. Throws {@link VerifyInputError} when the artifact cannot be loaded or is not one.
 */
export async function verifyCampaign(options: VerifyOptions): Promise<VerifyReport> {
  const { manifest, loadFile } = options;
  const rpc: RpcOptions = { ...DEFAULT_RPC_OPTIONS, ...options.rpc };
  const artifactBytes = await load(loadFile, ARTIFACT_FILE);
  if (artifactBytes === undefined)
    throw new VerifyInputError(`The escrow artifact (${ARTIFACT_FILE}) could not be loaded.`);
  let artifact: EscrowArtifact;
  try {
    artifact = parseEscrowArtifact(new TextDecoder().decode(artifactBytes));
  } catch (error) {
    if (error instanceof ArtifactError) throw new VerifyInputError(error.message);
    throw error;
  }
  // Each heavy step (parsing the artifact, comparing the code, hashing the metadata and each
  // source) ends with a yield, so a phone runs the checks in short tasks.
  await yieldToMain();

  const urls = [...new Set([...manifest.chain.rpcUrls, ...(options.rpcUrls ?? [])])];
  const hosts = hostsOf(urls);
  const heads = await Promise.all(urls.map((url) => headOf(url, rpc)));
  const first = heads.find((head): head is { block: bigint } => "block" in head);
  const block = first?.block;
  const readings: RpcReading[] = await Promise.all(
    urls.map(async (url, index) => {
      const head = heads[index];
      if (block === undefined || "failure" in head)
        return { url, host: hosts[index], failure: "failure" in head ? head.failure : "not read" };
      return readAt(url, hosts[index], manifest, block, rpc);
    }),
  );

  const rows: VerifyRow[] = [];
  for (const reading of readings) {
    const chainId = reading.values?.get("chainId");
    const check = `rpc:${reading.host}`;
    const label = `RPC ${reading.host}`;
    if (reading.failure !== undefined)
      rows.push({
        check,
        label,
        status: "unreachable",
        detail: `Could not use the RPC ${reading.host} (${reading.failure}); the other RPCs were still checked.`,
      });
    else if (chainId === undefined || !("value" in chainId))
      rows.push({
        check,
        label,
        status: "unreachable",
        detail: `The RPC ${reading.host} did not say which chain it serves; its answers were not used.`,
      });
    else if (chainId.value !== String(manifest.chain.id))
      rows.push({
        check,
        label,
        status: "unreachable",
        manifest: String(manifest.chain.id),
        chain: chainId.value,
        detail: `The RPC ${reading.host} serves chain ${chainId.value}, not the manifest's chain ${manifest.chain.id}; its answers were not used.`,
      });
    else
      rows.push({
        check,
        label,
        status: "ok",
        manifest: String(manifest.chain.id),
        chain: chainId.value,
        detail: `Answered for block ${block} of chain ${chainId.value}.`,
      });
  }
  const used = onChain(readings, manifest.chain.id);
  const unreachableHosts = rows
    .filter((row) => row.check.startsWith("rpc:") && row.status === "unreachable")
    .map((row) => row.check.slice(4));
  const trust = trustList(manifest);
  if (used.length === 0) {
    return { verdict: "unreachable", block, code: undefined, rows, unreachableHosts, trust };
  }

  const blockHash = agreement(used, "blockHash");
  if (blockHash.disagreeing.length > 0) {
    rows.push({
      check: "block",
      label: `Block ${block}`,
      status: "differs",
      chain: blockHash.value,
      perRpc: blockHash.perRpc,
      detail: `The RPCs are on different forks: block ${block}'s hash is not the same on all of them (${answersText(blockHash)}).`,
    });
  }

  const codeEntry = agreement(used, "code", describeCode);
  const codeRead = used.flatMap((reading) => {
    const read = reading.values?.get("code");
    return read !== undefined && "value" in read ? [read.value] : [];
  })[0];
  const code = codeRead === undefined ? undefined : getBytes(codeRead);
  let comparison: CodeComparison | undefined;
  if (code === undefined) {
    rows.push({
      check: "code",
      label: "Code",
      status: "unreachable",
      perRpc: codeEntry.perRpc,
      detail: "No RPC returned the escrow's code.",
    });
  } else {
    const params = manifestParameters(manifest.escrow);
    comparison = compareRuntimeCode(artifact, params, code);
    const expected = expectedRuntimeCode(artifact, params);
    const { status, detail } = codeDetail(comparison, manifest, code.length);
    const disagree = codeEntry.disagreeing.length > 0;
    rows.push({
      check: "code",
      label: "Code",
      status: disagree ? "differs" : status,
      manifest: describeCode(hexlify(expected)),
      ...(codeEntry.value === undefined ? {} : { chain: codeEntry.value }),
      detail: disagree ? `${disagreementText("the escrow's code", codeEntry)} ${detail}` : detail,
      perRpc: codeEntry.perRpc,
    });
    await yieldToMain();
  }
  rows.push(...(await metadataRows(artifact, loadFile, code)));

  const params = manifestParameters(manifest.escrow);
  for (const { name, label } of PARAMETERS) {
    const expected =
      name === "token" || name === "beneficiary" ? getAddress(String(params[name])) : String(params[name]);
    rows.push(
      chainRow(used, `parameter:${name}`, label, expected, (chain) =>
        chain === expected
          ? `${label}: ${chain}, as the manifest says.`
          : `${label} is ${chain} on chain; the manifest says ${expected}.`,
      ),
    );
  }
  rows.push(chainRow(used, "state", "State", undefined, (chain) => `The campaign is in the ${chain} state.`));
  rows.push(chainRow(used, "backers", "Backers", undefined, (chain) => `${chain} addresses hold a pledge.`));
  rows.push(
    chainRow(
      used,
      "totalPledged",
      "Total pledged (smallest token units)",
      undefined,
      (chain) => `${chain} in the token's smallest units are pledged.`,
    ),
  );

  const token = manifest.escrow.token;
  for (const [field, label, expected] of [
    ["name", "Token name", token.name],
    ["symbol", "Token symbol", token.symbol],
    ["decimals", "Token decimals", String(token.decimals)],
  ] as const) {
    rows.push(
      chainRow(used, `token:${field}`, label, expected, (chain) =>
        chain === expected
          ? `${label}: ${chain}, as the manifest says.`
          : `${label} is ${chain} on chain; the manifest says ${expected}.`,
      ),
    );
  }
  const proxy = chainRow(used, "token:proxy", "Token upgradeability", undefined, () => "");
  if (proxy.status === "info" && proxy.chain !== undefined) {
    const implementation = BigInt(proxy.chain);
    proxy.status = implementation === 0n ? "ok" : "info";
    proxy.detail =
      implementation === 0n
        ? "The token is not an EIP-1967 upgradeable proxy: its implementation slot is empty."
        : `The token is an upgradeable proxy: its admin can change the token's code (EIP-1967 implementation slot ${proxy.chain}).`;
  }
  rows.push(proxy);
  rows.push({
    check: "token:powers",
    label: "Token issuer's powers",
    status: "info",
    detail:
      "A stablecoin's issuer may be able to pause transfers and blacklist addresses (USDC and USDT can). A blacklisted beneficiary cannot be paid until the issuer lifts it (the funds stay in the escrow); a blacklisted backer cannot pledge or get a refund; every other backer's refund is unaffected. This check cannot read those powers: read the token's source.",
  });

  const split = rows.filter(
    (row) => new Set((row.perRpc ?? []).flatMap((rpc) => ("value" in rpc ? [rpc.value] : []))).size > 1,
  );
  const failedCalls = used.filter((reading) =>
    [...reading.values!.values()].some((value) => "error" in value),
  );
  rows.push({
    check: "rpcs",
    label: "Agreement of the RPCs",
    status:
      split.length > 0 || blockHash.disagreeing.length > 0
        ? "differs"
        : used.length === urls.length && failedCalls.length === 0
          ? "ok"
          : "info",
    detail:
      split.length > 0
        ? `The RPCs disagree at block ${block} on: ${split.map((row) => row.label.toLowerCase()).join(", ")}.`
        : `${used.length === 1 ? `Only one RPC answered (${used[0].host}): there was no other to compare it with` : `The ${used.length} RPCs that answered agree on every value at block ${block}`}.${failedCalls.length > 0 ? ` Some calls failed on ${failedCalls.map((reading) => reading.host).join(", ")}.` : ""}${unreachableHosts.length > 0 ? ` Not used: ${unreachableHosts.join(", ")}.` : ""}`,
  });

  let verdict: Verdict;
  const differing = rows.filter((row) => row.status === "differs");
  if (code === undefined) verdict = "unreachable";
  else if (differing.length === 0) verdict = "exact-match";
  else if (comparison?.kind === "metadata-only" && differing.every(isMetadataRow)) verdict = "partial-match";
  else verdict = "mismatch";
  return { verdict, block, code: comparison, rows, unreachableHosts, trust };
}
