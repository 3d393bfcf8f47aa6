/**
 * The site's pages as a fan meets them, on the local campaign (`npm start`'s stack, free ports):
 * the JavaScript (gzip) each page fetches before any interaction, the back page after Connect
 * with a dev wallet (ethers loaded) and the verify page until its verdict; the time from
 * navigation start and from the load event to the verify page's verdict (median of fresh loads);
 * and Lighthouse's scores for the three pages. Also the few page steps `npm run screenshots`
 * shares: open the back page with the dev wallet, connect, pledge; wait for the verify verdict.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { launchChromium } from "../../test/helpers/browser.ts";
import { installBrowserWallet, type WalletInfo } from "../lib/browser-wallet.ts";
import { progress } from "../lib/cli.ts";
import { startLocalStack, type LocalStack } from "../lib/local-stack.ts";
import { VERDICT_MARK } from "../../site/lib/verify-live.ts";
import {
  failingAuditLines,
  LIGHTHOUSE_PAGES,
  lighthouseTable,
  runLighthouse,
  type LighthouseRun,
} from "./lighthouse.ts";
import { javascriptFetched, type ScriptWeight } from "./page-weight.ts";
import { markdownTable, median } from "./stats.ts";
import { formatInteger } from "../../site/lib/format.ts";

/** The dev wallet as the back page lists it. */
const DEV_WALLET: WalletInfo = {
  name: "Dev Wallet",
  rdns: "org.peerpilot.devwallet",
  icon:
    "data:image/svg+xml;base64," +
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f6feb"/><path d="M8 11h16v12H8z" fill="#fff"/><circle cx="20" cy="17" r="2" fill="#1f6feb"/></svg>',
    ).toString("base64"),
};

/** Long enough for a first read over loopback on 2 busy cores, short enough to fail a broken page. */
const PAGE_TIMEOUT_MS = 30_000;

/** Fresh loads of the verify page whose verdict times are taken the median of. */
const VERIFY_LOADS = 5;

/** Resolves once the verify page shows its first verdict (whichever it is). */
export async function waitForVerdict(page: Page): Promise<void> {
  await page.locator("pp-verify[data-verdict]").waitFor({ timeout: PAGE_TIMEOUT_MS });
}

/** The back page's Connect button for the dev wallet. */
export function connectButton(page: Page) {
  return page.getByRole("button", { name: `Connect ${DEV_WALLET.name}` });
}

/** Resolves once every progress panel on the page shows figures read from the chain (a backer count). */
export async function waitForProgressFigures(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const panels = [...document.querySelectorAll("[data-progress]")];
      return (
        panels.length > 0 &&
        panels.every((panel) => /\d/.test(panel.querySelector('[data-field="backers"]')?.textContent ?? ""))
      );
    },
    null,
    { timeout: PAGE_TIMEOUT_MS },
  );
}

/**
 * Resolves once the back page says it is connected and the Pledge button can be pressed (balances read,
 * checks passed).
 */
export async function waitForConnected(page: Page): Promise<void> {
  await page.getByText(`Connected to ${DEV_WALLET.name} as`).waitFor({ timeout: PAGE_TIMEOUT_MS });
  const pledge = await page
    .getByRole("button", { name: "Pledge", exact: true })
    .elementHandle({ timeout: PAGE_TIMEOUT_MS });
  await pledge?.waitForElementState("enabled", { timeout: PAGE_TIMEOUT_MS });
}

/** Resolves once the status says the transaction is confirmed and the progress panel has re-read. */
export async function waitForConfirmation(page: Page): Promise<void> {
  await page.getByText(/^Confirmed in block \d+/).waitFor({ timeout: PAGE_TIMEOUT_MS });
  await page.waitForFunction(
    () => /[1-9]/.test(document.querySelector('[data-progress] [data-field="backers"]')?.textContent ?? ""),
    null,
    { timeout: PAGE_TIMEOUT_MS },
  );
}

/**
 * The dev wallet of `privateKey` on the stack's chain, announced through EIP-6963 and as `window.ethereum`,
 * in every page of `context`.
 */
async function installDevWallet(
  context: BrowserContext,
  stack: LocalStack,
  privateKey: string,
): Promise<void> {
  await installBrowserWallet(context, {
    rpcUrl: stack.chain.url,
    privateKey,
    info: DEV_WALLET,
    announce: { eip6963: true, windowEthereum: true },
  });
}

/** A new context with the dev wallet of `privateKey` installed, on the back page. */
export async function openBackPageWithWallet(
  browser: Browser,
  options: BrowserContextOptions,
  stack: LocalStack,
  privateKey: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  await installDevWallet(context, stack, privateKey);
  const page = await context.newPage();
  await page.goto(new URL("back.html", stack.siteUrl).href);
  return { context, page };
}

export interface PageWeight {
  what: string;
  /** gzip bytes of every script fetched. */
  bytes: number;
  files: ScriptWeight[];
}

/** One fresh load of the verify page, in ms. */
export interface VerdictTiming {
  /** From navigation start to the verdict mark. */
  fromNavigation: number;
  /** From the load event's start to the verdict mark. */
  fromLoad: number;
}

export interface PagesFigures {
  weights: PageWeight[];
  verdict: VerdictTiming[];
  lighthouse: LighthouseRun[];
}

export async function measurePages(): Promise<PagesFigures> {
  const dir = await mkdtemp(join(tmpdir(), "peerpilot-bench-pages-"));
  progress("pages: starting the local campaign…");
  const stack = await startLocalStack({ dir, onProgress: (message) => progress(`pages: ${message}`) });
  try {
    const weights = await measureWeights(stack);
    const verdict = await measureVerdict(stack);
    // The watch page as a visitor reaches it: at the site's root.
    const lighthouse = await runLighthouse(
      LIGHTHOUSE_PAGES.map((name) => ({
        name,
        url: new URL(name === "index.html" ? "./" : name, stack.siteUrl).href,
      })),
    );
    return { weights, verdict, lighthouse };
  } finally {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureWeights(stack: LocalStack): Promise<PageWeight[]> {
  progress("pages: JavaScript fetched by each page (Chromium)…");
  const backPage = new URL("back.html", stack.siteUrl).href;
  const browser = await launchChromium();
  /** Weighs `url` in a new context (nothing cached), with the dev wallet when `wallet` is set. */
  const weigh = async (
    what: string,
    url: string,
    options: { wallet?: boolean; ready?: (page: Page) => Promise<void> } = {},
  ) => {
    const context = await browser.newContext();
    try {
      if (options.wallet === true) await installDevWallet(context, stack, stack.backer.privateKey);
      const fetched = await javascriptFetched(
        await context.newPage(),
        url,
        options.ready ? { ready: options.ready } : {},
      );
      return { what, bytes: fetched.totalGzip, files: fetched.files };
    } finally {
      await context.close();
    }
  };
  try {
    return [
      await weigh("watch page (index.html), before any interaction", stack.siteUrl),
      // With a wallet announced: the page lists it, which is all it may do before a click.
      await weigh("back page (back.html), before any interaction", backPage, { wallet: true }),
      await weigh(`back page after "Connect ${DEV_WALLET.name}" (ethers loaded, balances read)`, backPage, {
        wallet: true,
        ready: async (page) => {
          await connectButton(page).click();
          await waitForConnected(page);
        },
      }),
      // It runs its checks on load: everything it fetches for them counts.
      await weigh(
        "verify page (verify.html), until its verdict",
        new URL("verify.html", stack.siteUrl).href,
        { ready: waitForVerdict },
      ),
    ];
  } finally {
    await browser.close();
  }
}

/**
 * The verify page's verdict times over {@link VERIFY_LOADS} loads, each in a new context (nothing cached, as
 * a first visit).
 */
async function measureVerdict(stack: LocalStack): Promise<VerdictTiming[]> {
  progress(`pages: time to the verify page's verdict (${VERIFY_LOADS} loads)…`);
  const url = new URL("verify.html", stack.siteUrl).href;
  const browser = await launchChromium();
  const timings: VerdictTiming[] = [];
  try {
    for (let run = 0; run < VERIFY_LOADS; run++) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(url);
        // Both marks set: the verdict, and the load event (which the verdict may come before).
        const timing = await page.waitForFunction(
          (mark) => {
            const verdict = performance.getEntriesByName(mark, "mark")[0];
            const navigation = performance.getEntriesByType("navigation")[0] as
              PerformanceNavigationTiming | undefined;
            if (verdict === undefined || navigation === undefined || navigation.loadEventStart === 0)
              return undefined;
            return {
              fromNavigation: verdict.startTime,
              fromLoad: verdict.startTime - navigation.loadEventStart,
            };
          },
          VERDICT_MARK,
          { timeout: PAGE_TIMEOUT_MS },
        );
        timings.push((await timing.jsonValue()) as VerdictTiming);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return timings;
}

const kib = (bytes: number) => `${formatInteger(bytes)} B (${(bytes / 1024).toFixed(1)} KiB)`;

export function pagesTable(figures: PagesFigures): string {
  const weights = markdownTable(
    ["JavaScript fetched (gzip)", "scripts", "total"],
    figures.weights.map((weight) => [weight.what, String(weight.files.length), kib(weight.bytes)]),
  );
  // Each script once, by path, with the largest first: what to trim when a page grows.
  const files = figures.weights.map(
    (weight) =>
      `${weight.what}:\n` +
      [...weight.files]
        .sort((a, b) => b.gzipBytes - a.gzipBytes)
        .map((file) => `  ${formatInteger(file.gzipBytes).padStart(7)} B  ${scriptName(file.url)}`)
        .join("\n"),
  );
  const ms = (values: readonly number[]) =>
    `${median(values).toFixed(0)} ms (${values.map((value) => value.toFixed(0)).join(", ")})`;
  const verdict = markdownTable(
    [`verify.html, time to the verdict (${figures.verdict.length} fresh loads)`, "median (each load)"],
    [
      ["from navigation start", ms(figures.verdict.map((timing) => timing.fromNavigation))],
      ["from the load event", ms(figures.verdict.map((timing) => timing.fromLoad))],
    ],
  );
  const failing = failingAuditLines(figures.lighthouse);
  return [
    weights,
    "",
    ...files,
    "",
    verdict,
    "",
    lighthouseTable(figures.lighthouse),
    "",
    failing.length === 0
      ? "Every scored audit passes."
      : `Audits under 1:\n${failing.map((line) => `- ${line}`).join("\n")}`,
  ].join("\n");
}

/** `http://127.0.0.1:4321/_astro/x.js` → `/_astro/x.js`; an inline script keeps its page and number. */
function scriptName(url: string): string {
  const { pathname, hash } = new URL(url);
  return `${pathname}${hash}`;
}
