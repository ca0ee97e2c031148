import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
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
