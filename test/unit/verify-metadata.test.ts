import assert from "node:assert/strict";
import { keccak256 } from "ethers";
import { importer } from "ipfs-unixfs-importer";
import { balanced } from "ipfs-unixfs-importer/layout";
import { describe, it } from "vitest";
import { checkSources, MetadataError, metadataCidV0 } from "../../site/lib/verify/metadata.ts";
import { nonRepeatingBytes } from "../../scripts/lib/non-repeating-bytes.ts";

const encoder = new TextEncoder();

/**
 * What `ipfs add --cid-version 0` gives (174 links a node, as go-ipfs and solc lay files out), by the
 * reference UnixFS importer.
 */
async function importerCidV0(bytes: Uint8Array): Promise<string> {
  let root: string | undefined;
  for await (const entry of importer(
    [{ content: bytes }],
    { put: (cid) => Promise.resolve(cid) },
    { cidVersion: 0, rawLeaves: false, layout: balanced({ maxChildrenPerNode: 174 }) },
  )) {
    root = entry.cid.toString();
  }
  return root!;
}

describe("metadataCidV0", () => {
  it("equals the UnixFS importer's CIDv0 of a small file", async () => {
    const bytes = encoder.encode('{"compiler":{"version":"0.8.28+commit.7893614a"},"language":"Solidity"}');
    assert.equal(metadataCidV0(bytes), await importerCidV0(bytes));
  });

  it("equals the importer's CIDv0 of the empty file", async () => {
    assert.equal(metadataCidV0(new Uint8Array()), await importerCidV0(new Uint8Array()));
  });

  it("equals the importer's CIDv0 of a file of three 256 KiB chunks", async () => {
    const bytes = nonRepeatingBytes(600 * 1024, 11);
    assert.equal(metadataCidV0(bytes), await importerCidV0(bytes));
  });

  it("equals the importer's CIDv0 of a file of 175 chunks, whose tree has two levels of parents", async () => {
    const bytes = nonRepeatingBytes(175 * 256 * 1024, 12);
    assert.equal(metadataCidV0(bytes), await importerCidV0(bytes));
  });

  it("is a CIDv0 (Qm…)", () => {
    assert.match(metadataCidV0(encoder.encode("hello\n")), /^Qm[1-9A-HJ-NP-Za-km-z]{44}$/);
  });
});

describe("checkSources", () => {
  const a = encoder.encode("contract A {}\n");
  const b = encoder.encode("contract B {}\n");
  const metadata = JSON.stringify({
    sources: { "a.sol": { keccak256: keccak256(a) }, "b.sol": { keccak256: keccak256(b) } },
  });

  it("passes every file that hashes to the metadata's keccak256", async () => {
    assert.deepEqual(await checkSources(metadata, { "a.sol": a, "b.sol": b }), [
      { name: "a.sol", ok: true, expected: keccak256(a), actual: keccak256(a) },
      { name: "b.sol", ok: true, expected: keccak256(b), actual: keccak256(b) },
    ]);
  });

  it("names a file whose keccak256 is not the metadata's, with both hashes", async () => {
    const tampered = encoder.encode("contract B { function steal() external {} }\n");
    const [, second] = await checkSources(metadata, { "a.sol": a, "b.sol": tampered });
    assert.deepEqual(second, {
      name: "b.sol",
      ok: false,
      expected: keccak256(b),
      actual: keccak256(tampered),
    });
  });

  it("names a listed source that was not shipped", async () => {
    assert.deepEqual((await checkSources(metadata, { "a.sol": a }))[1], {
      name: "b.sol",
      ok: false,
      expected: keccak256(b),
    });
  });

  it("checks a source whose text the metadata holds itself", async () => {
    const inline = JSON.stringify({
      sources: { "a.sol": { keccak256: keccak256(a), content: "contract A {}\n" } },
    });
    assert.equal((await checkSources(inline, {}))[0]?.ok, true);
  });

  it("refuses metadata that is not JSON", async () => {
    await assert.rejects(checkSources("{", {}), MetadataError);
  });

  it("yields to the main thread between source files, not before the first", async () => {
    let pauses = 0;
    await checkSources(metadata, { "a.sol": a, "b.sol": b }, () => {
      pauses += 1;
      return Promise.resolve();
    });
    assert.equal(pauses, 1, "one pause for two files");
  });
});
