/**
 * Content encoded for IPFS exactly as `npm run pin` encodes it (encode.ts), with
 * the CAR shards kept in memory: what a local gateway is given to serve.
 */
import { encodeDirectory, encodeFile, type EncoderFile, type EncodeOptions, type Encoded } from "./encode.ts";

/** A root CID and the CAR shards that hold its blocks. */
export interface EncodedCars {
  root: string;
  /** The shards' CIDs (`bag…`), as the manifest lists them. */
  shards: string[];
  cars: Blob[];
  /** The whole encoding (root, bytes, shards with their sizes), as the manifest section takes it. */
  encoded: Encoded;
}

async function keepCars(encode: (options: EncodeOptions) => Promise<Encoded>): Promise<EncodedCars> {
  const cars: Blob[] = [];
  const encoded = await encode({ onShard: ({ car }) => void cars.push(car) });
  return { root: encoded.root, shards: encoded.shards.map((shard) => shard.cid), cars, encoded };
}

/** One file (the pilot) as UnixFS, in CARs. */
export function fileCars(file: Blob): Promise<EncodedCars> {
  return keepCars((options) => encodeFile(file, options));
}

/** Files as one UnixFS directory (the built site), in CARs. */
export function directoryCars(files: EncoderFile[]): Promise<EncodedCars> {
  return keepCars((options) => encodeDirectory(files, options));
}
