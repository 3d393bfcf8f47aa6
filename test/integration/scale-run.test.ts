/**
 * runScaleBenchmark() (what `npm run bench:scale` runs) on Hardhat's in-process EVM, with a few
 * backers: every pledge goes through, the campaign succeeds and releases the whole sum. (The
 * figures at full size are the lead's to take: `npm run bench:scale`.)
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { UserError } from "../../scripts/lib/cli.ts";
import { REFERENCE_MIN_PLEDGE_UNITS } from "../../scripts/lib/reference-campaign.ts";
import { runScaleBenchmark, scaleTable } from "../../scripts/lib/scale-run.ts";

describe("runScaleBenchmark()", () => {
  it("pledges every backer, releases their sum to the beneficiary and measures pledges 1, half-way and last", async () => {
    const figures = await runScaleBenchmark({ backers: 4 });
    assert.equal(figures.backers, 4);
    assert.equal(figures.goal, 4);
    assert.equal(figures.paid, 4n * REFERENCE_MIN_PLEDGE_UNITS);
    assert.deepEqual([...figures.pledgeGas.keys()], [1, 2, 4]);
    for (const gas of figures.pledgeGas.values()) assert.ok(gas > 0n);
    assert.ok(figures.releaseGas > 0n);
  });

  it("prints its figures as a Markdown table of measures", async () => {
    const table = scaleTable(await runScaleBenchmark({ backers: 3 }));
    assert.match(table, /^\| measure +\| value +\|$/m);
    assert.match(table, /^\| backers +\| 3 +\|$/m);
    assert.match(table, /^\| released to the beneficiary +\| 29 tUSD +\|$/m);
    assert.match(table, /^\| pledge gas, backer 3 +\| [\d,]+ +\|$/m);
  });

  it("refuses fewer than three backers", async () => {
    await assert.rejects(runScaleBenchmark({ backers: 2 }), UserError);
  });
});
