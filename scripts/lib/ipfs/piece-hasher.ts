/**
 * The Filecoin piece hash (FRC-0069, `fr32-sha2-256-trunc254-padded-binary-tree`, multihash 0x1011)
 * that the upload client computes for every CAR shard before offering it for a deal. The client's
 * default is plain JavaScript (`@web3-storage/data-segment`), a few MB/s; this is the same hash
 * from Storacha's Rust implementation compiled to WebAssembly (the one its own service uses), given
 * to the client as its `pieceHasher`. A test checks the two give the same digest.
 */
import * as Fr32 from "fr32-sha2-256-trunc254-padded-binary-tree-multihash";
import * as Digest from "multiformats/hashes/digest";
import type { MultihashDigest, MultihashHasher } from "multiformats";

export const PIECE_HASH_CODE = Fr32.code;

/** The piece multihash of `bytes`, computed in WebAssembly. */
export function pieceDigest(bytes: Uint8Array): MultihashDigest<typeof Fr32.code> {
  const hasher = Fr32.create();
  try {
    hasher.write(bytes);
    const multihash = new Uint8Array(hasher.multihashByteLength());
    hasher.digestInto(multihash, 0, true);
    return Digest.decode(multihash) as MultihashDigest<typeof Fr32.code>;
  } finally {
    hasher.free();
  }
}

/** The client's `pieceHasher` option. */
export const wasmPieceHasher: MultihashHasher<typeof Fr32.code> = {
  name: "fr32-sha2-256-trunc254-padded-binary-tree",
  code: Fr32.code,
  digest: (bytes: Uint8Array) => Promise.resolve(pieceDigest(bytes)),
};
