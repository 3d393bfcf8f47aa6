/**
 * Test and benchmark content that never repeats (the AES-256-CTR keystream of a seed): no chunk
 * of it dedupes against another, as with real video, and the same seed gives the same bytes.
 */
import { createCipheriv } from "node:crypto";
import { open } from "node:fs/promises";

const CHUNK = 1024 * 1024;

/** `size` bytes for `seed`, in chunks of at most 1 MiB. */
export function* nonRepeatingChunks(size: number, seed: number): Generator<Uint8Array<ArrayBuffer>> {
  const cipher = createCipheriv("aes-256-ctr", Buffer.alloc(32, seed), Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(CHUNK);
  for (let left = size; left > 0; left -= CHUNK)
    yield new Uint8Array(cipher.update(zeros.subarray(0, Math.min(CHUNK, left))));
}

/** `size` bytes for `seed`, in one array. */
export function nonRepeatingBytes(size: number, seed: number): Uint8Array {
  return Buffer.concat([...nonRepeatingChunks(size, seed)]);
}

/** Writes `size` bytes for `seed` to `path`. */
export async function writeNonRepeatingFile(path: string, size: number, seed: number): Promise<void> {
  const file = await open(path, "w");
  try {
    for (const chunk of nonRepeatingChunks(size, seed)) await file.write(chunk);
  } finally {
    await file.close();
  }
}
