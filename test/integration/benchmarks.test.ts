/**
 * runBenchmarks() (what `npm run bench` runs), one cheap section: the escrow's gas on Hardhat's
 * in-process EVM. Only that the sections asked for are the ones run and written; the figures
 * themselves are the lead's to take (`npm run bench`).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { runBenchmarks } from "../../scripts/lib/benchmarks.ts";

describe("runBenchmarks()", () => {
  it("runs only the sections asked for and writes each as a titled Markdown table", async () => {
    const written: string[] = [];
    await runBenchmarks({
      sections: ["gas"],
      prices: { ethUsd: 2000, l1Gwei: 5, l2Gwei: 0.02 },
      write: (text) => written.push(text),
    });
    assert.equal(written.length, 1);
    assert.match(written[0], /^\n## Escrow gas \(ETH at \$2000\)\n\n\|/);
    assert.match(written[0], /L1 @ 5 gwei/);
    assert.match(written[0], /L2 @ 0\.02 gwei/);
  });
});
