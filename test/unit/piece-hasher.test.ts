/**
 * The Filecoin piece hash `npm run pin` hands the upload client (WebAssembly) is the client's own
 * (JavaScript, @web3-storage/data-segment), only faster.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import * as ClientDefault from "@web3-storage/data-segment/multihash";
import { PIECE_HASH_CODE, wasmPieceHasher } from "../../scripts/lib/ipfs/piece-hasher.ts";
import { nonRepeatingBytes } from "../../scripts/lib/non-repeating-bytes.ts";

describe("the piece hasher given to the upload client", () => {
  it("is the piece multihash the client expects (code 0x1011)", () => {
    assert.equal(PIECE_HASH_CODE, 0x1011);
    assert.equal(wasmPieceHasher.code, ClientDefault.code);
  });

  for (const size of [65, 127, 128, 1000, 1024 * 1024 + 1, 4_032_294]) {
    it(`gives the client's own digest for ${size} bytes`, async () => {
      const payload = nonRepeatingBytes(size, 5);
      assert.deepEqual((await wasmPieceHasher.digest(payload)).bytes, ClientDefault.digest(payload).bytes);
    });
  }
});
