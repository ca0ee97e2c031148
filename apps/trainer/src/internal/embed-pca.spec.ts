/**
 * `infomax embed --pca k` and `--pca-from` on a tiny trained run (synthetic 28×28 gratings,
 * wasm): the reduced rows against the saved fit's own equation in float64, and against
 * NumPy's `eigh` of the full embeddings' covariance where NumPy is installed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { embedRun } from '../embed';
import { errorLines, runInProcess, writeTinyConfig } from '../test-utils/cli';
import { pythonWithNumpy, runPythonJson } from '../test-utils/python';
import type { PcaFile } from './embed-pca';

let tmp: string;
let run: string;
let idx: string;
const { python, reason } = pythonWithNumpy();
if (!python) console.warn(`embed-pca.spec: numpy checks skipped: ${reason}`);

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-embed-pca-'));
  run = path.join(tmp, 'run');
  const trained = await runInProcess(['train', '-c', writeTinyConfig(tmp), '-o', run, '--steps', '2'], 120000);
  expect(trained.code).toBe(0);
  // Eight images of an IDX file: the "other" rows a saved fit is applied to.
  const rng = new Rng(12);
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  [8, 28, 28].forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  idx = path.join(tmp, 'eight-idx3-ubyte');
  fs.writeFileSync(idx, Buffer.concat([header, Uint8Array.from({ length: 8 * 28 * 28 }, () => rng.int(256))]));
}, 180000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A float32 `.npy` file as written by embed (v1.0 header, C order). */
function readNpy(file: string): { shape: number[]; values: Float32Array } {
  const bytes = fs.readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const shape = /'shape': \(([^)]*)\)/.exec(bytes.subarray(10, 10 + headerLength).toString('latin1'))![1];
  const data = bytes.subarray(10 + headerLength);
  const values = new Float32Array(data.length / 4).map((_, i) => data.readFloatLE(4 * i));
  return {
    shape: shape
      .split(',')
      .filter((d) => d.trim() !== '')
      .map(Number),
    values,
  };
}

const readFit = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as PcaFile;

/** Worst |(x − mean)·componentsᵀ − y| in float64, and the largest |value| for scale. */
function fitEquation(x: Float32Array, y: Float32Array, fit: PcaFile): { worst: number; scale: number } {
  const rows = x.length / fit.dim;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < rows; i++) {
    for (let r = 0; r < fit.k; r++) {
      let want = 0;
      for (let j = 0; j < fit.dim; j++) want += (x[i * fit.dim + j] - fit.mean[j]) * fit.components[r][j];
      worst = Math.max(worst, Math.abs(want - y[i * fit.k + r]));
      scale = Math.max(scale, Math.abs(want));
    }
  }
  return { worst, scale };
}

test('--pca 3 of a dataset (200 × 16): (200, 3) rows = (x − mean)·componentsᵀ of the saved fit (1e-5 of scale); NumPy eigh agrees', async () => {
  const full = path.join(tmp, 'full.npy');
  const reduced = path.join(tmp, 'reduced.npy');
  await embedRun(run, { input: 'synthetic', out: full });
  const r = await runInProcess(['embed', run, '--input', 'synthetic', '--out', reduced, '--pca', '3']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(
    /200 images → 200×3 float32 \(code, step 2, PCA 16 → 3 keeping \d+\.\d% of the variance\); written to .*reduced\.npy and .*reduced\.index\.csv and .*reduced\.pca\.json/,
  );
  const x = readNpy(full);
  const y = readNpy(reduced);
  expect(y.shape).toEqual([200, 3]);
  const fit = readFit(path.join(tmp, 'reduced.pca.json'));
  expect(fit).toMatchObject({ k: 3, dim: 16, layer: 'code', step: 2, rows: 200 });
  const { worst, scale } = fitEquation(x.values, y.values, fit);
  expect(worst).toBeLessThan(1e-5 * scale);
  if (!python) return;
  const numpy = runPythonJson(
    python,
    [
      'import sys, json, numpy as np',
      'x = np.load(sys.argv[1]).astype(np.float64); fit = json.load(open(sys.argv[2]))',
      'w, v = np.linalg.eigh(np.cov(x, rowvar=False)); order = np.argsort(w)[::-1]; w = w[order]; v = v[:, order].T[:3]',
      'v = v * np.sign(v[np.arange(3), np.abs(v).argmax(1)])[:, None]',
      'print(json.dumps({"variance": w[:3].tolist(), "ratio": (w[:3] / w.sum()).tolist(), "axes": v.tolist(), "gaps": (-np.diff(w[:4]) / w[0]).tolist()}))',
    ].join('\n'),
    [full, path.join(tmp, 'reduced.pca.json')],
  ) as { variance: number[]; ratio: number[]; axes: number[][]; gaps: number[] };
  // Axes are only defined as well as the eigenvalue gaps allow; these data have gaps of ≥ 1% of λ₁.
  expect(Math.min(...numpy.gaps)).toBeGreaterThan(0.01);
  numpy.variance.forEach((v, i) => expect(Math.abs(fit.explainedVariance[i] - v)).toBeLessThan(1e-4 * numpy.variance[0]));
  numpy.ratio.forEach((v, i) => expect(Math.abs(fit.explainedVarianceRatio[i] - v)).toBeLessThan(1e-4));
  numpy.axes.forEach((axis, i) => axis.forEach((v, j) => expect(Math.abs(fit.components[i][j] - v)).toBeLessThan(1e-3)));
});

test('--pca-from applies a saved fit to other images: their rows = (x − mean)·componentsᵀ of that fit; nothing leaks', async () => {
  const fitFile = path.join(tmp, 'synthetic-fit.pca.json');
  await embedRun(run, { input: 'synthetic', out: path.join(tmp, 'synthetic-fit.csv'), pca: 4 });
  const full = path.join(tmp, 'eight.npy');
  await embedRun(run, { input: idx, out: full });
  const out = path.join(tmp, 'eight-pca.npy');
  const before = tf.memory().numTensors;
  const r = await embedRun(run, { input: idx, out, pcaFrom: fitFile });
  expect(tf.memory().numTensors).toBe(before);
  const fit = readFit(fitFile);
  expect(r).toMatchObject({ rows: 8, dim: 4, pca: { fromDim: 16 } });
  expect(r.pca!.kept).toBeCloseTo(
    fit.explainedVarianceRatio.reduce((a, b) => a + b, 0),
    12,
  );
  expect(r.files.some((f) => f.endsWith('.pca.json'))).toBe(false);
  const y = readNpy(out);
  expect(y.shape).toEqual([8, 4]);
  const { worst, scale } = fitEquation(readNpy(full).values, y.values, fit);
  expect(worst).toBeLessThan(1e-5 * scale);
});

test('bad --pca / --pca-from: one error line each naming the flag, exit code 2, no output file', async () => {
  const out = path.join(tmp, 'bad.npy');
  const fitFile = path.join(tmp, 'synthetic-fit.pca.json');
  const broken = path.join(tmp, 'broken.pca.json');
  fs.writeFileSync(broken, JSON.stringify({ ...readFit(fitFile), mean: [1, 2] }));
  const base = ['embed', run, '--input', idx, '--out', out];
  const cases: Array<[string[], RegExp]> = [
    [['--pca', '0'], /ConfigError: config 'pca': expected an integer in 1\.\.∞, got 0/],
    [['--pca', '9'], /ConfigError: --pca 9: expected at most min\(images, values per row\) = min\(8, 16\) = 8/],
    [['--pca', '2', '--pca-from', fitFile], /ConfigError: --pca and --pca-from: expected one of them, got both/],
    [['--pca-from', path.join(tmp, 'none.json')], /ConfigError: --pca-from '.*none\.json': cannot read it as JSON: ENOENT/],
    [
      ['--pca-from', broken],
      /ConfigError: --pca-from '.*broken\.pca\.json': expected mean of 16 values and components of 4 rows × 16 values/,
    ],
    [
      ['--pca-from', fitFile, '--layer', 'fc'],
      /ConfigError: --pca-from '.*synthetic-fit\.pca\.json' projects 16-value rows \(code\); these have 32/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await runInProcess([...base, ...args]);
    expect([r.code, errorLines(r.stderr)]).toEqual([2, [expect.stringMatching(message)]]);
  }
  expect(fs.existsSync(out)).toBe(false);
});
