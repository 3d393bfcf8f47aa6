/**
 * Chromium for end-to-end tests: Debian's /usr/bin/chromium (CI installs it with apt) driven by
 * playwright-core, with every flag that keeps it off the network but for 127.0.0.1.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** How to get the Chromium these tests drive. */
export const CHROMIUM_INSTALL =
  "apt-get install chromium (Debian, Ubuntu; .ci/run does), or npx playwright install chromium and set CHROMIUM_PATH";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Without this Chromium looks up Google hosts at start; with it, no lookup leaves the machine.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

/** A Chromium flag keeping WebRTC off UDP: on loopback, the web seed is then the pilot's only source. */
export const NO_WEBRTC_UDP = "--force-webrtc-ip-handling-policy=disable_non_proxied_udp";

export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: ${CHROMIUM_INSTALL}.`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * Records every `securitypolicyviolation` event of `page` (as "<directive> <blocked URI>") from
 * before its first script runs; call before `page.goto`. Returns what it recorded so far.
 */
export async function watchCspViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) =>
      seen.push(`${event.effectiveDirective} ${event.blockedURI}`),
    );
  });
  return () => page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations);
}
