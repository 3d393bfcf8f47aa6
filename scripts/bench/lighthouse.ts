/**
 * Lighthouse 13 (its Node API) on Debian's Chromium, launched by chrome-launcher with the same
 * flags as every other Chromium here (test/helpers/browser.ts), so it stays on 127.0.0.1. One
 * Chromium serves every run; each page is measured with the desktop and the mobile preset.
 */
import * as chromeLauncher from "chrome-launcher";
import lighthouse, { desktopConfig, type Config, type Result } from "lighthouse";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../test/helpers/browser.ts";
import { progress } from "../lib/cli.ts";
import { markdownTable } from "./stats.ts";

const LIGHTHOUSE_CATEGORIES = ["performance", "accessibility", "best-practices"] as const;
export type LighthouseCategory = (typeof LIGHTHOUSE_CATEGORIES)[number];

/** The scores the project aims for (0–100). */
const LIGHTHOUSE_TARGETS: Record<LighthouseCategory, number> = {
  performance: 99,
  accessibility: 100,
  "best-practices": 100,
};

/**
 * The site's pages Lighthouse measures, by file: the watch page, the back page and the verify
 * page (which runs its checks on load, so its scores include them). Each must reach the targets.
 */
export const LIGHTHOUSE_PAGES = ["index.html", "back.html", "verify.html"] as const;

export type LighthousePreset = "desktop" | "mobile";

const PRESETS: Record<LighthousePreset, Config | undefined> = {
  desktop: desktopConfig,
  // Lighthouse's default config is the mobile one (Moto G Power, slow 4G, simulated).
  mobile: undefined,
};

export interface FailingAudit {
  category: LighthouseCategory;
  id: string;
  /** 0–1 */
  score: number;
  /** The audit's weight in its category's score (0: shown, but not counted). */
  weight: number;
  displayValue?: string;
  /** What the audit points at (a console message, an element, a URL), a few at most. */
  items: string[];
}

export interface LighthouseRun {
  page: string;
  url: string;
  preset: LighthousePreset;
  /** 0–100, rounded as Lighthouse's report shows them. */
  scores: Record<LighthouseCategory, number>;
  failing: FailingAudit[];
}

const ITEMS_SHOWN = 3;

/** Metric audits list nothing themselves: their culprits are in a diagnostic audit. */
const ITEMS_FROM: Record<string, string> = {
  "cumulative-layout-shift": "layout-shifts",
  "largest-contentful-paint": "largest-contentful-paint-element",
  "total-blocking-time": "long-tasks",
};

/** A short text for each of an audit's first table rows: what a reader fixes. */
function auditItems(details: unknown): string[] {
  const items = (details as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items)) return [];
  return items.slice(0, ITEMS_SHOWN).flatMap((item) => {
    const row = item as Record<string, unknown>;
    const node = row.node as { snippet?: string; nodeLabel?: string } | undefined;
    const where = row.url ?? (row.sourceLocation as { url?: string } | undefined)?.url;
    const parts = [row.description ?? node?.snippet ?? node?.nodeLabel, where].filter(
      (value): value is string => typeof value === "string" && value !== "",
    );
    const text = parts.join(" ");
    return text === "" ? [] : [text.length > 240 ? `${text.slice(0, 240)}…` : text];
  });
}

/** Every scored audit of `category` under 1, weighted ones first. */
function failingAudits(lhr: Result, category: LighthouseCategory): FailingAudit[] {
  const failing: FailingAudit[] = [];
  for (const ref of lhr.categories[category]?.auditRefs ?? []) {
    const audit = lhr.audits[ref.id];
    if (audit === undefined || audit.score === null || audit.score >= 1) continue;
    if (["informative", "notApplicable", "manual", "error"].includes(audit.scoreDisplayMode)) continue;
    failing.push({
      category,
      id: ref.id,
      score: audit.score,
      weight: ref.weight,
      ...(audit.displayValue ? { displayValue: audit.displayValue } : {}),
      // The rows of an unweighted audit (hints, insights) are mostly advice text: its id says enough.
      items: ref.weight > 0 ? auditItems((lhr.audits[ITEMS_FROM[ref.id] ?? ""] ?? audit).details) : [],
    });
  }
  return failing.sort((a, b) => b.weight - a.weight);
}

/** Runs Lighthouse on every page with every preset, one after another (scores suffer from parallel runs). */
export async function runLighthouse(
  pages: readonly { name: string; url: string }[],
  presets: readonly LighthousePreset[] = ["desktop", "mobile"],
): Promise<LighthouseRun[]> {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM_PATH,
    // An array, not a command line: the host-resolver rule's spaces stay inside its one argument.
    chromeFlags: [...CHROMIUM_ARGS],
    logLevel: "silent",
  });
  const runs: LighthouseRun[] = [];
  try {
    for (const page of pages) {
      for (const preset of presets) {
        progress(`pages: Lighthouse on ${page.name} (${preset})…`);
        const result = await lighthouse(
          page.url,
          {
            port: chrome.port,
            output: "json",
            logLevel: "error",
            onlyCategories: [...LIGHTHOUSE_CATEGORIES],
          },
          PRESETS[preset],
        );
        if (result === undefined) throw new Error(`Lighthouse returned no result for ${page.url}.`);
        const { lhr } = result;
        if (lhr.runtimeError !== undefined)
          throw new Error(`Lighthouse could not measure ${page.url}: ${lhr.runtimeError.message}`);
        const scores = Object.fromEntries(
          LIGHTHOUSE_CATEGORIES.map((category) => [
            category,
            Math.round((lhr.categories[category]?.score ?? 0) * 100),
          ]),
        ) as Record<LighthouseCategory, number>;
        runs.push({
          page: page.name,
          url: page.url,
          preset,
          scores,
          failing: LIGHTHOUSE_CATEGORIES.flatMap((c) => failingAudits(lhr, c)),
        });
      }
    }
  } finally {
    chrome.kill();
  }
  return runs;
}

/** One row per page and preset; a score under its target is marked. */
export function lighthouseTable(runs: readonly LighthouseRun[]): string {
  const cell = (run: LighthouseRun, category: LighthouseCategory) =>
    `${run.scores[category]}${run.scores[category] < LIGHTHOUSE_TARGETS[category] ? " ✗" : ""}`;
  return markdownTable(
    [
      "page",
      "preset",
      `performance (≥ ${LIGHTHOUSE_TARGETS.performance})`,
      `accessibility (${LIGHTHOUSE_TARGETS.accessibility})`,
      `best practices (${LIGHTHOUSE_TARGETS["best-practices"]})`,
    ],
    runs.map((run) => [
      run.page,
      run.preset,
      ...LIGHTHOUSE_CATEGORIES.map((category) => cell(run, category)),
    ]),
  );
}

/**
 * The audits under 1, one line each, e.g. `back.html (mobile) performance: unused-javascript 0.5 (weight 0) —
 * 20 KiB`.
 */
export function failingAuditLines(runs: readonly LighthouseRun[]): string[] {
  return runs.flatMap((run) =>
    run.failing.map(
      (audit) =>
        `${run.page} (${run.preset}) ${audit.category}: ${audit.id} ${audit.score.toFixed(2)} (weight ${audit.weight})` +
        (audit.displayValue ? ` — ${audit.displayValue}` : "") +
        audit.items.map((item) => `\n    ${item}`).join(""),
    ),
  );
}
