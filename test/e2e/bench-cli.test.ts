/**
 * `npm run bench` and `npm run bench:scale` as processes: their help, their refusal of a bad flag,
 * and a tiny scale run printed as its table. What they measure is tested through runBenchmarks()
 * and runScaleBenchmark() (test/integration/benchmarks.test.ts, scale-run.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { runScript } from "../helpers/processes.ts";

describe("npm run bench, the command", () => {
  it("prints its help listing every flag and the sections, and exits 0", async () => {
    const result = await runScript("bench.ts", ["--help"]);
    assert.equal(result.code, 0, result.stderr);
    for (const flag of ["--eth-price <usd>", "--only <section>", "--runs <n>", "--fans <n>", "--sample"])
      assert.ok(result.stdout.includes(flag), `help lists ${flag}`);
    assert.match(result.stdout, /^ {2}swarm {4}/m);
  });

  it("refuses an unknown section with exit code 2, naming the flag and the sections", async () => {
    const result = await runScript("bench.ts", ["--only", "gass"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--only <section>.*"gass": use gas, torrent, ipfs, player, pages or swarm/);
  });
});

describe("npm run bench:scale, the command", () => {
  it("refuses fewer than three backers with exit code 2, naming the flag", async () => {
    const result = await runScript("bench-scale.ts", ["--backers", "2"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--backers <n>.*"2" must be a whole number from 3 up/);
  });

  it("prints the scale run as a table on stdout and exits 0", async () => {
    const result = await runScript("bench-scale.ts", ["--backers", "3"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^## Scale run$/m);
    assert.match(result.stdout, /^\| backers +\| 3 +\|$/m);
  });
});
