/**
 * The full-size test pilot the benchmarks use (never `npm test`): one hour of 720p H.264/AAC,
 * faststart (the index at the front), a keyframe every 2 s, about 1 GB, with WebVTT captions and a
 * poster frame. Made quickly with Debian's ffmpeg: a few minutes are encoded once, then copies of
 * them are concatenated with stream copy (no re-encode). Cached under `.peerpilot/full-pilot/`
 * (ignored by git) and made again only when the recipe below changes.
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { progress } from "./cli.ts";

/** The recipe: what the file is. Changing any of it makes the cache stale. */
export const FULL_PILOT_RECIPE = {
  /** Seconds encoded once. */
  segmentSeconds: 240,
  /** Copies concatenated: 15 × 240 s = one hour. */
  copies: 15,
  width: 1280,
  height: 720,
  fps: 24,
  /** Keyframe interval in frames (2 s): a seek lands at most 2 s before its target. */
  gop: 48,
  /**
   * Video bitrate: with grain (`noise`) in the test picture the encoder spends all of it, so one
   * hour weighs about 1 GB, as a real one-hour 720p pilot does.
   */
  videoKbps: 2100,
  audioKbps: 96,
  title: "The Long Dark Between (full-size test pilot)",
} as const;

export interface FullPilot {
  video: string;
  captions: string;
  poster: string;
  /** Bytes of the video. */
  length: number;
  /** Seconds. */
  duration: number;
}

const DEFAULT_DIR = resolve(".peerpilot/full-pilot");

function ffmpeg(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("error", (error: NodeJS.ErrnoException) =>
      fail(
        error.code === "ENOENT"
          ? new Error("ffmpeg is not installed: the full-size pilot needs it (apt install ffmpeg)")
          : error,
      ),
    );
    child.once("exit", (code) => (code === 0 ? done() : fail(new Error(`ffmpeg exited with code ${code}`))));
  });
}

/** One cue every 20 s for the whole hour, "HH:MM:SS.000". */
export function fullPilotCaptions(seconds: number): string {
  const stamp = (s: number) =>
    [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60]
      .map((n) => String(n).padStart(2, "0"))
      .join(":") + ".000";
  const cues = ["WEBVTT", ""];
  for (let start = 5, cue = 1; start + 8 <= seconds; start += 20, cue++) {
    cues.push(
      String(cue),
      `${stamp(start)} --> ${stamp(start + 8)}`,
      `[Minute ${Math.floor(start / 60)}] The survey ship Meridian drifts on.`,
      "",
    );
  }
  return cues.join("\n");
}

/** The full-size pilot, made first if it is not cached yet (about 2 minutes on 2 cores). */
export async function fullPilot(dir = DEFAULT_DIR): Promise<FullPilot> {
  const recipe = FULL_PILOT_RECIPE;
  const files = {
    video: join(dir, "pilot-1h.mp4"),
    captions: join(dir, "pilot-1h.vtt"),
    poster: join(dir, "pilot-1h.jpg"),
  };
  const stampFile = join(dir, "recipe.json");
  const stamp = JSON.stringify(recipe);
  const duration = recipe.segmentSeconds * recipe.copies;
  const cached = await readFile(stampFile, "utf8").catch(() => "");
  if (cached !== stamp) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const segment = join(dir, "segment.mp4");
    progress(`full-size pilot: encoding ${recipe.segmentSeconds} s of ${recipe.height}p with ffmpeg…`);
    await ffmpeg([
      ...[
        "-f",
        "lavfi",
        "-i",
        `testsrc2=size=${recipe.width}x${recipe.height}:rate=${recipe.fps}:duration=${recipe.segmentSeconds},noise=alls=12:allf=t`,
      ],
      ...["-f", "lavfi", "-i", `sine=frequency=330:sample_rate=48000:duration=${recipe.segmentSeconds}`],
      ...["-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p"],
      ...[
        "-b:v",
        `${recipe.videoKbps}k`,
        "-maxrate",
        `${Math.round(recipe.videoKbps * 1.1)}k`,
        "-bufsize",
        `${recipe.videoKbps * 2}k`,
      ],
      ...["-g", String(recipe.gop), "-keyint_min", String(recipe.gop), "-sc_threshold", "0"],
      ...["-c:a", "aac", "-b:a", `${recipe.audioKbps}k`, segment],
    ]);
    progress(`full-size pilot: concatenating ${recipe.copies} copies (stream copy, faststart)…`);
    const list = join(dir, "segments.txt");
    await writeFile(
      list,
      `${Array.from({ length: recipe.copies }, () => "file 'segment.mp4'").join("\n")}\n`,
    );
    const partial = `${files.video}.partial.mp4`;
    await ffmpeg([
      "-f",
      "concat",
      "-safe",
      "0",
      "-i",
      list,
      "-c",
      "copy",
      "-movflags",
      "+faststart",
      "-metadata",
      `title=${recipe.title}`,
      partial,
    ]);
    await ffmpeg(["-ss", "12", "-i", segment, "-frames:v", "1", "-q:v", "4", files.poster]);
    await writeFile(files.captions, fullPilotCaptions(duration));
    await rm(segment);
    await rm(list);
    await rename(partial, files.video);
    await writeFile(stampFile, stamp);
  }
  const { size } = await stat(files.video);
  return { ...files, length: size, duration };
}
