/** Waiting for a condition in tests, never for a fixed time. */

export interface WaitOptions {
  /** What is awaited, for the timeout's message. */
  what: string;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** How often to check (default 20 ms). */
  intervalMs?: number;
}

/**
 * Resolves as soon as `condition()` is true; rejects, naming `what`, once `timeoutMs` has passed without it.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { what, timeoutMs = 10_000, intervalMs = 20 }: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, intervalMs));
  }
}
