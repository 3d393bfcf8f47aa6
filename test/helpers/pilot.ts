/** The sample pilot in media/: the file, its captions and its poster that the tests give away. */
import { stat } from "node:fs/promises";
import { basename } from "node:path";

/** The sample pilot, relative to the repository root (the tests' working directory). */
export const PILOT = "media/sample-pilot.mp4";
/** Its file name, as a torrent and a web seed URL name it. */
export const PILOT_NAME = basename(PILOT);
/** Its size in bytes. */
export const PILOT_BYTES = (await stat(PILOT)).size;
/** Its WebVTT captions. */
export const PILOT_CAPTIONS = "media/sample-pilot.vtt";
/** Its poster (JPEG). */
export const PILOT_POSTER = "media/sample-pilot.jpg";
