/**
 * Content encoded for IPFS exactly as `npm run pin` encodes it (encode.ts), with
 * the CAR shards kept in memory: what a local gateway is given to serve.
 */
import {
  encodeDirectory,
  encodeFile,
  type EncoderBlob,
  type EncoderFile,
  type EncodeOptions,
  type Encoded,
} from "./encode.ts";

/** An encoding (root, bytes, shards) with the CAR shards themselves. */
export type EncodedCars = Encoded & { cars: Blob[] };

async function keepCars(encode: (options: EncodeOptions) => Promise<Encoded>): Promise<EncodedCars> {
  const cars: Blob[] = [];
  const encoded = await encode({ onShard: ({ car }) => void cars.push(car) });
  return { ...encoded, cars };
}

/** One file (the pilot) as UnixFS, in CARs. */
export function fileCars(file: EncoderBlob): Promise<EncodedCars> {
  return keepCars((options) => encodeFile(file, options));
}

/** Files as one UnixFS directory (the built site), in CARs. */
export function directoryCars(files: EncoderFile[]): Promise<EncodedCars> {
  return keepCars((options) => encodeDirectory(files, options));
}
