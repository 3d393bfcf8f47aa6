/**
 * The watch page in a real Chromium against a real Hardhat chain on 127.0.0.1 (TestStablecoin and
 * a CampaignEscrow deployed as `npm start` deploys them, three pledges from dev accounts): the
 * call to action, the progress at a glance, the recent backers, the poster before play, the
 * outcome after the deadline, no wallet library or WebTorrent before a click, and no axe-core
 * violation.
 */
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import AxeBuilder from "@axe-core/playwright";
import { parseUnits } from "ethers";
import type { Browser, Page } from "playwright-core";
import LocalStablecoinModule from "../../ignition/modules/LocalStablecoin.ts";
import { javascriptFetched } from "../../scripts/bench/page-weight.ts";
import { buildSite } from "../../scripts/lib/build-site.ts";
import { deployEscrow, latestBlockTime } from "../../scripts/lib/deploy-campaign.ts";
import { DEV_ROLES, devAccount } from "../../scripts/lib/dev-accounts.ts";
import { startLocalChain, type LocalChain } from "../../scripts/lib/local-chain.ts";
import {
  REFERENCE_MIN_PLEDGE,
  REFERENCE_MIN_PLEDGE_UNITS,
  REFERENCE_TOKEN_DECIMALS,
} from "../../scripts/lib/reference-campaign.ts";
import { startStaticServer, type StaticServer } from "../../scripts/lib/static-server.ts";
import type { Address } from "../../site/lib/address.ts";
import type { ManifestInput } from "../../site/lib/manifest.ts";
import { CampaignEscrow__factory, TestStablecoin__factory } from "../../types/ethers-contracts/index.ts";
import { launchChromium } from "../helpers/browser.ts";
import { PILOT_POSTER } from "../helpers/pilot.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";
import { writePilotManifest } from "./pilot-site.ts";

/** Never contacted: these tests do not press play. */
const TRACKER = "ws://127.0.0.1:9/announce";
const EXPLORER = "http://127.0.0.1:9/explorer";
const GOAL = 5;
const DAY = 86_400n;
/** Who pledges what, in this order (dev accounts; the last is the newest). */
const PLEDGES = [
  { account: 2, amount: REFERENCE_MIN_PLEDGE },
  { account: 3, amount: "20" },
  { account: 4, amount: "12.5" },
] as const;

describe.skipIf(missing(CHROMIUM))("the watch page on a local chain (Chromium, loopback)", () => {
  let dir: string;
  let chain: LocalChain;
  let server: StaticServer;
  let browser: Browser;
  let deadline: bigint;
  const deploymentIds: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-watch-"));
    chain = await startLocalChain(0, join(dir, "deployments"));
    const { connection } = chain;
    const { ethers } = connection;
    const port = new URL(chain.url).port;
    const deployer = await ethers.getSigner(devAccount(DEV_ROLES.deployer).address);
    deploymentIds.push(`test-watch-${port}-stablecoin`, `test-watch-${port}-campaign`);
    const { stablecoin } = await connection.ignition.deploy(LocalStablecoinModule, {
      defaultSender: deployer.address,
      deploymentId: deploymentIds[0],
    });
    const token = (await stablecoin.getAddress()) as Address;
    deadline = (await latestBlockTime(ethers.provider)) + 28n * DAY;
    const deployed = await deployEscrow(
      connection,
      {
        token,
        beneficiary: devAccount(DEV_ROLES.beneficiary).address,
        goalBackers: GOAL,
        minPledge: REFERENCE_MIN_PLEDGE_UNITS,
        deadline,
      },
      { deploymentId: deploymentIds[1] },
    );
    for (const { account, amount } of PLEDGES) {
      const signer = await ethers.getSigner(devAccount(account).address);
      const units = parseUnits(amount, REFERENCE_TOKEN_DECIMALS);
      await (await TestStablecoin__factory.connect(token, deployer).mint(signer.address, units)).wait();
      await (
        await TestStablecoin__factory.connect(token, signer).approve(deployed.escrow.address, units)
      ).wait();
      await (await CampaignEscrow__factory.connect(deployed.escrow.address, signer).pledge(units)).wait();
    }

    const pilot = await writePilotManifest([TRACKER], [], { rpcUrls: [chain.url] });
    await copyFile(PILOT_POSTER, join(pilot.dir, "poster.jpg"));
    const manifest = JSON.parse(await readFile(pilot.manifestFile, "utf8")) as ManifestInput;
    manifest.chain = { ...manifest.chain, id: chain.chainId, explorerUrl: EXPLORER };
    manifest.escrow = deployed.escrow;
    manifest.torrent!.poster = "poster.jpg";
    await writeFile(pilot.manifestFile, JSON.stringify(manifest));
    const outDir = join(dir, "site");
    await buildSite(pilot.manifestFile, outDir);
    await rm(pilot.dir, { recursive: true, force: true });
    server = await startStaticServer(outDir, 0);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await chain?.close();
    for (const id of deploymentIds)
      await rm(resolve("ignition/deployments", id), { recursive: true, force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Opens the watch page and waits until the progress has read the chain. */
  async function open(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.locator('pp-progress [data-field="percent"]').filter({ hasText: "%" }).waitFor();
    return page;
  }

  it("leads to backing: a 'Back the season' link to ./back.html next to the live progress", async () => {
    const page = await open();
    const cta = page.getByRole("link", { name: "Back the season", exact: true });
    assert.equal(await cta.getAttribute("href"), "./back.html");
    const panel = page.locator(".panel");
    assert.equal(await panel.locator("pp-progress").count(), 1);
    assert.equal(await panel.getByRole("link", { name: "Back the season", exact: true }).count(), 1);
    await page.close();
  });

  it("shows the backer count against the goal, the percent, the amount pledged and the time left", async () => {
    const page = await open();
    const progress = page.locator("pp-progress");
    assert.equal(await progress.locator('[data-field="backers"]').textContent(), "3");
    assert.equal(
      (await progress.locator(".figure.backers").innerText()).replace(/\s+/g, " ").trim(),
      "3 backers of 5 goal",
    );
    assert.equal(await progress.locator('[data-field="percent"]').textContent(), "60%");
    assert.equal(await progress.locator("progress").evaluate((bar) => (bar as HTMLProgressElement).value), 3);
    assert.equal(await progress.locator('[data-field="total"]').textContent(), "42.45 tUSD");
    assert.match((await progress.locator('[data-field="time-left"]').textContent()) ?? "", /^2[78] days/);
    const outcome = progress.locator('[data-field="outcome"]');
    assert.equal(
      await outcome.textContent(),
      "Funding: pledges are open.",
      "the state, said to screen readers",
    );
    assert.equal(
      await outcome.evaluate((line) => line.getBoundingClientRect().width <= 1),
      true,
      "no headline to see while funding",
    );
    await page.close();
  });

  it("lists the recent pledges newest first, with amounts, the backers linked to the explorer and the blocks' times in UTC", async () => {
    const page = await open();
    const items = page.locator("pp-recent-backers li");
    await page.locator('pp-recent-backers[data-state="complete"]').waitFor();
    assert.equal(await items.count(), PLEDGES.length);
    const newestFirst = [...PLEDGES].reverse();
    for (const [index, { account, amount }] of newestFirst.entries()) {
      const item = items.nth(index);
      const address = devAccount(account).address.toLowerCase();
      const text = (await item.textContent()) ?? "";
      assert.match(
        text,
        new RegExp(
          `^${amount.replace(".", "\\.")} tUSD from 0x${address.slice(2, 6)}…${address.slice(-4)}, \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC$`,
        ),
      );
      // The same moment, machine-readable: "2027-01-15 07:57 UTC" is <time datetime="2027-01-15T07:57:…Z">.
      const datetime = (await item.locator("time").getAttribute("datetime")) ?? "";
      assert.ok(datetime.startsWith(text.slice(-20, -4).replace(" ", "T")), `${datetime} for ${text}`);
      assert.equal(await item.getByRole("link").getAttribute("href"), `${EXPLORER}/address/${address}`);
    }
    await page.close();
  });

  it("shows the poster frame before play, at its size, served as a JPEG", async () => {
    const page = await open();
    const video = page.locator("video");
    assert.deepEqual(
      await video.evaluate((v: HTMLVideoElement) => ({
        poster: v.getAttribute("poster"),
        width: v.width,
        height: v.height,
        started: v.currentSrc,
      })),
      { poster: "./poster.jpg", width: 960, height: 540, started: "" },
    );
    const response = await page.request.get(`${server.url}/poster.jpg`);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()["content-type"], "image/jpeg");
    assert.deepEqual(await response.body(), await readFile(PILOT_POSTER));
    await page.close();
  });

  it("fetches neither ethers nor WebTorrent before the fan clicks, the recent backers loaded", async () => {
    const page = await browser.newPage();
    const bodies: { url: string; code: string }[] = [];
    page.on("response", async (response) => {
      if (response.request().resourceType() === "script")
        bodies.push({ url: response.url(), code: await response.text() });
    });
    const weight = await javascriptFetched(page, `${server.url}/`, {
      ready: (p) => p.locator('pp-recent-backers[data-state="complete"]').waitFor(),
    });
    assert.ok(
      weight.files.some((file) => /recent-backers-live/.test(file.url)),
      "the recent backers' chunk was fetched at load",
    );
    // ethers' errors carry `shortMessage` and `version=`; WebTorrent names itself.
    const libraries = bodies
      .filter(({ code }) => /\bshortMessage\b|version=\$\{|\bwebtorrent\b/i.test(code))
      .map(({ url }) => url);
    assert.deepEqual(libraries, []);
    console.info(
      `watch page JavaScript before interaction: ${weight.totalGzip} B gzip in ${weight.files.length} files`,
    );
    for (const file of weight.files) console.info(`  ${file.gzipBytes} B  ${new URL(file.url).pathname}`);
    await page.close();
  });

  it("has no axe-core violations once the live parts have loaded", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.locator('pp-recent-backers[data-state="complete"]').waitFor();
    await page.locator('pp-progress [data-field="percent"]').filter({ hasText: "%" }).waitFor();
    const { violations } = await new AxeBuilder({ page }).analyze();
    assert.deepEqual(
      violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
      [],
    );
    await context.close();
  });

  // Last: it moves the chain's clock past the deadline.
  it("says 'Not funded — refunds open' once the deadline has passed short of the goal", async () => {
    const now = await latestBlockTime(chain.connection.ethers.provider);
    await chain.connection.provider.request({
      method: "evm_increaseTime",
      params: [Number(deadline - now + 60n)],
    });
    await chain.connection.provider.request({ method: "evm_mine", params: [] });
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const outcome = page.locator('pp-progress [data-field="outcome"]');
    await outcome.filter({ hasText: "Not funded — refunds open" }).waitFor();
    assert.equal(await outcome.isVisible(), true);
    assert.equal(await page.locator('pp-progress [data-field="time-left"]').textContent(), "Ended");
    await page.close();
  });
});
