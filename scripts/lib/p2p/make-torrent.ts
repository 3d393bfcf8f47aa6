/**
 * Makes a single-file .torrent (BitTorrent v1) the fast way: the pieces are hashed with Node's
 * native SHA-1 straight from big sequential reads, near the speed of the hash itself (the
 * create-torrent route runs at about a third of it). The info dictionary is the one
 * create-torrent writes (length, name, piece length, pieces, private = 0), so both give the same
 * info hash for the same file and piece length.
 */
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { basename } from "node:path";
import bencode from "bencode";

export interface TorrentInput {
  file: string;
  length: number;
  pieceLength: number;
  announce: string[];
  urlList: string[];
  onProgress?: (hashed: number, total: number) => void;
}

/** The .torrent's "created by" field. */
const CREATED_BY = "peerpilot";

export interface MadeTorrent {
  torrentFile: Uint8Array;
  infoHash: string;
  name: string;
}

/** SHA-1 of every `pieceLength` bytes of `file`, concatenated (20 bytes a piece). */
export async function hashPieces(
  file: string,
  length: number,
  pieceLength: number,
  onProgress?: (hashed: number, total: number) => void,
): Promise<Buffer> {
  const count = Math.ceil(length / pieceLength);
  const pieces = Buffer.alloc(count * 20);
  const handle = await open(file, "r");
  try {
    // Read several pieces at a time: fewer system calls, same hashes.
    const piecesPerRead = Math.max(1, Math.floor((8 * 1024 * 1024) / pieceLength));
    const buffer = Buffer.alloc(piecesPerRead * pieceLength);
    let position = 0;
    let piece = 0;
    while (position < length) {
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(buffer.length, length - position),
        position,
      );
      if (bytesRead === 0)
        throw new Error(
          `${file} ended at ${position} bytes, expected ${length}: was it changed while hashing?`,
        );
      for (let offset = 0; offset < bytesRead; offset += pieceLength) {
        const end = Math.min(offset + pieceLength, bytesRead);
        createHash("sha1")
          .update(buffer.subarray(offset, end))
          .digest()
          .copy(pieces, piece * 20);
        piece++;
      }
      position += bytesRead;
      onProgress?.(position, length);
    }
  } finally {
    await handle.close();
  }
  return pieces;
}

/** What a v1 torrent's info dictionary is made of, once the pieces are hashed. */
export interface TorrentContent {
  name: string;
  length: number;
  pieceLength: number;
  /** SHA-1 of every piece, 20 bytes each. */
  pieces: Uint8Array;
}

/**
 * The .torrent of hashed content, with its trackers and web seeds (outside `info`: they do not change the
 * info hash).
 */
export function torrentFromPieces(
  content: TorrentContent,
  announce: readonly string[],
  urlList: readonly string[],
): MadeTorrent {
  const info = {
    length: content.length,
    name: content.name,
    "piece length": content.pieceLength,
    pieces: Buffer.from(content.pieces),
    private: 0,
  };
  const torrent: Record<string, unknown> = {
    info,
    "creation date": Math.floor(Date.now() / 1000),
    encoding: "UTF-8",
    "created by": CREATED_BY,
  };
  if (announce.length > 0) {
    torrent.announce = announce[0];
    torrent["announce-list"] = announce.map((url) => [url]);
  }
  if (urlList.length > 0) torrent["url-list"] = [...urlList];
  return {
    torrentFile: bencode.encode(torrent),
    infoHash: createHash("sha1").update(bencode.encode(info)).digest("hex"),
    name: content.name,
  };
}

export async function makeTorrent(input: TorrentInput): Promise<MadeTorrent> {
  const pieces = await hashPieces(input.file, input.length, input.pieceLength, input.onProgress);
  return torrentFromPieces(
    { name: basename(input.file), length: input.length, pieceLength: input.pieceLength, pieces },
    input.announce,
    input.urlList,
  );
}
