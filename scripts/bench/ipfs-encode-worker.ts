/**
 * One measured encoding in a process of its own, so its peak memory is its own (worker threads
 * included: they are in-process), printing one JSON line:
 * - `pass <file> <car dir>`: the pilot pass (torrent pieces + root CID + CAR shards on disk);
 * - `client <file> [car dir]`: the Storacha client's encoder (CID, and CAR shards if a folder is given).
 */
import { carFileWriter } from "../lib/ipfs/car-files.ts";
import { encodeFile } from "../lib/ipfs/encode.ts";
import { fileFromPath } from "../lib/ipfs/files.ts";
import { pieceLengthFor } from "../lib/p2p/piece-length.ts";
import { runPass } from "../lib/pilot/pass.ts";

const [mode, file, carDir] = process.argv.slice(2);
if (
  file === undefined ||
  (mode !== "pass" && mode !== "client") ||
  (mode === "pass" && carDir === undefined)
) {
  throw new Error("usage: ipfs-encode-worker pass <file> <car dir> | client <file> [car dir]");
}
const started = performance.now();
let encoded;
if (mode === "pass") {
  const { size } = await import("node:fs/promises").then((fs) => fs.stat(file));
  encoded = (await runPass({ file, carDir, pieceLength: pieceLengthFor(size) })).encoded;
} else {
  encoded = await encodeFile(
    await fileFromPath(file),
    carDir === undefined ? {} : { onShard: carFileWriter(carDir).onShard },
  );
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, root: encoded.root, shards: encoded.shards.length, bytes: encoded.bytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
