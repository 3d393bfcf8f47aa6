/**
 * Progress lines for long work (hashing a one-hour pilot): bytes done, speed, ETA, at most a few
 * times a second, rewritten in place on a terminal and one line at a time elsewhere.
 */
const MIB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / (1024 * MIB)).toFixed(2)} GiB`;
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}

/** A reporter `(done, total) => void` that prints "label 1.2 GiB / 1.5 GiB (80%), 310 MiB/s, ETA 1 s". */
export function progressReporter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  intervalMs = 250,
) {
  const started = performance.now();
  let last = 0;
  return (done: number, total: number) => {
    const now = performance.now();
    const finished = done >= total;
    if (!finished && now - last < intervalMs) return;
    last = now;
    const seconds = (now - started) / 1000;
    const speed = seconds > 0 ? done / seconds : 0;
    const eta = speed > 0 ? (total - done) / speed : Number.POSITIVE_INFINITY;
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    const line = `${label} ${formatBytes(done)} / ${formatBytes(total)} (${percent}%), ${formatBytes(speed)}/s, ETA ${formatDuration(eta)}`;
    if (stream.isTTY) stream.write(`\r${line}${finished ? "\n" : ""}`);
    else stream.write(`${line}\n`);
  };
}
