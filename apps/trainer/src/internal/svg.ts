/**
 * Minimal SVG charts (line chart, labelled scatter) drawn by hand, so plots need
 * nothing beyond sharp to become PNGs.
 */
import { CLIP_MARGIN, downsample, robustRange, type YRange } from './curves';

/** One named curve: `[x, y]` points. */
export interface Series {
  name: string;
  points: Array<[number, number]>;
}

const W = 720;
const H = 440;
const M = { left: 70, right: 190, top: 40, bottom: 50 };
/** Ten distinguishable colours (one per class / curve). */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Round ticks covering [lo, hi]. */
function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

function extent(values: ArrayLike<number>): [number, number] {
  // A loop, not Math.min(...values): spreading ~125k arguments overflows the call stack.
  let [lo, hi] = [Infinity, -Infinity];
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  if (lo > hi) return [0, 1];
  return padded({ lo, hi, outside: 0 });
}

/** `[lo, hi]` with 5% of its span added each side (a constant is widened by ±0.5 first). */
function padded({ lo, hi }: YRange): [number, number] {
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

function frame(
  title: string,
  xLabel: string,
  yLabel: string,
  xr: [number, number],
  yr: [number, number],
  body: string,
  legend: string[],
  note: string[] = [],
): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number) => M.left + ((x - xr[0]) / (xr[1] - xr[0])) * pw;
  const sy = (y: number) => M.top + ph - ((y - yr[0]) / (yr[1] - yr[0])) * ph;
  const grid = [
    ...ticks(xr[0], xr[1]).map(
      (t) =>
        `<line x1="${sx(t)}" y1="${M.top}" x2="${sx(t)}" y2="${M.top + ph}" stroke="#e5e5e5"/>` +
        `<text x="${sx(t)}" y="${M.top + ph + 18}" text-anchor="middle">${fmt(t)}</text>`,
    ),
    ...ticks(yr[0], yr[1]).map(
      (t) =>
        `<line x1="${M.left}" y1="${sy(t)}" x2="${M.left + pw}" y2="${sy(t)}" stroke="#e5e5e5"/>` +
        `<text x="${M.left - 6}" y="${sy(t) + 4}" text-anchor="end">${fmt(t)}</text>`,
    ),
  ].join('');
  const keys = legend
    .map(
      (name, i) =>
        `<rect x="${W - M.right + 12}" y="${M.top + i * 20}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>` +
        `<text x="${W - M.right + 30}" y="${M.top + i * 20 + 10}">${esc(name.length > 24 ? `${name.slice(0, 23)}…` : name)}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">` +
    `<rect width="100%" height="100%" fill="white"/>${grid}` +
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>` +
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">${esc(title)}</text>` +
    `<text x="${M.left + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>` +
    `<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>` +
    `<defs><clipPath id="plot-area"><rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}"/></clipPath></defs>` +
    `<g clip-path="url(#plot-area)">${body}</g>${keys}` +
    note
      .map(
        (line, i) =>
          `<text x="${W - M.right + 12}" y="${M.top + ph - 16 * (note.length - 1 - i)}" font-size="11" fill="#555">${esc(line)}</text>`,
      )
      .join('') +
    '</svg>'
  );
}

function scales(xr: [number, number], yr: [number, number]) {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  return {
    sx: (x: number) => (M.left + ((x - xr[0]) / (xr[1] - xr[0])) * pw).toFixed(1),
    sy: (y: number) => (M.top + ph - ((y - yr[0]) / (yr[1] - yr[0])) * ph).toFixed(1),
  };
}

/**
 * A line chart of one or more curves (non-finite points are skipped; a curve with one point is a dot).
 * Long curves are downsampled to four points per pixel column (spikes stay); the y range
 * ignores rare outliers (see `robustRange`), which are drawn off the frame and counted in a note.
 * @example
 * lineChart('loss', 'step', 'nats', [{ name: 'loss', points: [[1, 0.7], [2, 0.5]] }]);
 */
export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const curves = series.map((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const xs: number[] = [];
  const ys: number[] = [];
  for (const pts of curves) {
    for (const [x, y] of pts) {
      xs.push(x);
      ys.push(y);
    }
  }
  const xr = extent(xs);
  const range = robustRange(ys);
  const yr = padded(range);
  const { sx, sy } = scales(xr, yr);
  const columns = W - M.left - M.right;
  const body = curves
    .map((all, i) => {
      const colour = PALETTE[i % PALETTE.length];
      const pts = downsample(all, xr, columns);
      const line =
        pts.length > 1
          ? `<polyline fill="none" stroke="${colour}" stroke-width="1.8" points="${pts.map(([x, y]) => `${sx(x)},${sy(y)}`).join(' ')}"/>`
          : '';
      const dots = pts.length <= 30 ? pts.map(([x, y]) => `<circle cx="${sx(x)}" cy="${sy(y)}" r="3" fill="${colour}"/>`).join('') : '';
      return line + dots;
    })
    .join('');
  const note =
    range.outside === 0
      ? []
      : [
          'y clipped to p1–p99',
          `(± ${100 * CLIP_MARGIN}% of that span):`,
          `${range.outside.toLocaleString('en-US')} of ${ys.length.toLocaleString('en-US')} points outside`,
        ];
  return frame(
    title,
    xLabel,
    yLabel,
    xr,
    yr,
    body,
    series.map((s) => s.name),
    note,
  );
}

/**
 * A scatter of 2-D points coloured by label.
 * @param points `[n, 2]` row-major
 * @param labels `[n]` class indices
 * @param classes class names (legend)
 * @example
 * scatterChart('PCA', 'PC1', 'PC2', Float32Array.of(0, 1, 1, 0), Int32Array.of(0, 1), ['a', 'b']);
 */
export function scatterChart(
  title: string,
  xLabel: string,
  yLabel: string,
  points: Float32Array,
  labels: Int32Array,
  classes: readonly string[],
): string {
  const n = labels.length;
  const xs = Array.from({ length: n }, (_, i) => points[2 * i]);
  const ys = Array.from({ length: n }, (_, i) => points[2 * i + 1]);
  const xr = extent(xs);
  const yr = extent(ys);
  const { sx, sy } = scales(xr, yr);
  const body = xs
    .map(
      (x, i) =>
        `<circle cx="${sx(x)}" cy="${sy(ys[i])}" r="2.2" fill-opacity="0.7" fill="${PALETTE[Math.max(0, labels[i]) % PALETTE.length]}"/>`,
    )
    .join('');
  return frame(title, xLabel, yLabel, xr, yr, body, classes.slice(0, 20).map(String));
}
