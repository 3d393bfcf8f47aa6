/**
 * CAR shards on disk: `<dir>/<shard cid>.car`, the form `ipfs dag import`, `storacha up --car`
 * and any trustless gateway take. Written as they are sealed, never held all at once.
 */
import { openAsBlob } from "node:fs";
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import * as CarBufferWriter from "@ipld/car/buffer-writer";
import { varint } from "multiformats";
import { CID } from "multiformats/cid";
import type { CarShard } from "./encode.ts";

/** A CAR v1 header naming `roots`, as the upload client's CAR writer encodes it. */
export function carHeader(roots: CID[]): Uint8Array {
  return CarBufferWriter.close(
    CarBufferWriter.createWriter(new ArrayBuffer(1024), { roots: roots as never }),
    { resize: true },
  );
}

/** An `onShard` handler that writes each shard into `dir` and remembers the paths. */
export function carFileWriter(dir: string): { onShard: (shard: CarShard) => Promise<void>; paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    async onShard(shard) {
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${shard.cid}.car`);
      await writeFile(
        path,
        Readable.fromWeb(shard.car.stream() as import("node:stream/web").ReadableStream<Uint8Array>),
      );
      paths.push(path);
    },
  };
}

/** The byte length of a CAR file's header (its varint length prefix included). */
async function headerLength(path: string): Promise<number> {
  const handle = await open(path, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(10), 0, 10, 0);
    try {
      const [length, prefix] = varint.decode(buffer.subarray(0, bytesRead));
      return prefix + length;
    } catch {
      throw new Error(`${path} does not begin with a CAR header`);
    }
  } finally {
    await handle.close();
  }
}

/**
 * CAR shards on disk seen as one CAR naming `root`: a header, then every shard's blocks in order,
 * streamed from the files when read (nothing is loaded). Handed to the upload client's
 * `uploadCAR`, it is cut into the very same shards again.
 */
export async function carFilesAsOne(paths: readonly string[], root: string): Promise<Blob> {
  const header = carHeader([CID.parse(root)]);
  const parts: Blob[] = [new Blob([new Uint8Array(header)])];
  for (const path of paths) parts.push((await openAsBlob(path)).slice(await headerLength(path)));
  return new Blob(parts);
}
