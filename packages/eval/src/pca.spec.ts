import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { ConfigError, NonFiniteError, ShapeError } from './errors';
import { pca2d } from './pca';
import { expectClose, expectNoLeak, gaussian } from './test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

function unit(rng: Rng, dim: number): Float64Array {
  const v = Float64Array.from({ length: dim }, () => rng.normal());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const dot = (a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number) => {
  let s = 0;
  for (let j = 0; j < d; j++) s += a[ao + j] * b[bo + j];
  return s;
};

describe('pca2d', () => {
  // Unit noise plus variance 25 along u and 9 along v (v ⟂ u): eigenvalues 26, 10, 1 × 8.
  const dim = 10;
  const n = 4000;
  const rng = new Rng(21);
  const u = unit(rng, dim);
  const w = unit(rng, dim);
  const uw = dot(u, 0, w, 0, dim);
  const v = w.map((x, j) => x - uw * u[j]);
  const vn = Math.hypot(...v);
  v.forEach((x, j) => (v[j] = x / vn));
  const features = gaussian(rng, n, dim);
  for (let i = 0; i < n; i++) {
    const a = 5 * rng.normal();
    const b = 3 * rng.normal();
    for (let j = 0; j < dim; j++) features[i * dim + j] += a * u[j] + b * v[j] + 2;
  }

  it('n=4000 dim=10 stretched ×5 along u and ×3 along v: recovers u and v (|cos| > 0.99) and the ratios 26/44, 10/44', async () => {
    const p = await pca2d(features, dim, n);
    expect(Math.abs(dot(p.axes, 0, u, 0, dim))).toBeGreaterThan(0.99);
    expect(Math.abs(dot(p.axes, dim, v, 0, dim))).toBeGreaterThan(0.99);
    expectClose(p.explained[0], 26 / 44, 0.03);
    expectClose(p.explained[1], 10 / 44, 0.02);
    p.mean.forEach((m) => expectClose(m, 2, 0.3));
  });

  it('axes are orthonormal; points are the centred rows projected on them; their variances are the explained shares', async () => {
    const p = await pca2d(features, dim, n);
    expectClose(dot(p.axes, 0, p.axes, 0, dim), 1, 1e-9);
    expectClose(dot(p.axes, dim, p.axes, dim, dim), 1, 1e-9);
    expectClose(dot(p.axes, 0, p.axes, dim, dim), 0, 1e-9);
    let total = 0;
    const projected = [0, 0];
    for (let i = 0; i < n; i++) {
      const centred = Array.from({ length: dim }, (_, j) => features[i * dim + j] - p.mean[j]);
      total += dot(centred, 0, centred, 0, dim);
      for (let r = 0; r < 2; r++) {
        const q = dot(centred, 0, p.axes, r * dim, dim);
        expectClose(p.points[2 * i + r], q, 1e-4 * Math.max(1, Math.abs(q)));
        projected[r] += q * q;
      }
    }
    expectClose(projected[0] / total, p.explained[0], 1e-4);
    expectClose(projected[1] / total, p.explained[1], 1e-4);
  });

  // The eigen equation itself: C·a = λ·a for each axis, λ / trace(C) = explained (C in float64 JS).
  async function expectEigenAxes(x: Float32Array, dim: number, n: number, tol: number) {
    const p = await pca2d(x, dim, n);
    const c = new Float64Array(dim * dim);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dim; j++) {
        const a = x[i * dim + j] - p.mean[j];
        for (let k = 0; k < dim; k++) c[j * dim + k] += (a * (x[i * dim + k] - p.mean[k])) / n;
      }
    }
    let trace = 0;
    for (let j = 0; j < dim; j++) trace += c[j * dim + j];
    for (let r = 0; r < 2; r++) {
      const lambda = p.explained[r] * trace;
      for (let j = 0; j < dim; j++) {
        const ca = dot(c, j * dim, p.axes, r * dim, dim);
        expectClose(ca, lambda * p.axes[r * dim + j], tol * trace);
      }
    }
    return p;
  }

  it('n=30 rows < dim=120 features (Gram-matrix path): each axis satisfies C·a = λ·a, λ/trace = explained', async () => {
    const r = new Rng(22);
    const x = gaussian(r, 30, 120);
    const dir = unit(r, 120);
    for (let i = 0; i < 30; i++) {
      const t = 12 * r.normal();
      for (let j = 0; j < 120; j++) x[i * 120 + j] += t * dir[j];
    }
    const p = await expectEigenAxes(x, 120, 30, 1e-5);
    expect(Math.abs(dot(p.axes, 0, dir, 0, 120))).toBeGreaterThan(0.95);
    expectClose(dot(p.axes, 0, p.axes, 120, 120), 0, 1e-9);
  });

  it('nearly equal leading variances (10 and 9.9 per axis): the eigen equation still holds', async () => {
    const r = new Rng(23);
    const x = gaussian(r, 3000, 12);
    for (let i = 0; i < 3000; i++) {
      x[i * 12] *= Math.sqrt(10);
      x[i * 12 + 1] *= Math.sqrt(9.9);
    }
    await expectEigenAxes(x, 12, 3000, 1e-6);
  });

  it('degenerate data: equal rows give explained [0, 0] and zero points; a line gives [1, 0]', async () => {
    const same = await pca2d(new Float32Array(30).fill(3), 3, 10);
    expect(same.explained).toEqual([0, 0]);
    expect(same.points.every((x) => x === 0)).toBe(true);
    const line = new Float32Array(60);
    for (let i = 0; i < 20; i++) [line[3 * i], line[3 * i + 1], line[3 * i + 2]] = [i, 2 * i, -i];
    const p = await pca2d(line, 3, 20);
    expectClose(p.explained[0], 1, 1e-6);
    expectClose(p.explained[1], 0, 1e-6);
    expectClose(
      Math.abs(
        dot(
          p.axes,
          0,
          [1, 2, -1].map((x) => x / Math.sqrt(6)),
          0,
          3,
        ),
      ),
      1,
      1e-6,
    );
    expectClose(dot(p.axes, 0, p.axes, 3, 3), 0, 1e-9);
    expect(p.points.every(Number.isFinite)).toBe(true);
    expect((await pca2d(Float32Array.from([1, 2, 3]), 3, 1)).explained).toEqual([0, 0]);
    const two = await pca2d(Float32Array.from([0, 1, 2, 3, 4, 2, 3, 4, 5, 6]), 5, 2);
    expectClose(two.explained[0], 1, 1e-6);
    expectClose(dot(two.axes, 0, two.axes, 5, 5), 0, 1e-9);
  });

  it('same seed → same axes; the sign convention makes axes independent of the seed', async () => {
    const a = await pca2d(features, dim, n, { seed: 1 });
    const b = await pca2d(features, dim, n, { seed: 2 });
    for (let j = 0; j < 2 * dim; j++) expectClose(a.axes[j], b.axes[j], 1e-6);
  });

  it('leaks no tensors', async () => {
    await expectNoLeak(() => pca2d(features, dim, n));
  });

  it('rejects a length that is not n·dim, dim < 2 and n < 1', async () => {
    const before = tf.memory().numTensors;
    await expect(pca2d(features, dim, n - 1)).rejects.toThrow(/pca2d: features must hold/);
    await expect(pca2d(features, dim, n - 1)).rejects.toThrow(ShapeError);
    await expect(pca2d(new Float32Array(5), 1, 5)).rejects.toThrow(ConfigError);
    await expect(pca2d(new Float32Array(0), 2, 0)).rejects.toThrow(/pca2d: n/);
    await expect(pca2d(Float32Array.from([1, 2, NaN, 4]), 2, 2)).rejects.toThrow(NonFiniteError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
