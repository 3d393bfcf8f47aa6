/** `npm run screenshots`: the README's pictures, taken from the real pages (scripts/lib/screenshots.ts). */
import { relative } from "node:path";
import { formatBytes } from "../site/lib/format.ts";
import { command, progress, runCli } from "./lib/cli.ts";
import { SCREENSHOTS_DIR, takeScreenshots } from "./lib/screenshots.ts";

const cli = command(
  "npm run screenshots --",
  "Starts the local campaign on free ports and saves full-page PNG screenshots of the real pages, 1280 px wide (desktop) and 360 px wide (mobile).",
)
  .option("--out <dir>", "where the PNGs go", SCREENSHOTS_DIR)
  .addHelpText(
    "after",
    `
Files, where <width> is desktop or mobile:
  back-connect-<width>.png    the back page before connecting (the wallet offered)
  back-connected-<width>.png  connected with a dev wallet (balances shown)
  back-pledged-<width>.png    after a pledge confirmed on the local chain
  watch-<width>.png           the watch page afterwards: live figures and recent backers
  verify-<width>.png          the verify page's first screen: exact match for the local escrow, every check`,
  )
  .action(async (options) => {
    await takeScreenshots({
      out: options.out,
      onProgress: progress,
      onShot: ({ file, bytes }) =>
        process.stdout.write(`${relative(process.cwd(), file)}  ${formatBytes(bytes)}\n`),
    });
  });

runCli(cli);
