/**
 * Runs inside a network namespace made by webrtc.test.ts (and the WebRTC benchmark): a tracker,
 * a Node seeder, a web seed, the built site and Chromium, all in the namespace, so Chromium's
 * WebRTC (which never uses loopback) reaches the seeder over the namespace's own veth address
 * and no packet can leave. Run as a program it prints one JSON line of results; imported (the
 * test runner imports every file under test/) it does nothing.
 *
 * Usage: tsx test/browser/webrtc-driver.ts <built site dir> <runs>
 */
import { pathToFileURL } from "node:url";
import { startSeeder } from "../../scripts/lib/p2p/seeder.ts";
import { startLocalTracker } from "../../scripts/lib/p2p/tracker.ts";
import { startStaticServer, startWebSeed } from "../../scripts/lib/static-server.ts";
import { launchChromium } from "../helpers/browser.ts";
import { PILOT_BYTES } from "../pilot/swarm.ts";
import { NAMESPACE_PORTS } from "./namespace.ts";

export interface RunResult {
  played: boolean;
  firstFrameMs: number;
  /** Click to the whole pilot downloaded (-1 if it did not finish within the wait). */
  completeMs: number;
  route: string | undefined;
  fromPeers: number;
  fromWebSeeds: number;
  error?: string;
}

export type DriverResults = { peersOnly: RunResult[]; peerAndWebSeed: RunResult[] };

/** Runs the scenarios `runs` times against the site built in `siteDir`. */
export async function drive(siteDir: string, runs: number): Promise<DriverResults> {
  const tracker = await startLocalTracker(NAMESPACE_PORTS.tracker);
  const webSeed = await startWebSeed("media/sample-pilot.mp4", NAMESPACE_PORTS.webSeed);
  const site = await startStaticServer(siteDir, NAMESPACE_PORTS.site);
  const seeder = await startSeeder({ file: "media/sample-pilot.mp4", trackers: [tracker.wsAnnounce], webSeeds: [] });
  // Chromium hides host addresses behind mDNS names by default; the Node seeder cannot resolve them.
  const browser = await launchChromium(["--disable-features=WebRtcHideLocalIpsWithMdns"]);

  async function watch(blockWebSeed: boolean): Promise<RunResult> {
    const context = await browser.newContext();
    const page = await context.newPage();
    if (blockWebSeed) await page.route(`${webSeed.url}/**`, (route) => route.abort());
    try {
      await page.goto(`${site.url}/`);
      const clicked = performance.now();
      await page.getByRole("button", { name: /watch the pilot/i }).click();
      await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 0, null, { timeout: 30_000 });
      const firstFrameMs = performance.now() - clicked;
      await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 2, null, { timeout: 30_000 });
      const completeMs = await page
        .waitForFunction(() => document.querySelector<HTMLElement>("[data-player]")?.dataset.progress === "1", null, { timeout: 30_000 })
        .then(() => performance.now() - clicked, () => -1);
      // The stats update once a second: wait until they count every byte of the pilot.
      await page
        .waitForFunction(
          (length) => {
            const data = document.querySelector<HTMLElement>("[data-player]")?.dataset;
            return Number(data?.fromPeers ?? 0) + Number(data?.fromWebSeeds ?? 0) >= length;
          },
          PILOT_BYTES,
          { timeout: 10_000 },
        )
        .catch(() => undefined);
      const state = await page.evaluate(() => {
        const root = document.querySelector<HTMLElement>("[data-player]");
        return { route: root?.dataset.route, fromPeers: Number(root?.dataset.fromPeers ?? 0), fromWebSeeds: Number(root?.dataset.fromWebSeeds ?? 0) };
      });
      return { played: true, firstFrameMs, completeMs, ...state };
    } catch (error) {
      return { played: false, firstFrameMs: -1, completeMs: -1, route: undefined, fromPeers: 0, fromWebSeeds: 0, error: (error as Error).message };
    } finally {
      await context.close();
    }
  }

  const results: DriverResults = { peersOnly: [], peerAndWebSeed: [] };
  for (let run = 0; run < runs; run++) {
    results.peersOnly.push(await watch(true));
    results.peerAndWebSeed.push(await watch(false));
  }
  await browser.close();
  await seeder.close();
  await site.close();
  await webSeed.close();
  await tracker.close();
  return results;
}

// Only when run as a program (inside the namespace), never when a test runner imports this file.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [siteDir, runs = "1"] = process.argv.slice(2);
  if (siteDir === undefined) throw new Error("usage: webrtc-driver.ts <built site dir> [runs]");
  const results = await drive(siteDir, Number(runs));
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
