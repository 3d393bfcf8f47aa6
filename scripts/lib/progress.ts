/**
 * Progress lines for long work (hashing a one-hour pilot): bytes done, speed, ETA, at most a few
 * times a second, rewritten in place on a terminal and one line at a time elsewhere.
 */
import { formatByteRate, formatBytes } from "../../site/lib/format.ts";

// The byte units' home is site/lib/format.ts; the pilot commands still import this name from here.

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}

/** How often a progress line is written, at most (the last one always is). */
const INTERVAL_MS = 250;

/**
 * A reporter `(done, total) => void` that prints "label 1.2 GiB / 1.5 GiB (80%), 310 MiB/s, ETA 1 s" on
 * stderr.
 */
export function progressReporter(label: string) {
  const stream = process.stderr;
  const started = performance.now();
  let last = 0;
  return (done: number, total: number) => {
    const now = performance.now();
    const finished = done >= total;
    if (!finished && now - last < INTERVAL_MS) return;
    last = now;
    const seconds = (now - started) / 1000;
    const speed = seconds > 0 ? done / seconds : 0;
    const eta = speed > 0 ? (total - done) / speed : Number.POSITIVE_INFINITY;
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    const line = `${label} ${formatBytes(done)} / ${formatBytes(total)} (${percent}%), ${formatByteRate(speed)}, ETA ${formatDuration(eta)}`;
    if (stream.isTTY) stream.write(`\r${line}${finished ? "\n" : ""}`);
    else stream.write(`${line}\n`);
  };
}
