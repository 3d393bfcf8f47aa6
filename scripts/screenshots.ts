/**
 * `npm run screenshots`: the README's pictures, taken from the real pages. Starts the local
 * campaign (as `npm start` does, on free ports), then in Chromium with the dev wallet saves
 * full-page PNGs of the watch page, of the back page before connecting, connected, and after a
 * confirmed pledge, and of the verify page saying "exact match", 1280 px wide and 360 px wide.
 * Every shot waits for what it shows (the live figures read, the balances, the confirmation, the
 * verdict), never for a fixed time.
 */
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { launchChromium } from "../test/helpers/browser.ts";
import { parseCli, progress, runCli } from "./lib/cli.ts";
import { devAccount } from "./lib/dev-accounts.ts";
import { startLocalStack, type LocalStack } from "./lib/local-stack.ts";
import {
  connectButton,
  openBackPageWithWallet,
  waitForConfirmation,
  waitForConnected,
  waitForProgressFigures,
  waitForVerdict,
} from "./bench/pages.ts";

const USAGE = `
Usage: npm run screenshots [-- options]

Starts the local campaign on free ports and saves full-page PNG screenshots of the real pages,
1280 px wide (desktop) and 360 px wide (mobile):
  back-connect-<width>.png    the back page before connecting (the wallet offered)
  back-connected-<width>.png  connected with a dev wallet (balances shown)
  back-pledged-<width>.png    after a pledge confirmed on the local chain
  watch-<width>.png           the watch page afterwards: live figures and recent backers
  verify-<width>.png          the verify page's first screen: exact match for the local escrow, every check
where <width> is desktop or mobile.

Options:
  --out <dir>   where the PNGs go (default docs/screenshots)
  -h, --help    this help
`;

/** Pixel ratio 1 keeps the PNGs small; the README shows them at about this size anyway. */
const VIEWPORTS: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  mobile: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
};

/** Writes `page` as a PNG: the whole page, or only what the first screen shows (`fullPage: false`). */
async function shoot(page: Page, file: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: file, fullPage, animations: "disabled", caret: "hide" });
  const { size } = await stat(file);
  process.stdout.write(`${relative(process.cwd(), file)}  ${(size / 1024).toFixed(0)} KiB\n`);
}

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

async function screenshots(browser: Browser, stack: LocalStack, out: string): Promise<void> {
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
  for (const [width, options] of Object.entries(VIEWPORTS)) {
    progress(`screenshots: the watch page, ${width}…`);
    const context = await browser.newContext(options);
    try {
      const page = await context.newPage();
      await page.goto(stack.siteUrl);
      await waitForProgressFigures(page);
      await waitForRecentBackers(page);
      await shoot(page, join(out, `watch-${width}.png`));
    } finally {
      await context.close();
    }
  }
  for (const [width, options] of Object.entries(VIEWPORTS)) {
    progress(`screenshots: the verify page, ${width}…`);
    const context = await browser.newContext(options);
    try {
      const page = await context.newPage();
      await page.goto(new URL("verify.html", stack.siteUrl).href);
      await waitForVerdict(page);
      // The README shows the local escrow verified: any other verdict is a broken page, not a picture.
      const verdict = await page.locator("pp-verify").getAttribute("data-verdict");
      if (verdict !== "exact-match")
        throw new Error(
          `The verify page says ${verdict ?? "nothing"}, not exact-match, for the local escrow: fix the page before taking its picture.`,
        );
      // The first screen: the verdict and the first checks (the whole table is several screens tall).
      await shoot(page, join(out, `verify-${width}.png`), false);
    } finally {
      await context.close();
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseCli(USAGE, {
    out: { type: "string", default: "docs/screenshots" },
  });
  const out = resolve(values.out);
  await mkdir(out, { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), "peerpilot-screenshots-"));
  progress("screenshots: starting the local campaign…");
  const stack = await startLocalStack({ dir, onProgress: (message) => progress(`screenshots: ${message}`) });
  try {
    const browser = await launchChromium();
    try {
      await screenshots(browser, stack, out);
    } finally {
      await browser.close();
    }
  } finally {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  }
}

runCli(main);
