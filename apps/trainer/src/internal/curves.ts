/**
 * What a line chart draws of long, noisy training curves: at most four points per
 * pixel column, and a y range that one wild value cannot flatten.
 */

/** Clipping range of {@link robustRange}: the 1st–99th percentile, widened by this fraction of its span on each side. */
export const CLIP_MARGIN = 0.5;

/** A chart's y range. */
export interface YRange {
  lo: number;
  hi: number;
  /** Values outside `[lo, hi]` (drawn off the frame); 0 when the range holds every value. */
  outside: number;
}

/**
 * The y range of a chart: every value when they are all within
 * `[p1 − m·(p99 − p1), p99 + m·(p99 − p1)]` (m = {@link CLIP_MARGIN}), else that range
 * cut to the data, so a single spike (an MI estimate of −210 nats under JSD among values
 * near 0.5) leaves the rest readable. Percentiles interpolate linearly between order
 * statistics (numpy's default). Curves with ~100 points or fewer are never clipped by
 * one outlier: their p99 lies close to their maximum.
 * @param values finite values
 * @returns `lo < hi` (a constant is widened by ±0.5) and how many values lie outside
 * @example
 * robustRange([...new Array(300).fill(0.5), -210]); // { lo: 0, hi: 1, outside: 1 }
 */
export function robustRange(values: ArrayLike<number>): YRange {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { lo: 0, hi: 1, outside: 0 };
  const p1 = quantile(sorted, 0.01);
  const p99 = quantile(sorted, 0.99);
  const lo = Math.max(sorted[0], p1 - CLIP_MARGIN * (p99 - p1));
  const hi = Math.min(sorted[n - 1], p99 + CLIP_MARGIN * (p99 - p1));
  let outside = 0;
  for (let i = 0; i < n; i++) if (sorted[i] < lo || sorted[i] > hi) outside++;
  return lo === hi ? { lo: lo - 0.5, hi: hi + 0.5, outside } : { lo, hi, outside };
}

function quantile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
}

/**
 * M4 downsampling (Jugel et al., "M4: A Visualization-Oriented Time Series Data
 * Aggregation", VLDB 2014): the first, lowest, highest and last point of each run of
 * points falling in one pixel column, in their order. The polyline through them covers
 * the same pixels as the one through every point, so a one-step spike stays visible.
 * @param points `[x, y]` in drawing order, finite
 * @param xRange the chart's x range
 * @param columns pixel columns of the plot area
 * @returns at most `4 · columns` points (when the x values increase), or `points` itself when it is not longer
 * @example
 * downsample(points, [0, 300000], 460); // ≤ 1,840 points
 */
export function downsample(points: Array<[number, number]>, xRange: [number, number], columns: number): Array<[number, number]> {
  if (points.length <= 4 * columns) return points;
  const scale = columns / (xRange[1] - xRange[0] || 1);
  const out: Array<[number, number]> = [];
  let start = 0;
  while (start < points.length) {
    const column = Math.floor((points[start][0] - xRange[0]) * scale);
    let [low, high, end] = [start, start, start + 1];
    for (; end < points.length && Math.floor((points[end][0] - xRange[0]) * scale) === column; end++) {
      if (points[end][1] < points[low][1]) low = end;
      if (points[end][1] > points[high][1]) high = end;
    }
    for (const i of [...new Set([start, low, high, end - 1])].sort((a, b) => a - b)) out.push(points[i]);
    start = end;
  }
  return out;
}
