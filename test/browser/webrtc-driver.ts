/**
 * Runs inside a network namespace made by webrtc.test.ts (and the player benchmark): a tracker,
 * a Node seeder, a web seed, the built site and Chromium, all in the namespace, so Chromium's
 * WebRTC (which never uses loopback) reaches the seeder over the namespace's own veth address
 * and no packet can leave. Run as a program it prints one JSON line of results; imported (the
 * test runner imports every file under test/) it does nothing.
 *
 * Usage: tsx test/browser/webrtc-driver.ts <built site dir> <runs> [options as JSON: DriveOptions]
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startSeeder } from "../../scripts/lib/p2p/seeder.ts";
import { startLocalTracker } from "../../scripts/lib/p2p/tracker.ts";
import { startStaticServer, startWebSeed } from "../../scripts/lib/static-server.ts";
import type { ManifestInput } from "../../site/lib/manifest.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from "../helpers/browser.ts";
import { PILOT } from "../helpers/pilot.ts";
import { NAMESPACE_PORTS } from "./namespace.ts";
import { samplePeakMemory, treeMemory, type TreeMemory } from "./player-memory.ts";
import { playerMarks, seekToFrame, watchForProblems } from "./player-page.ts";
import { isMainModule } from "../../scripts/lib/main-module.ts";

/**
 * The fixture campaign's chain RPCs (pilot-site.ts builds on it): no chain runs here, and the progress panel
 * says so itself.
 */
const FIXTURE_RPCS: string[] = (
  JSON.parse(await readFile("test/fixtures/campaign.json", "utf8")) as ManifestInput
).chain.rpcUrls;

/** Chromium hides host addresses behind mDNS names by default; the Node seeder cannot resolve them. */
const NO_MDNS = "--disable-features=WebRtcHideLocalIpsWithMdns";

export interface DriveOptions {
  /** The video the seeder and the web seed serve; the site must be built for it (default: the sample). */
  pilot?: string;
  /** Every run waits until the whole pilot is here and counted (default: true; the sample takes a second). */
  waitComplete?: boolean;
  /**
   * Seconds to seek to after the first frame, one after the other (the benchmark: 45:00, the last minute).
   */
  seeks?: number[];
  /** Once more, from the seeder alone: the whole pilot, with the browser's memory sampled throughout. */
  wholeFile?: boolean;
}

export interface SeekResult {
  to: number;
  /** Setting currentTime to a frame from the new position presented (ms), -1 if none within the wait. */
  ms: number;
}

export interface RunResult {
  played: boolean;
  firstFrameMs: number;
  /** Click to the whole pilot downloaded (-1 if not awaited or it did not finish within the wait). */
  completeMs: number;
  seeks: SeekResult[];
  route: string | undefined;
  fromPeers: number;
  fromWebSeeds: number;
  /** The player's status line and stats as the page shows them at the end of the run. */
  status: string;
  stats: string;
  /** The player's User Timing marks (site/lib/player.ts), ms after its "start" mark, first of each. */
  marks: Record<string, number>;
  /** Console errors, failed requests and HTTP errors the page met. */
  problems: string[];
  error?: string;
}

export interface WholeFileResult {
  bytes: number;
  /** Click to the last piece verified (ms), -1 if it did not finish. */
  completeMs: number;
  /** Memory of every Chromium process with the page loaded, before the click. */
  before: TreeMemory;
  /** Peak memory of every Chromium process while it downloaded. */
  peak: TreeMemory;
  /** The status line once the pilot was complete. */
  status: string;
  error?: string;
}

export type DriverResults = {
  peersOnly: RunResult[];
  peerAndWebSeed: RunResult[];
  wholeFile?: WholeFileResult;
};

/**
 * Presses play on the site's page (opened first unless `loaded`) and waits for the first frame; returns the
 * click time.
 */
async function playFrom(
  page: Page,
  siteUrl: string,
  { loaded = false } = {},
): Promise<{ clicked: number; firstFrameMs: number }> {
  if (!loaded) await page.goto(`${siteUrl}/`);
  const clicked = performance.now();
  await page.getByRole("button", { name: /watch the pilot/i }).click();
  await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 0, null, {
    timeout: 30_000,
    polling: "raf",
  });
  return { clicked, firstFrameMs: performance.now() - clicked };
}

async function shown(page: Page) {
  const marks = await page.evaluate(playerMarks);
  const state = await page.evaluate(() => {
    const root = document.querySelector<HTMLElement>("[data-player]");
    return {
      route: root?.dataset.route,
      fromPeers: Number(root?.dataset.fromPeers ?? 0),
      fromWebSeeds: Number(root?.dataset.fromWebSeeds ?? 0),
      status: document.querySelector("[data-player-status]")?.textContent ?? "",
      stats: document.querySelector("[data-player-stats]")?.textContent?.replace(/\s+/g, " ").trim() ?? "",
    };
  });
  return { ...state, marks };
}

/** Runs the scenarios `runs` times against the site built in `siteDir`. */
export async function drive(
  siteDir: string,
  runs: number,
  options: DriveOptions = {},
): Promise<DriverResults> {
  const pilot = options.pilot ?? PILOT;
  const { size: pilotBytes } = await stat(pilot);
  const waitComplete = options.waitComplete ?? true;
  const tracker = await startLocalTracker(NAMESPACE_PORTS.tracker);
  const webSeed = await startWebSeed(pilot, NAMESPACE_PORTS.webSeed);
  const site = await startStaticServer(siteDir, NAMESPACE_PORTS.site);
  const seeder = await startSeeder({ file: pilot, trackers: [tracker.wsAnnounce], webSeeds: [] });
  const browser = await launchChromium([NO_MDNS]);

  async function watch(context: BrowserContext, blockWebSeed: boolean): Promise<RunResult> {
    const page = await context.newPage();
    const problems = watchForProblems(page, FIXTURE_RPCS);
    if (blockWebSeed) await page.route(`${webSeed.url}/**`, (route) => route.abort());
    try {
      const { clicked, firstFrameMs } = await playFrom(page, site.url);
      await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 2, null, {
        timeout: 30_000,
      });
      const seeks: SeekResult[] = [];
      for (const to of options.seeks ?? []) seeks.push({ to, ms: await seekToFrame(page, to) });
      let completeMs = -1;
      if (waitComplete) {
        completeMs = await page
          .waitForFunction(
            () => document.querySelector<HTMLElement>("[data-player]")?.dataset.progress === "1",
            null,
            { timeout: 30_000 },
          )
          .then(
            () => performance.now() - clicked,
            () => -1,
          );
        // The stats update once a second: wait until they count every byte of the pilot.
        await page
          .waitForFunction(
            (length) => {
              const data = document.querySelector<HTMLElement>("[data-player]")?.dataset;
              return (
                Number(data?.fromPeers ?? 0) + Number(data?.fromWebSeeds ?? 0) >= length &&
                data?.seeding === "true"
              );
            },
            pilotBytes,
            { timeout: 10_000 },
          )
          .catch(() => undefined);
      }
      return {
        played: true,
        firstFrameMs,
        completeMs,
        seeks,
        ...(await shown(page)),
        problems: problems.list,
      };
    } catch (error) {
      const partial = await shown(page).catch(() => ({
        route: undefined,
        fromPeers: 0,
        fromWebSeeds: 0,
        status: "",
        stats: "",
        marks: {},
      }));
      return {
        played: false,
        firstFrameMs: -1,
        completeMs: -1,
        seeks: [],
        ...partial,
        problems: problems.list,
        error: (error as Error).message,
      };
    } finally {
      await page.close();
    }
  }

  /**
   * The whole pilot from the seeder alone, in a profile on disk: a fan's browser keeps the
   * origin-private file system (where WebTorrent stores the pieces) on disk, while a Playwright
   * context, like a private window, keeps it in memory and would count the whole pilot as RAM.
   */
  async function wholeFile(): Promise<WholeFileResult> {
    const profile = await mkdtemp(join(tmpdir(), "peerpilot-profile-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS, NO_MDNS],
    });
    let before = treeMemory(process.pid);
    let memory = samplePeakMemory(process.pid);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.route(`${webSeed.url}/**`, (route) => route.abort());
      await page.goto(`${site.url}/`);
      before = treeMemory(process.pid);
      memory.stop();
      memory = samplePeakMemory(process.pid);
      const { clicked } = await playFrom(page, site.url, { loaded: true });
      const completeMs = await page
        .waitForFunction(
          () => document.querySelector<HTMLElement>("[data-player]")?.dataset.progress === "1",
          null,
          { timeout: 20 * 60_000, polling: 1_000 },
        )
        .then(
          () => performance.now() - clicked,
          () => -1,
        );
      const peak = memory.stop();
      await page
        .waitForFunction(
          () => document.querySelector<HTMLElement>("[data-player]")?.dataset.seeding === "true",
          null,
          { timeout: 5_000 },
        )
        .catch(() => undefined);
      return { bytes: pilotBytes, completeMs, before, peak, status: (await shown(page)).status };
    } catch (error) {
      return {
        bytes: pilotBytes,
        completeMs: -1,
        before,
        peak: memory.stop(),
        status: "",
        error: (error as Error).message,
      };
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  }

  const results: DriverResults = { peersOnly: [], peerAndWebSeed: [] };
  try {
    for (let run = 0; run < runs; run++) {
      for (const [list, blockWebSeed] of [
        [results.peersOnly, true],
        [results.peerAndWebSeed, false],
      ] as const) {
        const context = await browser.newContext();
        list.push(await watch(context, blockWebSeed));
        await context.close();
      }
    }
    // Alone, so that only its processes are counted.
    await browser.close();
    if (options.wholeFile) results.wholeFile = await wholeFile();
  } finally {
    await browser.close();
    await seeder.close();
    await site.close();
    await webSeed.close();
    await tracker.close();
  }
  return results;
}

// Only when run as a program (inside the namespace), never when a test runner imports this file.
if (isMainModule(import.meta.url)) {
  const [siteDir, runs = "1", options = "{}"] = process.argv.slice(2);
  if (siteDir === undefined)
    throw new Error("usage: webrtc-driver.ts <built site dir> [runs] [options JSON]");
  const results = await drive(siteDir, Number(runs), JSON.parse(options) as DriveOptions);
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
