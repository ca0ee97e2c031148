import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { Rng } from '@infomax/engine';
import { lineChart } from './internal/svg';
import { plotMetrics, plotPca, type MetricLine } from './plots';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-plots-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Pixels of a PNG within 40 of an RGB colour. */
async function count(file: string, rgb: [number, number, number]): Promise<number> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < info.width * info.height; i++) {
    if (Math.abs(data[3 * i] - rgb[0]) + Math.abs(data[3 * i + 1] - rgb[1]) + Math.abs(data[3 * i + 2] - rgb[2]) < 40) n++;
  }
  return n;
}

test('metrics become 720×440 PNGs with one colour per curve; probe plots need two evaluations', async () => {
  const lines: MetricLine[] = [];
  for (let s = 1; s <= 50; s++) lines.push({ kind: 'step', step: s, epoch: 0, loss: 1 / s, mi_local: Math.log(s), ms: 3 });
  lines.push({ kind: 'eval', step: 50, testAccuracy: 0.9, test_mi_local: 0.5 });
  expect((await plotMetrics(lines, dir)).map((f) => path.basename(f))).toEqual(['loss.png', 'mi.png']);
  lines.push({ kind: 'eval', step: 60, testAccuracy: 0.95, test_mi_local: 0.6 });
  expect((await plotMetrics(lines, dir)).map((f) => path.basename(f))).toEqual(['loss.png', 'mi.png', 'probe.png', 'probe-mi.png']);
  const meta = await sharp(path.join(dir, 'loss.png')).metadata();
  expect([meta.format, meta.width, meta.height]).toEqual(['png', 720, 440]);
  // The first curve is drawn in the first palette colour (#1f77b4); the second colour is absent from a one-curve chart.
  expect(await count(path.join(dir, 'loss.png'), [31, 119, 180])).toBeGreaterThan(300);
  expect(await count(path.join(dir, 'loss.png'), [255, 127, 14])).toBe(0);
});

test('the PCA scatter colours each point by its label', async () => {
  const n = 200;
  const points = Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? Math.floor(i / 2) % 2 : (i % 7) / 7));
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  const file = path.join(dir, 'pca.png');
  await plotPca(points, labels, ['a', 'b'], [0.6, 0.3], file, 'code');
  expect(await count(file, [31, 119, 180])).toBeGreaterThan(100);
  expect(await count(file, [255, 127, 14])).toBeGreaterThan(100);
  expect(await count(file, [44, 160, 44])).toBe(0);
});

/** Where a colour lies inside the plot area (x 70..530, y 40..390 by svg.ts's margins; the legend lies right of it). */
async function where(file: string, rgb: [number, number, number]): Promise<Array<[number, number]>> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const hits: Array<[number, number]> = [];
  for (let y = 40; y <= 390; y++) {
    for (let x = 70; x <= 530; x++) {
      const i = 3 * (y * info.width + x);
      if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 40) hits.push([x, y]);
    }
  }
  return hits;
}

/** A JSD-like MI curve: rising from 0.2 to 0.7 with seeded noise. */
function miCurve(steps: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: steps }, (_, s) => 0.2 + 0.5 * (1 - Math.exp(-s / (steps / 5))) + 0.03 * rng.normal());
}

test('300,000 steps of three curves render (one spike among them still reaches the frame)', async () => {
  const steps = 300000;
  const [local, global] = [miCurve(steps, 1), miCurve(steps, 2)];
  const lines: MetricLine[] = Array.from({ length: steps }, (_, s) => ({
    kind: 'step',
    step: s + 1,
    loss: 1.4 - local[s],
    mi_local: local[s],
    mi_global: global[s],
  }));
  lines[200000].mi_local = 3;
  const sub = path.join(dir, 'long');
  expect((await plotMetrics(lines, sub)).map((f) => path.basename(f))).toEqual(['loss.png', 'mi.png']);
  const mi = await where(path.join(sub, 'mi.png'), [31, 119, 180]);
  // The spike at step 200,000 is drawn to the top edge of the frame, in the column two thirds across.
  const top = mi.filter(([, y]) => y === 41).map(([x]) => x);
  expect(top.length).toBeGreaterThan(0);
  for (const x of top) expect(Math.abs(x - (70 + 460 * (200000 / 300000)))).toBeLessThan(12);
});

test('one −210 outlier among 500 MI values does not flatten mi.png: the curve spans most of the plot height', async () => {
  const values = miCurve(500, 3);
  const lines: MetricLine[] = values.map((v, s) => ({ kind: 'step', step: s + 1, loss: -v, mi_global: v }));
  lines[250].mi_global = -210;
  const sub = path.join(dir, 'outlier');
  await plotMetrics(lines, sub);
  const hits = await where(path.join(sub, 'mi.png'), [31, 119, 180]);
  // Away from the outlier's column (x ≈ 300), the values 0.1–0.8 fill > 60% of the 350 plot rows
  // (squeezed into ~1% of them by a range reaching −210); the outlier's line runs off the bottom edge.
  const spikeX = 70 + 460 * (250 / 499);
  expect(new Set(hits.filter(([x]) => Math.abs(x - spikeX) > 6).map(([, y]) => y)).size).toBeGreaterThan(0.6 * 350);
  expect(hits.some(([x, y]) => y === 389 && Math.abs(x - spikeX) < 3)).toBe(true);
  // The chart says so beside the plot, and only when something was clipped.
  const curve = (v: number[]) => [{ name: 'mi_global', points: v.map((y, s): [number, number] => [s + 1, y]) }];
  const withOutlier = values.map((v, s) => (s === 250 ? -210 : v));
  expect(lineChart('MI', 'step', 'nats', curve(withOutlier))).toContain('>1 of 500 points outside</text>');
  expect(lineChart('MI', 'step', 'nats', curve(values))).not.toContain('clipped');
});
