/**
 * Piece length for a torrent of `length` bytes: aim for about 1,000–2,000 pieces, a power of two
 * from 16 KiB to 4 MiB. A one-hour pilot of 1–2 GB gets 1 MiB pieces (≈1,000–2,000 pieces): small
 * enough that a streaming player fetches what it needs to start playing quickly and a corrupted
 * piece costs little to fetch again, large enough that the .torrent stays small (20 bytes of hash
 * per piece: ≈40 KB for 2 GB).
 */
export const MIN_PIECE_LENGTH = 16 * 1024;
export const MAX_PIECE_LENGTH = 4 * 1024 * 1024;
const TARGET_PIECES = 1_024;

export function pieceLengthFor(length: number): number {
  let pieceLength = MIN_PIECE_LENGTH;
  while (pieceLength < MAX_PIECE_LENGTH && length / pieceLength > 2 * TARGET_PIECES) pieceLength *= 2;
  return pieceLength;
}
