import assert from "node:assert/strict";
import { getBytes, hexlify, zeroPadValue, toBeHex } from "ethers";
import { beforeAll, describe, it } from "vitest";
import { escrowArtifactFiles } from "../../site/lib/verify/escrow-artifact.ts";
import { parseEscrowArtifact, type EscrowArtifact } from "../../site/lib/verify/artifact-types.ts";
import {
  cborStart,
  compareRuntimeCode,
  decodeCbor,
  expectedRuntimeCode,
  type EscrowParameters,
} from "../../site/lib/verify/code.ts";
import { metadataCidV0 } from "../../site/lib/verify/metadata.ts";

const PARAMS: EscrowParameters = {
  token: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  beneficiary: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  goalBackers: 250_000,
  minPledge: "9950000",
  deadline: 1_790_000_000,
};

let artifact: EscrowArtifact;
let files: Map<string, Uint8Array>;

beforeAll(async () => {
  files = await escrowArtifactFiles();
  artifact = parseEscrowArtifact(new TextDecoder().decode(files.get("artifact.json")));
});

function offsetsOf(name: string): number[] {
  const variable = artifact.immutables.find((entry) => entry.name === name)!;
  return artifact.immutableReferences[String(variable.astId)].map((reference) => reference.start);
}

function word(value: bigint | string): string {
  return typeof value === "string" ? zeroPadValue(value, 32).toLowerCase() : zeroPadValue(toBeHex(value), 32);
}

describe("expectedRuntimeCode", () => {
  it("writes each immutable's ABI word at every one of its offsets", () => {
    const code = expectedRuntimeCode(artifact, PARAMS);
    const expected: Record<string, string> = {
      token: word(PARAMS.token),
      beneficiary: word(PARAMS.beneficiary),
      goalBackers: word(250_000n),
      minPledge: word(9_950_000n),
      deadline: word(1_790_000_000n),
    };
    for (const [name, value] of Object.entries(expected)) {
      const offsets = offsetsOf(name);
      assert.ok(offsets.length > 0);
      for (const start of offsets)
        assert.equal(hexlify(code.subarray(start, start + 32)), value, `${name} at ${start}`);
    }
  });

  it("changes no byte outside the immutables' slots", () => {
    const code = expectedRuntimeCode(artifact, PARAMS);
    const zeroed = getBytes(artifact.deployedBytecode);
    const slots = new Set(
      Object.values(artifact.immutableReferences).flatMap((list) =>
        list.flatMap(({ start }) => Array.from({ length: 32 }, (_, i) => start + i)),
      ),
    );
    assert.equal(code.length, zeroed.length);
    for (let index = 0; index < code.length; index++)
      if (!slots.has(index)) assert.equal(code[index], zeroed[index], `byte ${index}`);
  });

  it("refuses a value that does not fit its type", () => {
    assert.throws(
      () => expectedRuntimeCode(artifact, { ...PARAMS, goalBackers: 2 ** 32 }),
      /goalBackers is not a valid uint32/,
    );
  });
});

describe("compareRuntimeCode", () => {
  it("says exact for the code filled with the same parameters", () => {
    assert.deepEqual(compareRuntimeCode(artifact, PARAMS, expectedRuntimeCode(artifact, PARAMS)), {
      kind: "exact",
    });
  });

  it("names the one parameter that differs, with the value the chain's code holds", () => {
    const onChain = expectedRuntimeCode(artifact, { ...PARAMS, goalBackers: 100 });
    assert.deepEqual(compareRuntimeCode(artifact, PARAMS, onChain), {
      kind: "parameters",
      differences: [{ name: "goalBackers", manifest: "250000", chain: "100" }],
      metadataDiffers: false,
    });
  });

  it("names an address parameter with the chain's checksummed address", () => {
    const other = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    const result = compareRuntimeCode(
      artifact,
      PARAMS,
      expectedRuntimeCode(artifact, { ...PARAMS, beneficiary: other }),
    );
    assert.deepEqual(result, {
      kind: "parameters",
      differences: [{ name: "beneficiary", manifest: PARAMS.beneficiary, chain: other }],
      metadataDiffers: false,
    });
  });

  it("gives the first differing offset when the code itself differs", () => {
    const onChain = expectedRuntimeCode(artifact, PARAMS);
    onChain[100] ^= 0xff;
    onChain[200] ^= 0xff;
    assert.deepEqual(compareRuntimeCode(artifact, PARAMS, onChain), { kind: "code-differs", offset: 100 });
  });

  it("says code differs, not parameters, when one copy of an immutable differs from its others", () => {
    const onChain = expectedRuntimeCode(artifact, PARAMS);
    const second = offsetsOf("deadline")[1];
    onChain[second + 31] ^= 0x01;
    assert.deepEqual(compareRuntimeCode(artifact, PARAMS, onChain), {
      kind: "code-differs",
      offset: second + 31,
    });
  });

  it("gives the offset where shorter code ends", () => {
    const onChain = expectedRuntimeCode(artifact, PARAMS).slice(0, 500);
    assert.deepEqual(compareRuntimeCode(artifact, PARAMS, onChain), { kind: "code-differs", offset: 500 });
  });

  it("says metadata-only (a partial match) when only the CBOR trailer differs", () => {
    const onChain = expectedRuntimeCode(artifact, PARAMS);
    const start = cborStart(onChain);
    assert.ok(start < onChain.length);
    onChain[onChain.length - 10] ^= 0xff; // inside the ipfs hash
    assert.deepEqual(compareRuntimeCode(artifact, PARAMS, onChain), { kind: "metadata-only" });
  });

  it("says no-code for an empty account", () => {
    assert.deepEqual(compareRuntimeCode(artifact, PARAMS, new Uint8Array()), { kind: "no-code" });
  });
});

describe("decodeCbor", () => {
  it("reads the IPFS hash and the solc version from the compiled CampaignEscrow", () => {
    const cbor = decodeCbor(getBytes(artifact.deployedBytecode));
    assert.equal(cbor.solc, "0.8.28");
    assert.match(cbor.ipfs ?? "", /^Qm[1-9A-HJ-NP-Za-km-z]{44}$/);
  });

  it("reads the hash of the metadata solc wrote for that code", () => {
    assert.equal(
      decodeCbor(getBytes(artifact.deployedBytecode)).ipfs,
      metadataCidV0(files.get(artifact.metadata)!),
    );
  });

  it("gives nothing for code without a CBOR trailer", () => {
    assert.deepEqual(decodeCbor(getBytes("0x6080604052600080fd")), {});
    assert.deepEqual(decodeCbor(new Uint8Array()), {});
  });
});
