/**
 * The README's pictures, taken from the real pages (`npm run screenshots`). Starts the local
 * campaign (as `npm start` does, on free ports), then in Chromium with the dev wallet saves
 * full-page PNGs of the watch page, of the back page before connecting, connected, and after a
 * confirmed pledge, and of the verify page saying "exact match", 1280 px wide and 360 px wide.
 * Every shot waits for what it shows (the live figures read, the balances, the confirmation, the
 * verdict), never for a fixed time.
 */
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { launchChromium } from "../../test/helpers/browser.ts";
import { devAccount } from "./dev-accounts.ts";
import { startLocalStack, type LocalStack } from "./local-stack.ts";
import {
  connectButton,
  openBackPageWithWallet,
  waitForConfirmation,
  waitForConnected,
  waitForProgressFigures,
  waitForVerdict,
} from "../bench/pages.ts";

/** Where the README's pictures live. */
export const SCREENSHOTS_DIR = "docs/screenshots";

export interface Screenshot {
  /** Absolute path of the PNG. */
  file: string;
  bytes: number;
}

export interface ScreenshotOptions {
  /** Where the PNGs go (default {@link SCREENSHOTS_DIR}). */
  out?: string;
  /** Each step as it starts, and each PNG as it is written. */
  onProgress?: (message: string) => void;
  onShot?: (shot: Screenshot) => void;
}

/**
 * Takes every screenshot (see the file's comment) into `out` and resolves with them, in the order
 * taken; the local campaign and Chromium are stopped whatever happens.
 */
export async function takeScreenshots(options: ScreenshotOptions = {}): Promise<Screenshot[]> {
  const progress = options.onProgress ?? (() => undefined);
  const out = resolve(options.out ?? SCREENSHOTS_DIR);
  await mkdir(out, { recursive: true });
  const shots: Screenshot[] = [];
  /** Writes `page` as a PNG: the whole page, or only what the first screen shows (`fullPage: false`). */
  const shoot = async (page: Page, file: string, fullPage = true) => {
    await page.screenshot({ path: file, fullPage, animations: "disabled", caret: "hide" });
    const shot = { file, bytes: (await stat(file)).size };
    shots.push(shot);
    options.onShot?.(shot);
  };
  const dir = await mkdtemp(join(tmpdir(), "peerpilot-screenshots-"));
  progress("screenshots: starting the local campaign…");
  const stack = await startLocalStack({ dir, onProgress: (message) => progress(`screenshots: ${message}`) });
  try {
    const browser = await launchChromium();
    try {
      await shootPages(browser, stack, out, progress, shoot);
    } finally {
      await browser.close();
    }
  } finally {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  }
  return shots;
}

/** Pixel ratio 1 keeps the PNGs small; the README shows them at about this size anyway. */
const VIEWPORTS: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  mobile: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
};

/** Resolves once every recent-backers feed on the page has read the escrow's pledges to the end. */
async function waitForRecentBackers(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll<HTMLElement>("pp-recent-backers")].every(
        (feed) => feed.dataset.state === "complete",
      ),
    null,
    {
      timeout: 30_000,
    },
  );
}

async function shootPages(
  browser: Browser,
  stack: LocalStack,
  out: string,
  progress: (message: string) => void,
  shoot: (page: Page, file: string, fullPage?: boolean) => Promise<void>,
): Promise<void> {
  for (const [index, [width, options]] of Object.entries(VIEWPORTS).entries()) {
    progress(`screenshots: the back page, ${width}…`);
    // One funded dev account per width, so each pledged shot shows a first pledge, not a top-up.
    const backer = devAccount(stack.backer.index + index);
    const { context, page } = await openBackPageWithWallet(browser, options, stack, backer.privateKey);
    try {
      await connectButton(page).waitFor();
      await waitForProgressFigures(page);
      await shoot(page, join(out, `back-connect-${width}.png`));

      await connectButton(page).click();
      await waitForConnected(page);
      await shoot(page, join(out, `back-connected-${width}.png`));

      await page.getByRole("button", { name: "Pledge", exact: true }).click();
      await waitForConfirmation(page);
      // Move focus off the status list so no focus ring sits in the picture.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await shoot(page, join(out, `back-pledged-${width}.png`));
    } finally {
      await context.close();
    }
  }
  // Last, so the watch page shows the pledges just made: figures and recent backers.
  await atEachWidth(browser, stack.siteUrl, async (page, width) => {
    progress(`screenshots: the watch page, ${width}…`);
    await waitForProgressFigures(page);
    await waitForRecentBackers(page);
    await shoot(page, join(out, `watch-${width}.png`));
  });
  await atEachWidth(browser, new URL("verify.html", stack.siteUrl).href, async (page, width) => {
    progress(`screenshots: the verify page, ${width}…`);
    await waitForVerdict(page);
    // The README shows the local escrow verified: any other verdict is a broken page, not a picture.
    const verdict = await page.locator("pp-verify").getAttribute("data-verdict");
    if (verdict !== "exact-match")
      throw new Error(
        `The verify page says ${verdict ?? "nothing"}, not exact-match, for the local escrow: fix the page before taking its picture.`,
      );
    // The first screen: the verdict and the first checks (the whole table is several screens tall).
    await shoot(page, join(out, `verify-${width}.png`), false);
  });
}

/** Opens `url` in a fresh browser context at each of {@link VIEWPORTS} and hands the page to `take`. */
async function atEachWidth(
  browser: Browser,
  url: string,
  take: (page: Page, width: string) => Promise<void>,
): Promise<void> {
  for (const [width, options] of Object.entries(VIEWPORTS)) {
    const context = await browser.newContext(options);
    try {
      const page = await context.newPage();
      await page.goto(url);
      await take(page, width);
    } finally {
      await context.close();
    }
  }
}
