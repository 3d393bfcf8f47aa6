/**
 * parseEscrowArtifact: what the verifier accepts as `escrow/artifact.json`, and the sentence it
 * says about the first thing wrong in anything else.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import {
  ArtifactError,
  isPlainRelativePath,
  parseEscrowArtifact,
  type EscrowArtifact,
} from "../../site/lib/verify/artifact-types.ts";

/** A 96-byte code with one address immutable at offsets 0 and 64. */
const VALID: EscrowArtifact = {
  contractName: "CampaignEscrow",
  sourceName: "project/contracts/CampaignEscrow.sol",
  solcVersion: "0.8.28+commit.7893614a",
  deployedBytecode: `0x${"00".repeat(96)}`,
  immutableReferences: {
    "7": [
      { start: 0, length: 32 },
      { start: 64, length: 32 },
    ],
  },
  immutables: [{ name: "token", astId: 7, type: "address" }],
  metadata: "metadata.json",
  sources: {
    "project/contracts/CampaignEscrow.sol": "sources/project/contracts/CampaignEscrow.sol",
    "npm/@openzeppelin/contracts@5.7.0/token/ERC20/IERC20.sol":
      "sources/npm/@openzeppelin/contracts@5.7.0/token/ERC20/IERC20.sol",
  },
};

/** VALID with `change` applied to a deep copy. */
function altered(change: (artifact: EscrowArtifact) => void): unknown {
  const copy = structuredClone(VALID);
  change(copy);
  return copy;
}

describe("parseEscrowArtifact", () => {
  it("accepts a well-formed artifact and returns it unchanged", () => {
    assert.deepEqual(parseEscrowArtifact(VALID), VALID);
  });

  it("accepts the artifact as JSON text", () => {
    assert.deepEqual(parseEscrowArtifact(JSON.stringify(VALID)), VALID);
  });

  it.each([
    ["text that is not JSON", "{", /is not valid JSON/],
    ["a list instead of an object", [], /top level is not a JSON object/],
    [
      "a missing contract name",
      altered((a) => delete (a as Partial<EscrowArtifact>).contractName),
      /contractName is not a non-empty string/,
    ],
    [
      "a short solc version",
      altered((a) => (a.solcVersion = "0.8.28")),
      /solcVersion "0.8.28" is not a solc long version/,
    ],
    [
      "code that is not hex",
      altered((a) => (a.deployedBytecode = "0x60zz")),
      /deployedBytecode is not 0x-prefixed hex/,
    ],
    [
      "code of half a byte",
      altered((a) => (a.deployedBytecode = "0x600")),
      /deployedBytecode is not 0x-prefixed hex of whole bytes/,
    ],
    [
      "an offset past the code's end",
      altered((a) => (a.immutableReferences["7"][1].start = 65)),
      /immutableReferences\["7"\]\[1\] reaches past the end of the 96-byte code/,
    ],
    [
      "a slot that is not 32 bytes",
      altered((a) => (a.immutableReferences["7"][0].length = 20)),
      /immutableReferences\["7"\]\[0\]\.length is not 32/,
    ],
    [
      "overlapping slots",
      altered((a) => (a.immutableReferences["7"][1].start = 16)),
      /immutableReferences\["7"\]\[1\] overlaps immutableReferences\["7"\]\[0\]/,
    ],
    [
      "offsets of no listed immutable",
      altered((a) => (a.immutableReferences["8"] = [{ start: 32, length: 32 }])),
      /immutableReferences\["8"\] belongs to no listed immutable/,
    ],
    [
      "an immutable without offsets",
      altered((a) => a.immutables.push({ name: "beneficiary", astId: 9, type: "address" })),
      /immutables\[1\]\.astId 9 has no offsets/,
    ],
    [
      "a type that is not an ABI value type",
      altered((a) => (a.immutables[0].type = "contract IERC20")),
      /immutables\[0\]\.type "contract IERC20" is not an ABI value type/,
    ],
    [
      "a metadata path out of the folder",
      altered((a) => (a.metadata = "../metadata.json")),
      /metadata "\.\.\/metadata\.json" is not a relative file path/,
    ],
    [
      "a source path out of sources/",
      altered((a) => (a.sources["project/contracts/CampaignEscrow.sol"] = "sources/../../x.sol")),
      /is not a relative file path under sources\//,
    ],
    [
      "no file for the contract's own source",
      altered((a) => delete a.sources["project/contracts/CampaignEscrow.sol"]),
      /sources do not include the contract's own source/,
    ],
  ])("rejects %s, naming what is wrong", (_what, input, message) => {
    assert.throws(
      () => parseEscrowArtifact(input),
      (error: unknown) => error instanceof ArtifactError && message.test(error.message),
    );
  });
});

describe("isPlainRelativePath", () => {
  it("accepts a relative path of plain segments", () => {
    assert.ok(isPlainRelativePath("sources/npm/@openzeppelin/contracts@5.7.0/utils/Panic.sol"));
  });

  it.each(["", "/etc/passwd", "a/../b", "./a", "a//b", "a\\b", "a\0b"])("rejects %j", (path) => {
    assert.equal(isPlainRelativePath(path), false);
  });
});
