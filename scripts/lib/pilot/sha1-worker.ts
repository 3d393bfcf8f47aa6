/**
 * Worker thread of the pilot pass: SHA-1 of every BitTorrent piece of the slots it is handed
 * (views of the pass's shared read buffer), written into the shared pieces array. It reads
 * nothing from disk: the main thread read the bytes once for every hash.
 */
import { createHash } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";

interface Init {
  buffer: SharedArrayBuffer;
  slotSize: number;
  pieceLength: number;
  pieces: SharedArrayBuffer;
}
type Message = { slot: number; position: number; length: number } | { end: true };

const { buffer, slotSize, pieceLength, pieces } = workerData as Init;
const bytes = new Uint8Array(buffer);
const out = new Uint8Array(pieces);
const port = parentPort;
if (port === null) throw new Error("sha1-worker runs as a worker thread");

port.on("message", (message: Message) => {
  if ("end" in message) {
    port.postMessage({ done: true });
    return;
  }
  const start = message.slot * slotSize;
  // Slots start on a piece boundary (the slot size is a multiple of the piece length).
  let piece = message.position / pieceLength;
  for (let offset = 0; offset < message.length; offset += pieceLength, piece++) {
    const end = Math.min(offset + pieceLength, message.length);
    out.set(
      createHash("sha1")
        .update(bytes.subarray(start + offset, start + end))
        .digest(),
      piece * 20,
    );
  }
  port.postMessage({ released: message.slot });
});
