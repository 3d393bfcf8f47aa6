/**
 * One IPFS encoding in a process of its own, so its peak memory is its own: encodes the file
 * given as argv[2] (writing CAR shards into argv[3] if given) and prints one JSON line.
 */
import { encodeFile } from "../lib/ipfs/encode.ts";
import { carFileWriter } from "../lib/ipfs/car-files.ts";
import { fileFromPath } from "../lib/ipfs/files.ts";

const [file, carDir] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: ipfs-encode-worker <file> [car dir]");
const started = performance.now();
const encoded = await encodeFile(await fileFromPath(file), carDir === undefined ? {} : { onShard: carFileWriter(carDir).onShard });
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, root: encoded.root, shards: encoded.shards.length, bytes: encoded.bytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
