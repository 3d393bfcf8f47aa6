/**
 * The back page's world for Chromium tests: one local Hardhat chain served over JSON-RPC on
 * 127.0.0.1 with a permit stablecoin (TestStablecoin, through Ignition as `npm start` deploys it),
 * a plain one without permit (PlainStablecoin), every dev account funded with both, and up to
 * three campaigns, each with its own manifest and built site served on 127.0.0.1:
 * - `main`: goal 3 backers, the permit token (pledges, top-ups, cancels, refunds);
 * - `release`: goal 2 backers, the permit token (reaching the goal, then release);
 * - `plain`: goal 3 backers, the token without permit (approve, then pledge).
 * The sites are built once per test file; each test starts from the same chain with
 * `evm_snapshot`/`evm_revert` ({@link useSnapshots}).
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import AxeBuilder from "@axe-core/playwright";
import { Contract, parseUnits, type ContractTransactionResponse } from "ethers";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import LocalStablecoinModule from "../../ignition/modules/LocalStablecoin.ts";
import { buildSite } from "../../scripts/lib/build-site.ts";
import {
  REFERENCE_MIN_PLEDGE_UNITS,
  REFERENCE_TOKEN_DECIMALS,
} from "../../scripts/lib/reference-campaign.ts";
import {
  installBrowserWallet,
  type BrowserWallet,
  type BrowserWalletOptions,
  type WalletInfo,
} from "../../scripts/lib/browser-wallet.ts";
import { deployEscrow, latestBlockTime } from "../../scripts/lib/deploy-campaign.ts";
import { DEV_ACCOUNT_COUNT, DEV_ROLES, devAccount } from "../../scripts/lib/dev-accounts.ts";
import { startLocalChain, type LocalChain } from "../../scripts/lib/local-chain.ts";
import { startStaticServer, type StaticServer } from "../../scripts/lib/static-server.ts";
import type { Address } from "../../site/lib/address.ts";
import { ESCROW_ABI, TOKEN_ABI } from "../../site/lib/back/escrow-abi.ts";
import { writeManifest } from "../../site/lib/manifest-file.ts";
import { MANIFEST_VERSION, type Manifest } from "../../site/lib/manifest.ts";
import { launchChromium } from "../helpers/browser.ts";
import { waitFor } from "../helpers/wait.ts";

export type CampaignKey = "main" | "release" | "plain";

/** Each campaign's goal and token. */
export const CAMPAIGNS: Record<CampaignKey, { goalBackers: number; token: "permit" | "plain" }> = {
  main: { goalBackers: 3, token: "permit" },
  release: { goalBackers: 2, token: "permit" },
  plain: { goalBackers: 3, token: "plain" },
};
const DAY = 24n * 60n * 60n;

/** `amount` whole tokens of either campaign's token, in its smallest unit (both have USDC's 6 decimals). */
export function units(amount: string): bigint {
  return parseUnits(amount, REFERENCE_TOKEN_DECIMALS);
}

/** Deadline: four weeks after deployment. */
const DURATION = 28n * DAY;
/** Minted of each token to every dev account. */
export const FUNDING = units("1000");
/** The token symbols (both 6 decimals, like USDC). */
export const SYMBOLS = { permit: "tUSD", plain: "pUSD" } as const;
/** The accounts the tests use (dev accounts: public keys, a local chain). */
export const ACCOUNTS = { backer: DEV_ROLES.backer, second: 3, third: 4, broke: 5 } as const;

export const WALLET_ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 2 2'%3E%3Ccircle cx='1' cy='1' r='1' fill='%23c60'/%3E%3C/svg%3E";
export const TEST_WALLET: WalletInfo = {
  name: "Test Wallet",
  rdns: "org.peerpilot.testwallet",
  icon: WALLET_ICON,
};
export const OTHER_WALLET: WalletInfo = {
  name: "Other Wallet",
  rdns: "org.peerpilot.otherwallet",
  icon: WALLET_ICON,
};

export interface BackCampaign {
  key: CampaignKey;
  manifest: Manifest;
  escrow: Address;
  token: Address;
  symbol: string;
  goalBackers: number;
  minPledge: bigint;
  /** Unix seconds. */
  deadline: bigint;
  /** e.g. http://127.0.0.1:40123/back.html */
  backUrl: string;
  watchUrl: string;
}

export interface EscrowReading {
  state: bigint;
  backers: bigint;
  totalPledged: bigint;
  pledgeOf: bigint;
}

export interface BackWorld {
  chain: LocalChain;
  campaigns: Partial<Record<CampaignKey, BackCampaign>>;
  campaign(key: CampaignKey): BackCampaign;
  /** A raw JSON-RPC call on the chain (evm_*, hardhat_*). */
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  /** Mines one block at `timestamp` (Unix seconds). */
  mineAt(timestamp: bigint): Promise<void>;
  /** The chain's clock: the latest block's timestamp. */
  now(): Promise<bigint>;
  /** `account` (a dev account index) pledges `amount` to `key`'s escrow from Node (approve, then pledge). */
  pledgeFrom(key: CampaignKey, account: number, amount?: bigint): Promise<void>;
  /** The escrow's state, backer count, total and `address`'s pledge. */
  read(key: CampaignKey, address: string): Promise<EscrowReading>;
  tokenBalance(key: CampaignKey, address: string): Promise<bigint>;
  setGasBalance(address: string, wei: bigint): Promise<void>;
  /** Stops the servers and the chain; removes the build and the Ignition journals. */
  close(): Promise<void>;
}

/** The site's token ABI plus the test tokens' open mint. */
const TEST_TOKEN_ABI = [...TOKEN_ABI, "function mint(address to, uint256 amount)"];

/** Starts the chain, deploys the tokens and `keys`' campaigns, builds and serves their sites. */
export async function startBackWorld(keys: readonly CampaignKey[]): Promise<BackWorld> {
  const dir = await mkdtemp(join(tmpdir(), "peerpilot-back-"));
  const chain = await startLocalChain(0, join(dir, "deployments"));
  const port = new URL(chain.url).port;
  const deploymentIds: string[] = [];
  const servers: StaticServer[] = [];
  const closeAll = async () => {
    for (const server of servers) await server.close().catch(() => undefined);
    await chain.close().catch(() => undefined);
    for (const id of deploymentIds)
      await rm(resolve("ignition/deployments", id), { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const { connection } = chain;
    const { ethers } = connection;
    const deployer = await ethers.getSigner(devAccount(DEV_ROLES.deployer).address);
    const stablecoinId = `test-back-${port}-stablecoin`;
    deploymentIds.push(stablecoinId);
    const { stablecoin } = await connection.ignition.deploy(LocalStablecoinModule, {
      defaultSender: deployer.address,
      deploymentId: stablecoinId,
    });
    const plain = await ethers.deployContract("PlainStablecoin", ["Plain USD", SYMBOLS.plain], deployer);
    const tokens = {
      permit: (await stablecoin.getAddress()) as Address,
      plain: (await plain.getAddress()) as Address,
    };
    for (const address of Object.values(tokens)) {
      const token = new Contract(address, TEST_TOKEN_ABI, deployer);
      for (let index = 0; index < DEV_ACCOUNT_COUNT; index++)
        await (
          await (token.getFunction("mint")(
            devAccount(index).address,
            FUNDING,
          ) as Promise<ContractTransactionResponse>)
        ).wait();
    }
    const fixture = JSON.parse(await readFile("test/fixtures/campaign.json", "utf8")) as Manifest;
    const campaigns: Partial<Record<CampaignKey, BackCampaign>> = {};
    for (const key of keys) {
      const { goalBackers, token } = CAMPAIGNS[key];
      const deadline = (await latestBlockTime(ethers.provider)) + DURATION;
      const deploymentId = `test-back-${port}-${key}`;
      deploymentIds.push(deploymentId);
      const deployed = await deployEscrow(
        connection,
        {
          token: tokens[token],
          beneficiary: devAccount(DEV_ROLES.beneficiary).address,
          goalBackers,
          minPledge: REFERENCE_MIN_PLEDGE_UNITS,
          deadline,
        },
        { deploymentId },
      );
      const manifestFile = join(dir, key, "campaign.json");
      const manifest = await writeManifest(
        {
          version: MANIFEST_VERSION,
          campaign:
            key === "main"
              ? fixture.campaign
              : { title: `${fixture.campaign.title} (${key})`, tagline: fixture.campaign.tagline },
          chain: { id: chain.chainId, name: fixture.chain.name, rpcUrls: [chain.url] },
          escrow: deployed.escrow,
        },
        manifestFile,
      );
      const outDir = join(dir, key, "site");
      await buildSite(manifestFile, outDir);
      const server = await startStaticServer(outDir, 0);
      servers.push(server);
      campaigns[key] = {
        key,
        manifest,
        escrow: deployed.escrow.address,
        token: tokens[token],
        symbol: SYMBOLS[token],
        goalBackers,
        minPledge: REFERENCE_MIN_PLEDGE_UNITS,
        deadline,
        backUrl: `${server.url}/back.html`,
        watchUrl: `${server.url}/`,
      };
    }

    const rpc = (method: string, params: unknown[] = []) => connection.provider.request({ method, params });
    const campaign = (key: CampaignKey) => {
      const found = campaigns[key];
      assert.ok(found, `campaign ${key} was not started`);
      return found;
    };
    return {
      chain,
      campaigns,
      campaign,
      rpc,
      async mineAt(timestamp) {
        await rpc("evm_setNextBlockTimestamp", [`0x${timestamp.toString(16)}`]);
        await rpc("evm_mine");
      },
      now: () => latestBlockTime(ethers.provider),
      async pledgeFrom(key, account, amount = REFERENCE_MIN_PLEDGE_UNITS) {
        const { escrow, token } = campaign(key);
        const signer = await ethers.getSigner(devAccount(account).address);
        await (
          await (new Contract(token, TEST_TOKEN_ABI, signer).getFunction("approve")(
            escrow,
            amount,
          ) as Promise<ContractTransactionResponse>)
        ).wait();
        await (
          await (new Contract(escrow, ESCROW_ABI, signer).getFunction("pledge")(
            amount,
          ) as Promise<ContractTransactionResponse>)
        ).wait();
      },
      async read(key, address) {
        const escrow = new Contract(campaign(key).escrow, ESCROW_ABI, ethers.provider);
        const [state, backers, totalPledged, pledgeOf] = (await Promise.all([
          escrow.getFunction("state")(),
          escrow.getFunction("backers")(),
          escrow.getFunction("totalPledged")(),
          escrow.getFunction("pledgeOf")(address),
        ])) as bigint[];
        return { state, backers, totalPledged, pledgeOf };
      },
      async tokenBalance(key, address) {
        return (await new Contract(campaign(key).token, TEST_TOKEN_ABI, ethers.provider).getFunction(
          "balanceOf",
        )(address)) as bigint;
      },
      async setGasBalance(address, wei) {
        await rpc("hardhat_setBalance", [address, `0x${wei.toString(16)}`]);
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * Registers beforeEach/afterEach hooks (call it while the tests are collected): every test starts
 * from the chain as the fixture left it, with automine on.
 */
export function useSnapshots(world: () => BackWorld): void {
  let snapshot: unknown;
  beforeEach(async () => {
    snapshot = await world().rpc("evm_snapshot");
  });
  afterEach(async () => {
    await world().rpc("evm_setAutomine", [true]);
    assert.equal(
      await world().rpc("evm_revert", [snapshot]),
      true,
      "the chain went back to the test's start",
    );
  });
}

/** The dev wallet for dev account `account` on the world's chain, with `overrides`. */
export function walletFor(
  world: BackWorld,
  account: number,
  overrides: Partial<BrowserWalletOptions> = {},
): BrowserWalletOptions {
  return {
    rpcUrl: world.chain.url,
    privateKey: devAccount(account).privateKey,
    info: TEST_WALLET,
    announce: { eip6963: true, windowEthereum: false },
    ...overrides,
  };
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  wallets: BrowserWallet[];
}

/** A new context with `wallets` installed, on `url`. Close `context` when done. */
export async function openWithWallets(
  browser: Browser,
  url: string,
  wallets: readonly BrowserWalletOptions[],
): Promise<OpenedPage> {
  const context = await browser.newContext();
  const installed: BrowserWallet[] = [];
  for (const options of wallets) installed.push(await installBrowserWallet(context, options));
  const page = await context.newPage();
  await page.goto(url);
  return { context, page, wallets: installed };
}

/**
 * What a describe block of back-page tests shares: the world, a Chromium, and the contexts its tests open.
 */
export interface BackSuite {
  readonly world: BackWorld;
  readonly browser: Browser;
  /** The context the running test opened last. */
  readonly context: BrowserContext;
  /** {@link openWithWallets}, with the context closed after the test. */
  open(url: string, wallets: readonly BrowserWalletOptions[]): Promise<OpenedPage>;
}

/**
 * For one describe block: starts the world with `keys`' campaigns and a Chromium before its
 * tests, gives each test the same chain ({@link useSnapshots}), closes the contexts a test
 * opened after it, and stops everything after the block.
 */
export function useBackSuite(keys: readonly CampaignKey[]): BackSuite {
  let world: BackWorld | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const started = <T>(value: T | undefined): T => {
    assert.ok(value !== undefined, "the back-page suite has started");
    return value;
  };

  beforeAll(async () => {
    world = await startBackWorld(keys);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });
  useSnapshots(() => started(world));
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });

  return {
    get world() {
      return started(world);
    },
    get browser() {
      return started(browser);
    },
    get context() {
      return started(contexts.at(-1));
    },
    async open(url, wallets) {
      const opened = await openWithWallets(started(browser), url, wallets);
      contexts.push(opened.context);
      return opened;
    },
  };
}

/** Fails, listing them, if axe-core finds any accessibility violation on the page as it is now. */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
  );
  assert.deepEqual(found, [], `axe-core on ${where}`);
}

/** The methods a wallet was asked that would sign or send something. */
export function signingRequests(wallet: BrowserWallet): string[] {
  return wallet.requests.filter((method) =>
    ["eth_sendTransaction", "eth_signTypedData_v4", "personal_sign"].includes(method),
  );
}

/** The step that ends a transaction's story in the Status list. */
const FINAL_STEP = /^(Confirmed in block \d+\.|Failed: |You declined in your wallet; nothing was sent\.)/;

/** The back page, driven by the roles, labels and texts back.html promises (.scratch/back-spec.md). */
export class BackPage {
  constructor(readonly page: Page) {}

  get wallets() {
    return this.page.getByRole("group", { name: "Wallets in this browser" });
  }

  walletButton(name: string) {
    return this.wallets.getByRole("button", { name: `Connect ${name}` });
  }

  get status() {
    return this.page.getByRole("status", { name: "Status" });
  }

  get amount() {
    return this.page.getByLabel(/^Amount \(/);
  }

  button(name: string | RegExp) {
    return this.page.getByRole("button", { name });
  }

  /** Presses Connect <name> and waits for "Connected to <name> as 0x…" and the balances. */
  async connect(name = TEST_WALLET.name): Promise<void> {
    await this.walletButton(name).click();
    await this.page
      .getByText(new RegExp(`^Connected to ${name} as 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}`))
      .waitFor();
  }

  /** The text of the element a control's aria-describedby names, for each id, joined. */
  async description(control: Locator): Promise<string> {
    const ids = ((await control.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
    const texts: string[] = [];
    for (const id of ids) texts.push((await this.page.locator(`[id="${id}"]`).innerText()).trim());
    return texts.join("\n");
  }

  /** The problems list the amount field is described by, one sentence an item. */
  async pledgeProblems(): Promise<string[]> {
    const id = await this.amount.getAttribute("aria-describedby");
    assert.ok(id, "the amount field names its problems list");
    return (await this.page.locator(`[id="${id}"]`).getByRole("listitem").allInnerTexts()).map((text) =>
      text.trim(),
    );
  }

  /** Waits until the problems list of the amount field has at least one sentence, and returns them. */
  async waitForPledgeProblems(): Promise<string[]> {
    let problems: string[] = [];
    await waitFor(async () => (problems = await this.pledgeProblems()).length > 0, {
      what: "a problem under the amount",
    });
    return problems;
  }

  async steps(): Promise<string[]> {
    return (await this.status.getByRole("listitem").allInnerTexts()).map((text) => text.trim());
  }

  /**
   * Waits for `count` final steps (a two-transaction pledge has two) or a failure, and returns all the steps.
   */
  async waitForOutcome(count = 1, timeoutMs = 30_000): Promise<string[]> {
    let steps: string[] = [];
    await waitFor(
      async () => {
        steps = await this.steps();
        const finals = steps.filter((step) => FINAL_STEP.test(step));
        return finals.length >= count || finals.some((step) => !step.startsWith("Confirmed"));
      },
      { what: `${count} final step(s) in Status`, timeoutMs, intervalMs: 100 },
    );
    return steps;
  }

  /** The dd of the dt named `term` in the connected wallet's facts. */
  fact(term: string): Locator {
    return this.page.locator("dt", { hasText: term }).locator("xpath=following-sibling::dd[1]");
  }

  /** The progress bar's value: the backer count the page shows (capped at the goal). */
  async progressBackers(): Promise<number> {
    return this.page
      .getByRole("progressbar")
      .first()
      .evaluate((bar) => (bar as HTMLProgressElement).value);
  }
}

/** Waits until the progress bar on `page` shows `backers` (≥ 1: an unread bar also shows 0). */
export async function waitForProgress(page: Page, backers: number): Promise<void> {
  await page.waitForFunction(
    (expected) => [...document.querySelectorAll("progress")].some((bar) => bar.value === expected),
    backers,
    { timeout: 30_000 },
  );
}

/** Waits until `locator`'s trimmed text matches `pattern`; the timeout names the last text seen. */
export async function waitText(locator: Locator, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  let last = "";
  try {
    await waitFor(
      async () => pattern.test((last = (await locator.innerText({ timeout: 1_000 }).catch(() => "")).trim())),
      {
        what: `text matching ${pattern}`,
        timeoutMs,
        intervalMs: 100,
      },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; the last text was "${last}"`, { cause: error });
  }
  return last;
}
