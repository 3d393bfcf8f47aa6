/**
 * Every TypeScript test runs on Vitest, in one project per folder of test/, each with timeouts
 * that fit its kind. (The Solidity fuzz and invariant tests run on `hardhat test solidity`;
 * `npm test` runs both and adds up their counts: scripts/test.ts.)
 *
 * `npx vitest --project unit` is a watch mode over the unit tests.
 */
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

/** A project for the tests under `test/<name>/`. */
function folder(
  name: string,
  timeoutMs: number,
  options: TestProjectInlineConfiguration["test"] = {},
): TestProjectInlineConfiguration {
  return {
    extends: true,
    test: {
      name,
      include: [`test/${name}/**/*.test.ts`],
      testTimeout: timeoutMs,
      hookTimeout: timeoutMs,
      ...options,
    },
  };
}

export default defineConfig({
  test: {
    // Node, not a DOM: browser code is tested in Chromium itself (test/browser, test/e2e).
    environment: "node",
    // Workers are processes: Hardhat, WebTorrent and native modules each get a clean one.
    pool: "forks",
    // A test that calls process.exit or leaves a handle open fails rather than hanging the run.
    teardownTimeout: 10_000,
    projects: [
      // Pure functions: no server, no chain, no build, no child process.
      folder("unit", 60_000),
      // One part against the real thing it talks to, in process: a Hardhat chain, HTTP servers
      // on 127.0.0.1, an astro build.
      folder("integration", 180_000),
      folder("escrow", 120_000),
      folder("pilot", 180_000),
      // The 1 GiB CID check takes a minute on two cores.
      folder("ipfs", 600_000),
      // Chromium tests share the two cores badly: one file at a time.
      folder("browser", 300_000, { fileParallelism: false }),
      // The local stack listens on fixed ports (8545, 8000, 8001, 4321): one file at a time.
      folder("e2e", 600_000, { fileParallelism: false }),
      folder("wiring", 60_000),
    ],
    coverage: {
      provider: "v8",
      include: ["site/lib/**/*.ts", "scripts/lib/**/*.ts"],
      reporter: ["text-summary", "json-summary"],
    },
  },
});
