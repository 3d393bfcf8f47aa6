/**
 * The JavaScript a page makes a visitor download before they do anything: every script it
 * fetches in Chromium while loading and once idle (lazy chunks included: a dynamic import() run
 * at load or in an idle callback is fetched before any click), plus its inline scripts, each
 * weighed gzip-compressed (level 9, as a static host or gateway would serve it).
 */
import { gzipSync } from "node:zlib";
import type { Page, Request } from "playwright-core";

export interface ScriptWeight {
  /** The script's URL; inline scripts are `<page URL>#inline-script-<n>`. */
  url: string;
  gzipBytes: number;
}

export interface JavascriptFetched {
  files: ScriptWeight[];
  totalGzip: number;
}

export interface JavascriptFetchedOptions {
  /** Resolves once the page has done what it does without the visitor (default: nothing more than idle). */
  ready?: (page: Page) => Promise<void>;
  /** How long to wait for the page to go idle (default 30 s). */
  timeoutMs?: number;
}

function gzipBytes(body: Uint8Array | string): number {
  return gzipSync(body, { level: 9 }).length;
}

/**
 * Opens `url` in `page` and weighs every script it fetches until it is idle: the network quiet,
 * an idle callback run (what the page defers to idle time has started), `options.ready` resolved,
 * and the network quiet again.
 */
export async function javascriptFetched(
  page: Page,
  url: string,
  options: JavascriptFetchedOptions = {},
): Promise<JavascriptFetched> {
  const timeout = options.timeoutMs ?? 30_000;
  const reads: Promise<ScriptWeight | undefined>[] = [];
  const onFinished = (request: Request) => {
    if (request.resourceType() !== "script") return;
    reads.push(
      request
        .response()
        .then(async (response) =>
          response === null ? undefined : { url: request.url(), gzipBytes: gzipBytes(await response.body()) },
        ),
    );
  };
  page.on("requestfinished", onFinished);
  try {
    await page.goto(url, { waitUntil: "networkidle", timeout });
    await page.evaluate(
      (ms) =>
        new Promise<void>((done) =>
          "requestIdleCallback" in window
            ? requestIdleCallback(() => done(), { timeout: ms })
            : setTimeout(done, 0),
        ),
      timeout,
    );
    await options.ready?.(page);
    // Whatever started in the idle callback or on the way to `ready` finishes loading first.
    await page.waitForLoadState("networkidle", { timeout });
    await page.waitForFunction(
      () =>
        performance
          .getEntriesByType("resource")
          .every((entry) => (entry as PerformanceResourceTiming).responseEnd > 0),
      undefined,
      { timeout },
    );
  } finally {
    page.off("requestfinished", onFinished);
  }
  const fetched = (await Promise.all(reads)).filter((file): file is ScriptWeight => file !== undefined);
  const inline = await page.$$eval("script:not([src])", (scripts) =>
    (scripts as HTMLScriptElement[])
      .filter((script) => ["", "module", "text/javascript"].includes(script.type))
      .map((script) => script.textContent ?? ""),
  );
  const files = [
    ...fetched,
    ...inline
      .filter((code) => code.trim() !== "")
      .map((code, index) => ({ url: `${url}#inline-script-${index + 1}`, gzipBytes: gzipBytes(code) })),
  ];
  return { files, totalGzip: files.reduce((sum, file) => sum + file.gzipBytes, 0) };
}
