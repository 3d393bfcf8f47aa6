/**
 * Driving the pilot player on a page in Chromium: press play, wait for playback, read what the
 * player shows and the route it took. Shared by the player's browser tests.
 */
import type { Page } from "playwright-core";

/** What the player shows: its route, the bytes by source, the video's time and source, stats, status and alert. */
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
  await page.waitForFunction((t) => (document.querySelector("video")?.currentTime ?? 0) > t, seconds, { timeout: 30_000 });
}
