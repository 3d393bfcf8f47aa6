/**
 * The chunk store of the swarm benchmark's Node fans: 27 fans × a 1 GB pilot would write 27 GB,
 * so a fan keeps only *which* pieces it holds and serves reads from the original file.
 *
 * That is faithful: WebTorrent hashes every piece on arrival and calls `put` only when its SHA-1
 * equals the torrent's (torrent.js, before `store.put`), so a piece a fan holds is provably the
 * original's bytes; serving the original's bytes for it is serving what the fan received. A piece
 * the fan does not hold is missing, exactly as in a real store, so nothing is uploaded that was
 * not downloaded and verified first. (abstract-chunk-store interface: put/get/close/destroy.)
 */
import { closeSync, openSync, read } from "node:fs";

type Callback<T = void> = (error: Error | null, value?: T) => void;

export interface VerifiedPiecesStoreOptions {
  /** Bytes of the whole torrent. */
  length: number;
  /** The original file, read for every piece the fan holds. */
  original: string;
}

export class VerifiedPiecesStore {
  readonly chunkLength: number;
  readonly #length: number;
  readonly #held = new Set<number>();
  #fd: number | undefined;
  #closed = false;

  constructor(chunkLength: number, options: VerifiedPiecesStoreOptions) {
    this.chunkLength = chunkLength;
    this.#length = options.length;
    this.#fd = openSync(options.original, "r");
  }

  /** Pieces held so far. */
  get held(): number {
    return this.#held.size;
  }

  #chunkSize(index: number): number {
    return Math.min(this.chunkLength, this.#length - index * this.chunkLength);
  }

  put(index: number, buffer: Uint8Array, callback: Callback = () => undefined): void {
    if (this.#closed) return queueMicrotask(() => callback(new Error("the store is closed")));
    if (buffer.length !== this.#chunkSize(index)) {
      return queueMicrotask(() =>
        callback(new Error(`piece ${index} has ${buffer.length} bytes, not ${this.#chunkSize(index)}`)),
      );
    }
    this.#held.add(index);
    queueMicrotask(() => callback(null));
  }

  get(
    index: number,
    options: { offset?: number; length?: number } | null | Callback<Uint8Array>,
    callback?: Callback<Uint8Array>,
  ): void {
    const done = (typeof options === "function" ? options : callback) ?? (() => undefined);
    const opts = typeof options === "function" || options === null ? {} : options;
    if (this.#closed || this.#fd === undefined)
      return queueMicrotask(() => done(new Error("the store is closed")));
    if (!this.#held.has(index))
      return queueMicrotask(() => done(new Error(`piece ${index} is not held yet`)));
    const offset = opts.offset ?? 0;
    const length = opts.length ?? this.#chunkSize(index) - offset;
    const buffer = Buffer.alloc(length);
    read(this.#fd, buffer, 0, length, index * this.chunkLength + offset, (error, bytesRead) => {
      if (error) return done(error);
      if (bytesRead !== length) return done(new Error(`short read of piece ${index}`));
      done(null, buffer);
    });
  }

  close(callback: Callback = () => undefined): void {
    if (!this.#closed && this.#fd !== undefined) closeSync(this.#fd);
    this.#closed = true;
    this.#fd = undefined;
    queueMicrotask(() => callback(null));
  }

  destroy(callback: Callback = () => undefined): void {
    this.close(callback);
  }
}

/** The class WebTorrent instantiates (`new Store(chunkLength, opts)`), bound to one original file. */
export function verifiedPiecesStore(
  original: string,
): new (chunkLength: number, options: { length: number }) => VerifiedPiecesStore {
  return class extends VerifiedPiecesStore {
    constructor(chunkLength: number, options: { length: number }) {
      super(chunkLength, { length: options.length, original });
    }
  };
}
