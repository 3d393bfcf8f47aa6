/**
 * The escrow artifact the site publishes (site/lib/verify/escrow-artifact.ts) is the deployed
 * code's: its metadata hashes to the IPFS hash the runtime code carries, its sources hash to what
 * the metadata lists, and a real deployment's code is the artifact's with the constructor's values
 * at the immutables' offsets. Everything is checked here with independent tools: Helia's UnixFS
 * importer for the CIDv0, ethers for keccak-256 and ABI encoding, a CBOR reading of its own.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { AbiCoder, getBytes, hexlify, keccak256 } from "ethers";
import { importer } from "ipfs-unixfs-importer";
import { base58btc } from "multiformats/bases/base58";
import { afterAll, beforeAll, describe, it } from "vitest";
import { CACHE_DIR, escrowArtifactFiles } from "../../site/lib/verify/escrow-artifact.ts";
import { parseEscrowArtifact, type EscrowArtifact } from "../../site/lib/verify/artifact-types.ts";
import { connect, deployCampaign, type Connection } from "./fixture.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/** solc's metadata JSON, as far as these tests read it. */
interface Metadata {
  compiler: { version: string };
  settings: { compilationTarget: Record<string, string>; optimizer: unknown; evmVersion: string };
  sources: Record<string, { keccak256: string; urls: string[] }>;
}

/** The importer only needs somewhere to put blocks; the CID is all we compare. */
const discard = { put: (cid: unknown) => Promise.resolve(cid) } as unknown as Parameters<typeof importer>[1];

/** The CIDv0 `ipfs add` (and solc) give a file: dag-pb leaves holding UnixFS file nodes, 256 KiB chunks. */
async function cidV0(content: Uint8Array): Promise<string> {
  let root: string | undefined;
  for await (const entry of importer([{ content }], discard, {
    cidVersion: 0,
    rawLeaves: false,
    reduceSingleLeafToSelf: true,
  }))
    root = entry.cid.toString();
  assert.ok(root !== undefined, "the importer returned no CID");
  return root;
}

/**
 * The CBOR map solc appends to the runtime code (its length in the code's last two bytes),
 * read as far as solc writes it: a map of text keys to byte strings.
 */
function codeCbor(code: Uint8Array): Map<string, Uint8Array> {
  const length = (code[code.length - 2] << 8) | code[code.length - 1];
  const cbor = code.subarray(code.length - 2 - length, code.length - 2);
  let at = 0;
  /** A CBOR head: major type and argument (lengths up to 2^16 suffice here). */
  const head = (): [number, number] => {
    const byte = cbor[at++];
    const info = byte & 0x1f;
    if (info < 24) return [byte >> 5, info];
    if (info === 24) return [byte >> 5, cbor[at++]];
    if (info === 25) return [byte >> 5, (cbor[at++] << 8) | cbor[at++]];
    throw new Error(`unexpected CBOR head 0x${byte.toString(16)}`);
  };
  const [major, entries] = head();
  assert.equal(major, 5, "the code's CBOR is a map");
  const map = new Map<string, Uint8Array>();
  for (let i = 0; i < entries; i++) {
    const [keyType, keyLength] = head();
    assert.equal(keyType, 3, "the CBOR map's keys are text");
    const key = new TextDecoder().decode(cbor.subarray(at, (at += keyLength)));
    const [valueType, valueLength] = head();
    assert.equal(valueType, 2, `the CBOR value of "${key}" is a byte string`);
    map.set(key, cbor.subarray(at, (at += valueLength)));
  }
  assert.equal(at, cbor.length, "the CBOR map fills the length the code gives");
  return map;
}

describe("the escrow artifact the site publishes", () => {
  let files: Map<string, Uint8Array>;
  let artifact: EscrowArtifact;
  let metadataBytes: Uint8Array;
  let metadata: Metadata;

  beforeAll(async () => {
    files = await escrowArtifactFiles(ROOT);
    artifact = parseEscrowArtifact(new TextDecoder().decode(files.get("artifact.json")));
    metadataBytes = files.get(artifact.metadata)!;
    metadata = JSON.parse(new TextDecoder().decode(metadataBytes)) as Metadata;
  });

  it("the metadata's CIDv0 is the IPFS hash in the CBOR at the end of the runtime code", async () => {
    const cbor = codeCbor(getBytes(artifact.deployedBytecode));
    const ipfs = cbor.get("ipfs");
    assert.ok(ipfs !== undefined, "the runtime code's CBOR has an ipfs entry");
    assert.equal(ipfs.length, 34, "a sha2-256 multihash: 0x12, 0x20 and 32 bytes");
    assert.equal(await cidV0(metadataBytes), base58btc.baseEncode(ipfs));
  });

  it("the runtime code's CBOR names the solc the metadata names", () => {
    const solc = codeCbor(getBytes(artifact.deployedBytecode)).get("solc");
    assert.ok(solc !== undefined, "the runtime code's CBOR has a solc entry");
    assert.equal(metadata.compiler.version, artifact.solcVersion);
    assert.equal([...solc].join("."), artifact.solcVersion.split("+")[0]);
  });

  it("the metadata compiles CampaignEscrow from the artifact's source", () => {
    assert.deepEqual(metadata.settings.compilationTarget, { [artifact.sourceName]: artifact.contractName });
    assert.equal(artifact.contractName, "CampaignEscrow");
  });

  it("every source the metadata lists is published, and nothing else", () => {
    assert.deepEqual(Object.keys(artifact.sources).sort(), Object.keys(metadata.sources).sort());
    for (const [name, file] of Object.entries(artifact.sources)) {
      assert.equal(file, `sources/${name}`);
      assert.ok(files.has(file), `${file} is published`);
    }
    const published = [...files.keys()].filter((file) => file.startsWith("sources/")).sort();
    assert.deepEqual(published, Object.values(artifact.sources).sort());
  });

  it("every published source hashes to the keccak-256 the metadata lists", () => {
    for (const [name, file] of Object.entries(artifact.sources)) {
      assert.equal(
        keccak256(files.get(file)!),
        metadata.sources[name].keccak256,
        `${name} hashes to what the metadata lists`,
      );
    }
  });

  it("the immutables are the five campaign parameters, typed as the code stores them", () => {
    assert.deepEqual(
      artifact.immutables.map(({ name, type }) => [name, type]),
      [
        ["token", "address"],
        ["beneficiary", "address"],
        ["goalBackers", "uint32"],
        ["minPledge", "uint256"],
        ["deadline", "uint64"],
      ],
    );
    assert.deepEqual(
      Object.keys(artifact.immutableReferences).sort(),
      artifact.immutables.map(({ astId }) => String(astId)).sort(),
    );
  });

  it("the code a Hardhat deployment puts on chain is the artifact's with the constructor's values at the immutables' offsets", async () => {
    const conn: Connection = await connect();
    try {
      const campaign = await deployCampaign(conn);
      const values: Record<string, unknown> = {
        token: await campaign.token.getAddress(),
        beneficiary: campaign.beneficiary.address,
        goalBackers: campaign.goalBackers,
        minPledge: campaign.minPledge,
        deadline: campaign.deadline,
      };
      const expected = getBytes(artifact.deployedBytecode).slice();
      const coder = AbiCoder.defaultAbiCoder();
      for (const { name, astId, type } of artifact.immutables) {
        const word = getBytes(coder.encode([type], [values[name]]));
        for (const { start } of artifact.immutableReferences[String(astId)]) expected.set(word, start);
      }
      const onChain = await campaign.ethers.provider.getCode(await campaign.escrow.getAddress());
      assert.equal(onChain, hexlify(expected));
    } finally {
      await conn.close();
    }
  });
});

describe("escrowArtifactFiles", () => {
  let emptyRoot: string;
  let freshRoot: string;

  beforeAll(async () => {
    emptyRoot = await mkdtemp(join(tmpdir(), "peerpilot-no-artifacts-"));
    // Hardhat's build without the cache: the compilation runs again.
    freshRoot = await mkdtemp(join(tmpdir(), "peerpilot-fresh-cache-"));
    await symlink(join(ROOT, "artifacts"), join(freshRoot, "artifacts"));
  });

  afterAll(async () => {
    await rm(emptyRoot, { recursive: true, force: true });
    await rm(freshRoot, { recursive: true, force: true });
  });

  it("without Hardhat's build, fails saying to run `npx hardhat build` first", async () => {
    await assert.rejects(escrowArtifactFiles(emptyRoot), /run `npx hardhat build` first/);
  });

  it("a fresh compilation and the cached one give the same files, and the fresh one is cached", async () => {
    const fresh = await escrowArtifactFiles(freshRoot);
    const cached = await escrowArtifactFiles(ROOT);
    assert.deepEqual([...fresh.keys()], [...cached.keys()]);
    for (const [file, bytes] of fresh) assert.deepEqual(bytes, cached.get(file), `${file} is the same`);
    assert.ok((await stat(join(freshRoot, CACHE_DIR))).isDirectory());
  });
});
