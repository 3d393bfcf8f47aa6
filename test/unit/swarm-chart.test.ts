/**
 * The swarm benchmark's SVG chart: stacked areas whose top edge is the total of the series, tick
 * labels on round steps, a legend naming every source, text escaped, an explicit background.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { niceStep, stackedAreaChart, tickLabel } from "../../scripts/bench/svg-chart.ts";

const chart = () =>
  stackedAreaChart({
    title: "Bytes <by> source & time",
    xLabel: "minutes",
    yLabel: "GB",
    x: [0, 1, 2],
    series: [
      { label: "other fans", color: "#2563eb", values: [0, 2, 6] },
      { label: "seeder", color: "#d97706", values: [0, 1, 2] },
      { label: "web seed", color: "#dc2626", values: [0, 1, 2] },
    ],
    width: 800,
    height: 420,
  });

/** The points of every <polygon>, in drawing order, as [x, y] pairs. */
function polygons(svg: string): [number, number][][] {
  return [...svg.matchAll(/<polygon points="([^"]+)"/g)].map((match) =>
    match[1].split(" ").map((pair) => pair.split(",").map(Number) as [number, number]),
  );
}

/** y of the top series' upper edge at each sample. */
function upperY(svg: string, series: number): number[] {
  const upper = polygons(svg)[series];
  return upper.slice(0, 3).map(([, y]) => y);
}

describe("the stacked area chart", () => {
  it("draws one area per series, each starting where the one below it ends", () => {
    const [fans, seeder, webSeed] = polygons(chart());
    assert.ok(fans && seeder && webSeed);
    // Upper edge first, then the lower edge reversed: a series' lower edge is the upper edge of the one
    // below.
    const upper = (points: [number, number][]) => points.slice(0, 3);
    const lower = (points: [number, number][]) => points.slice(3).reverse();
    assert.deepEqual(lower(seeder), upper(fans));
    assert.deepEqual(lower(webSeed), upper(seeder));
  });

  it("puts the top of the stack at the total of the series", () => {
    const svg = chart();
    const top = upperY(svg, 2);
    // Totals 0, 4, 10 on a 0–10 axis: the last point touches the axis top, the middle one is 40% up.
    const plotTop = 44;
    const plotBottom = 420 - 72;
    assert.equal(top[2], plotTop);
    assert.equal(top[1], Math.round((plotBottom - 0.4 * (plotBottom - plotTop)) * 10) / 10);
    assert.equal(top[0], plotBottom);
  });

  it("names every source in the legend and escapes text", () => {
    const svg = chart();
    for (const label of ["other fans", "seeder", "web seed"])
      assert.match(svg, new RegExp(`>${label}</text>`));
    assert.match(svg, /Bytes &lt;by&gt; source &amp; time/);
    assert.doesNotMatch(svg, /<by>/);
  });

  it("paints its own background, so it reads the same on light and dark pages", () => {
    assert.match(chart(), /<rect width="800" height="420" fill="#ffffff"\/>/);
  });

  it("refuses a series whose length is not the number of samples", () => {
    assert.throws(
      () =>
        stackedAreaChart({
          title: "t",
          xLabel: "x",
          yLabel: "y",
          x: [0, 1],
          series: [{ label: "a", color: "red", values: [1] }],
        }),
      /"a" has 1 values for 2 samples/,
    );
  });
});

describe("axis ticks", () => {
  it("steps by 1, 2 or 5 times a power of ten", () => {
    assert.equal(niceStep(10), 2);
    assert.equal(niceStep(1.2), 0.5);
    assert.equal(niceStep(900), 200);
    assert.equal(niceStep(0), 1);
  });

  it("labels each tick with the decimals its step needs", () => {
    assert.equal(tickLabel(1.5, 0.5), "1.5");
    assert.equal(tickLabel(40, 20), "40");
    assert.equal(tickLabel(0.25, 0.05), "0.25");
  });
});
