/**
 * Lets the browser paint and handle input before the next piece of work, so the checks do not
 * hold the main thread in one long task (a phone spends tens of milliseconds parsing the artifact
 * or hashing a source): `scheduler.yield()` where there is one (it resumes ahead of other tasks),
 * a new task otherwise. In Node (`npm run verify`) it is a timer turn, which costs nothing there.
 */
export function yieldToMain(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === "function") return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve));
}
