/**
 * A small, dependency-free SVG writer for the benchmarks' charts: stacked areas over time, with
 * labelled axes, a legend and an explicit background (so the picture reads the same on a light
 * or a dark README).
 */

export interface Series {
  label: string;
  /** Any SVG colour. */
  color: string;
  /** One value per x, cumulative or not (the chart stacks them as given). */
  values: readonly number[];
}

export interface StackedChart {
  title: string;
  xLabel: string;
  yLabel: string;
  /** The x of each sample, ascending. */
  x: readonly number[];
  series: readonly Series[];
  width?: number;
  height?: number;
}

const MARGIN = { top: 44, right: 24, bottom: 72, left: 76 };
const BACKGROUND = "#ffffff";
const INK = "#1f2328";
const GRID = "#d0d7de";

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );
}

/** A round step giving about `count` ticks from 0 to `max` (1, 2 or 5 times a power of ten). */
export function niceStep(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** A tick label with as many decimals as the step needs (step 0.5 → "1.5", step 20 → "40"). */
export function tickLabel(value: number, step: number): string {
  return value.toFixed(Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/** The chart as a standalone SVG document. */
export function stackedAreaChart(chart: StackedChart): string {
  const width = chart.width ?? 800;
  const height = chart.height ?? 420;
  const plot = {
    x: MARGIN.left,
    y: MARGIN.top,
    w: width - MARGIN.left - MARGIN.right,
    h: height - MARGIN.top - MARGIN.bottom,
  };
  const xs = chart.x;
  if (xs.length === 0) throw new Error("a chart needs at least one sample");
  for (const series of chart.series) {
    if (series.values.length !== xs.length)
      throw new Error(`series "${series.label}" has ${series.values.length} values for ${xs.length} samples`);
  }
  // Both axes start at 0 (time since the start, bytes delivered).
  const xMin = Math.min(0, xs[0]);
  const xMax = xs.at(-1)! > xMin ? xs.at(-1)! : xMin + 1;
  const totals = xs.map((_, i) => chart.series.reduce((sum, series) => sum + series.values[i], 0));
  const yStep = niceStep(Math.max(...totals, 0));
  const yMax = Math.max(yStep, Math.ceil(Math.max(...totals) / yStep) * yStep);
  const px = (x: number) => round(plot.x + ((x - xMin) / (xMax - xMin)) * plot.w);
  const py = (y: number) => round(plot.y + plot.h - (y / yMax) * plot.h);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">${escapeXml(chart.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="${BACKGROUND}"/>`,
    `<g font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" fill="${INK}">`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(chart.title)}</text>`,
  );
  // Grid and y ticks.
  for (let y = 0; y <= yMax + yStep / 1e6; y += yStep) {
    parts.push(
      `<line x1="${plot.x}" y1="${py(y)}" x2="${plot.x + plot.w}" y2="${py(y)}" stroke="${GRID}" stroke-width="1"/>`,
      `<text x="${plot.x - 8}" y="${py(y) + 4}" text-anchor="end">${tickLabel(y, yStep)}</text>`,
    );
  }
  // Stacked areas, bottom series first.
  const base = xs.map(() => 0);
  for (const series of chart.series) {
    const top = base.map((value, i) => value + series.values[i]);
    const upper = xs.map((x, i) => `${px(x)},${py(top[i])}`);
    const lower = xs.map((x, i) => `${px(x)},${py(base[i])}`).reverse();
    parts.push(
      `<polygon points="${[...upper, ...lower].join(" ")}" fill="${series.color}" fill-opacity="0.85"/>`,
    );
    top.forEach((value, i) => (base[i] = value));
  }
  // Axes and x ticks.
  parts.push(
    `<line x1="${plot.x}" y1="${plot.y + plot.h}" x2="${plot.x + plot.w}" y2="${plot.y + plot.h}" stroke="${INK}"/>`,
    `<line x1="${plot.x}" y1="${plot.y}" x2="${plot.x}" y2="${plot.y + plot.h}" stroke="${INK}"/>`,
  );
  const xStep = niceStep(xMax - xMin, 8);
  for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax + xStep / 1e6; x += xStep) {
    parts.push(
      `<line x1="${px(x)}" y1="${plot.y + plot.h}" x2="${px(x)}" y2="${plot.y + plot.h + 5}" stroke="${INK}"/>`,
      `<text x="${px(x)}" y="${plot.y + plot.h + 18}" text-anchor="middle">${tickLabel(x, xStep)}</text>`,
    );
  }
  parts.push(
    `<text x="${plot.x + plot.w / 2}" y="${plot.y + plot.h + 36}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text transform="translate(16 ${plot.y + plot.h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  );
  // Legend, in a row under the x label, in stacking order.
  let legendX = plot.x;
  const legendY = height - 14;
  for (const series of chart.series) {
    parts.push(
      `<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" fill="${series.color}"/>`,
      `<text x="${legendX + 18}" y="${legendY}">${escapeXml(series.label)}</text>`,
    );
    legendX += 30 + series.label.length * 7;
  }
  parts.push("</g>", "</svg>");
  return `${parts.join("\n")}\n`;
}
