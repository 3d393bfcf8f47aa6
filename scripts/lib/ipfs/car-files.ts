/**
 * CAR shards on disk: `<dir>/<shard cid>.car`, the form `ipfs dag import`, `storacha up --car`
 * and any trustless gateway take. Written as they are sealed, never held all at once.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { CarShard } from "./encode.ts";

/** An `onShard` handler that writes each shard into `dir` and remembers the paths. */
export function carFileWriter(dir: string): { onShard: (shard: CarShard) => Promise<void>; paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    async onShard(shard) {
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${shard.cid}.car`);
      await writeFile(path, Readable.fromWeb(shard.car.stream() as import("node:stream/web").ReadableStream<Uint8Array>));
      paths.push(path);
    },
  };
}
