/**
 * The built site from an IPFS path gateway, in Chromium: the site and the pilot are encoded as
 * `npm run pin` encodes them and served by a local gateway under `/ipfs/<cid>/`, the way a fan
 * reaches them through w3s.link or ipfs.io. (From a domain root: player.test.ts.)
 */
import assert from "node:assert/strict";
import { openAsBlob } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { directoryFiles } from "../../scripts/lib/ipfs/files.ts";
import { gatewayUrl } from "../../site/lib/ipfs-gateway.ts";
import fixture from "../fixtures/campaign.json" with { type: "json" };
import { launchChromium } from "../helpers/browser.ts";
import { directoryCars, fileCars } from "../../scripts/lib/ipfs/encoded-cars.ts";
import { startPathGateway, type PathGateway } from "../../scripts/lib/ipfs/gateway.ts";
import { pinnedPilot } from "../../scripts/lib/ipfs/manifest-section.ts";
import { PILOT, PILOT_NAME } from "../helpers/pilot.ts";
import { buildPilotSite, type PilotSite } from "./pilot-site.ts";
import { playerState, playsPast, pressPlay } from "./player-page.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";

/** Never contacted: on a path gateway the player plays straight from the gateway. */
const TRACKER = "ws://127.0.0.1:9/announce";

/** What a page asked of the network while a test looked. */
interface Traffic {
  /** Requests to the gateways that failed, or were answered 4xx/5xx. */
  failures: string[];
  /** Requests anywhere else (blocked). */
  elsewhere: string[];
}

/**
 * Watches `page`'s requests: those to the test's gateways must all succeed; any other request is
 * blocked and noted (the only one expected is the chain's JSON-RPC, which this test does not run).
 */
async function watchTraffic(page: Page, gateways: PathGateway[]): Promise<Traffic> {
  const origins = new Set(gateways.map((gateway) => gateway.origin));
  const traffic: Traffic = { failures: [], elsewhere: [] };
  await page.route(
    (url) => !origins.has(url.origin),
    (route) => {
      traffic.elsewhere.push(route.request().url());
      return route.abort();
    },
  );
  page.on("requestfailed", (request) => {
    if (origins.has(new URL(request.url()).origin))
      traffic.failures.push(`${request.url()}: ${request.failure()?.errorText}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) traffic.failures.push(`${response.url()}: HTTP ${response.status()}`);
  });
  return traffic;
}

/** On the current page: the links to other pages, and every URL the page loads or offers as a file. */
async function linksAndAssets(page: Page): Promise<{ pages: string[]; assets: string[] }> {
  // No helper functions inside: the test runner's transpiler would wrap them in a `__name` call
  // that does not exist in the page.
  return page.evaluate(() => ({
    pages: [
      ...document.querySelectorAll<HTMLAnchorElement>("a[href]:not([download]):not([data-gateway-link])"),
    ]
      .map((link) => link.href)
      .filter((url) => url.startsWith(location.origin))
      .map((url) => url.split("#")[0]),
    assets: [
      ...[...document.querySelectorAll<HTMLScriptElement>("script[src]")].map((script) => script.src),
      ...[...document.querySelectorAll<HTMLLinkElement>("link[href]")].map((link) => link.href),
      ...[...document.querySelectorAll<HTMLTrackElement>("track[src]")].map((track) => track.src),
      ...[...document.querySelectorAll<HTMLAnchorElement>("a[download]")].map((link) => link.href),
    ],
  }));
}

describe.skipIf(missing(CHROMIUM))("the site from an IPFS path gateway (Chromium, loopback)", () => {
  /** Serves the site and the pilot; listed second in the manifest. */
  let gateway: PathGateway;
  /** Serves the pilot only; listed first. */
  let otherGateway: PathGateway;
  let site: PilotSite;
  let siteRoot: string;
  let pilotCid: string;
  let browser: Browser;

  beforeAll(async () => {
    const pilot = await fileCars(await openAsBlob(PILOT));
    pilotCid = pilot.root;
    [gateway, otherGateway] = await Promise.all([
      startPathGateway({ cars: pilot.cars }),
      startPathGateway({ cars: pilot.cars }),
    ]);
    const gateways = [otherGateway.origin, gateway.origin];
    const pinned = pinnedPilot(pilot, PILOT_NAME, gateways);
    site = await buildPilotSite([TRACKER], pinned.urls, { ipfs: { gateways, pilot: pinned } });
    const built = await directoryCars(await directoryFiles(site.outDir));
    for (const car of built.cars) await gateway.add(car);
    siteRoot = gateway.url(built.root, "");
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([gateway?.close(), otherGateway?.close()]);
    if (site) await rm(site.dir, { recursive: true, force: true });
  });

  it("serves every page, link and asset from under /ipfs/<siteCid>/, each with 200 and no failed request", async () => {
    const page = await browser.newPage();
    const traffic = await watchTraffic(page, [gateway, otherGateway]);
    const toVisit = [siteRoot];
    const visited = new Set<string>();
    const assets = new Set<string>();
    for (let url = toVisit.shift(); url !== undefined; url = toVisit.shift()) {
      if (visited.has(url)) continue;
      visited.add(url);
      const response = await page.goto(url, { waitUntil: "networkidle" });
      assert.equal(response?.status(), 200, url);
      const found = await linksAndAssets(page);
      for (const link of found.pages) {
        assert.ok(link.startsWith(siteRoot), `${url} links to ${link}, outside the site`);
        toVisit.push(link);
      }
      for (const asset of found.assets) assets.add(asset);
    }
    assert.ok(assets.size >= 4, `scripts, captions and the .torrent at least, got ${[...assets].join(", ")}`);
    for (const asset of assets) {
      assert.ok(asset.startsWith(siteRoot), `${asset} is outside /ipfs/<siteCid>/`);
      assert.equal((await page.request.get(asset)).status(), 200, asset);
    }
    assert.deepEqual(traffic.failures, []);
    const rpc = new URL(fixture.chain.rpcUrls[0]).origin;
    assert.deepEqual(
      traffic.elsewhere.filter((url) => !url.startsWith(rpc)),
      [],
      "only the chain's RPC is outside the gateway",
    );
    await page.close();
  });

  it("names the pilot's CID and links to it on every gateway, so it can be fetched without the site", async () => {
    const page = await browser.newPage();
    await page.goto(siteRoot);
    const links = await page
      .locator("[data-gateway-link]")
      .evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
    assert.deepEqual(
      links,
      [otherGateway, gateway].map((server) => gatewayUrl(server.origin, pilotCid, { filename: PILOT_NAME })),
    );
    assert.match((await page.locator(".ipfs code").textContent()) ?? "", new RegExp(`^${pilotCid}$`));
    const original = await readFile(PILOT);
    for (const link of links) {
      const response = await page.request.get(link, { headers: { Range: "bytes=0-999" } });
      assert.equal(response.status(), 206, link);
      assert.ok(
        Buffer.from(await response.body()).equals(original.subarray(0, 1000)),
        `${link} serves other bytes`,
      );
    }
    await page.close();
  });

  it("plays the pilot straight from the same gateway when the fan presses play, says why, from which host, and that the bytes are unchecked", async () => {
    const page = await browser.newPage();
    const traffic = await watchTraffic(page, [gateway, otherGateway]);
    await page.goto(siteRoot);
    await pressPlay(page);
    await playsPast(page, 2);
    const state = await playerState(page);
    assert.equal(state.route, "direct");
    assert.equal(state.currentSrc, gatewayUrl(gateway.origin, pilotCid, { filename: PILOT_NAME }));
    assert.equal(
      state.status,
      "This page comes from a shared IPFS gateway, where every other site on the gateway shares its origin, so streaming through a service worker would not be safe. " +
        `Playing directly from ${new URL(gateway.origin).host} — these bytes are not checked against the torrent's piece hashes.`,
    );
    assert.deepEqual(traffic.failures, []);
    await page.close();
  });
});
