/**
 * Driving the pilot player on a page in Chromium: press play, wait for playback, read what the
 * player shows and the route it took. Shared by the player's browser tests.
 */
import type { Page } from "playwright-core";

/**
 * What the player shows: its route, the bytes by source, the video's time and source, stats, status and
 * alert.
 */
export async function playerState(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector<HTMLElement>("[data-player]");
    const video = document.querySelector("video");
    return {
      route: root?.dataset.route,
      fromPeers: Number(root?.dataset.fromPeers ?? 0),
      fromWebSeeds: Number(root?.dataset.fromWebSeeds ?? 0),
      currentTime: video?.currentTime ?? 0,
      currentSrc: video?.currentSrc ?? "",
      stats: document.querySelector("[data-player-stats]")?.textContent?.replace(/\s+/g, " ").trim() ?? "",
      status: document.querySelector("[data-player-status]")?.textContent ?? "",
      alert: document.querySelector("[data-player-alert]")?.textContent ?? "",
    };
  });
}

/** Presses "Watch the pilot", as a fan would. */
export async function pressPlay(page: Page): Promise<void> {
  await page.getByRole("button", { name: /watch the pilot/i }).click();
}

/** Waits until the video has played past `seconds`. */
export async function playsPast(page: Page, seconds: number): Promise<void> {
  await page.waitForFunction((t) => (document.querySelector("video")?.currentTime ?? 0) > t, seconds, {
    timeout: 30_000,
  });
}

/**
 * Seeks the playing video to `seconds` and resolves with the milliseconds from setting
 * `currentTime` to the first frame from the new position presented (`seeked`, then a
 * `requestVideoFrameCallback` whose media time is at the target's keyframe or later); -1 if
 * none within `timeoutMs`.
 */
export async function seekToFrame(page: Page, seconds: number, timeoutMs = 30_000): Promise<number> {
  // Anonymous functions only: tsx names named ones with a helper the page does not have.
  return page.evaluate(
    async ([target, timeout]) => {
      const video = document.querySelector("video");
      if (video === null) return -1;
      const start = performance.now();
      const frameThere = (async () => {
        const seeked = new Promise((resolve) => video.addEventListener("seeked", resolve, { once: true }));
        video.currentTime = target;
        await seeked;
        // A keyframe every 2 s in the test pilots: the first frame shown may be up to 2 s early.
        for (;;) {
          const frame = await new Promise<VideoFrameCallbackMetadata>((resolve) =>
            video.requestVideoFrameCallback((_now, metadata) => resolve(metadata)),
          );
          if (frame.mediaTime >= target - 2.5) return performance.now() - start;
        }
      })();
      return Promise.race([
        frameThere,
        new Promise<number>((resolve) => setTimeout(() => resolve(-1), timeout)),
      ]);
    },
    [seconds, timeoutMs] as const,
  );
}

/**
 * What went wrong on a page while it played: console errors, uncaught errors, failed requests and
 * HTTP errors (≥ 400). Requests to `ignoreOrigins` (e.g. a chain RPC the progress panel polls and
 * the test does not run) are left out.
 */
export function watchForProblems(page: Page, ignoreOrigins: string[] = []): { list: string[] } {
  const list: string[] = [];
  const ignored = (url: string) => ignoreOrigins.some((origin) => url.startsWith(origin));
  page.on("console", (message) => {
    if (message.type() === "error" && !ignored(message.location().url))
      list.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => list.push(`uncaught: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400 && !ignored(response.url()))
      list.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("requestfailed", (request) => {
    const failure = request.failure()?.errorText ?? "failed";
    // A blocked web seed (page.route abort) and media requests the player cancels are expected.
    if (failure === "net::ERR_FAILED" || failure === "net::ERR_ABORTED" || ignored(request.url())) return;
    list.push(`request ${failure}: ${request.url()}`);
  });
  return { list };
}

/**
 * In the page (pass to `page.evaluate` or call inside one): the player's User Timing marks
 * (`peerpilot:<step>`, site/lib/player.ts), ms after its "start" mark, the first of each step.
 */
export function playerMarks(): Record<string, number> {
  const marks = performance.getEntriesByType("mark").filter((entry) => entry.name.startsWith("peerpilot:"));
  const start = marks.find((entry) => entry.name === "peerpilot:start")?.startTime ?? 0;
  const first: Record<string, number> = {};
  for (const entry of marks)
    first[entry.name.slice("peerpilot:".length)] ??= Math.round(entry.startTime - start);
  return first;
}

/** The peers and the share from peers as the stats tell them, and as the status line tells them. */
export function toldFigures(state: { stats: string; status: string }) {
  return {
    statsPeers: state.stats.match(/Peers\s*(\d+) peers?/)?.[1],
    statusPeers: state.status.match(/(\d+) peers? connected/)?.[1],
    statsShare: state.stats.match(/(\d+)% from peers/)?.[1],
    /** Absent once the whole pilot is here: the status line then tells that the page shares. */
    statusShare: state.status.match(/^Streaming: \d+ peers? connected, (.+)\.$/)?.[1],
  };
}
