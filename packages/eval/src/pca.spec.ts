import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { ConfigError, NonFiniteError, ShapeError } from './errors';
import { pca, pcaTransform, type PcaFit } from './pca';
import { expectClose, expectNoLeak, gaussian, randomOrthogonal } from './test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const dot = (a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number) => {
  let s = 0;
  for (let j = 0; j < d; j++) s += a[ao + j] * b[bo + j];
  return s;
};

/** The float64 covariance (divisor n − 1) and mean of `[n, dim]` rows. */
function covariance(x: Float32Array, dim: number): { c: Float64Array; mean: Float64Array } {
  const n = x.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j] / n;
  const c = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      const a = x[i * dim + j] - mean[j];
      for (let k = 0; k < dim; k++) c[j * dim + k] += (a * (x[i * dim + k] - mean[k])) / (n - 1);
    }
  }
  return { c, mean };
}

/** Naive reference: power iteration with deflation, float64, each axis signed so its largest-|entry| is positive. */
function powerIteration(c: Float64Array, dim: number, k: number, iterations: number) {
  const a = Float64Array.from(c);
  const axes: Float64Array[] = [];
  const values: number[] = [];
  for (let r = 0; r < k; r++) {
    let v = Float64Array.from({ length: dim }, (_, j) => 1 + j / dim);
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      const w = Float64Array.from({ length: dim }, (_, i) => dot(a, i * dim, v, 0, dim));
      lambda = Math.sqrt(dot(w, 0, w, 0, dim));
      v = w.map((x) => x / lambda);
    }
    const big = v.reduce((b, x, j) => (Math.abs(x) > Math.abs(v[b]) ? j : b), 0);
    if (v[big] < 0) v = v.map((x) => -x);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) a[i * dim + j] -= lambda * v[i] * v[j];
    axes.push(v);
    values.push(lambda);
  }
  return { axes, values };
}

/** `[n, dim]` rows with the covariance Qᵀ·diag(scales²)·Q (Q a random rotation), plus `offset` on every entry. */
function rotatedGaussian(rng: Rng, n: number, scales: number[], offset: number): Float32Array {
  const dim = scales.length;
  const q = randomOrthogonal(rng, dim);
  const z = gaussian(rng, n, dim);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      let s = offset;
      for (let r = 0; r < dim; r++) s += z[i * dim + r] * scales[r] * q[r * dim + j];
      x[i * dim + j] = s;
    }
  }
  return x;
}

function expectOrthonormal(fit: PcaFit, tol: number): void {
  for (let r = 0; r < fit.k; r++) {
    for (let s = 0; s < fit.k; s++)
      expectClose(dot(fit.components, r * fit.dim, fit.components, s * fit.dim, fit.dim), r === s ? 1 : 0, tol);
  }
}

describe('pca', () => {
  // Distinct variances 25, 16, 9, …: every eigenvector is unique up to sign.
  const scales = [5, 4, 3, 2.5, 2, 1.5, 1.2, 1, 0.8, 0.6, 0.4, 0.2];
  const dim = scales.length;
  const x = rotatedGaussian(new Rng(31), 3000, scales, 3);
  const ref = covariance(x, dim);

  it.each(['full', 'subspace'] as const)(
    'n=3000 dim=12, k=5, %s solver: axes, variances and mean match power iteration with deflation in float64 (1e-5)',
    async (solver) => {
      const fit = await pca(x, dim, { k: 5, solver });
      expect(fit.solver).toBe(solver);
      const want = powerIteration(ref.c, dim, 5, 3000);
      for (let r = 0; r < 5; r++) {
        for (let j = 0; j < dim; j++) expectClose(fit.components[r * dim + j], want.axes[r][j], 1e-5);
        expectClose(fit.explainedVariance[r] / want.values[r], 1, 1e-5);
      }
      for (let j = 0; j < dim; j++) expectClose(fit.mean[j], ref.mean[j], 1e-6);
      expect(fit.points).toHaveLength(3000 * 5);
    },
  );

  it('k = dim: orthonormal axes, Σ explained variance = trace of the covariance, ratios sum to 1, points·axes + mean = the rows (1e-5)', async () => {
    const fit = await pca(x, dim, { k: dim });
    expectOrthonormal(fit, 1e-12);
    let trace = 0;
    for (let j = 0; j < dim; j++) trace += ref.c[j * dim + j];
    expectClose(fit.totalVariance / trace, 1, 1e-6);
    expectClose(fit.explainedVariance.reduce((s, v) => s + v, 0) / trace, 1, 1e-6);
    expectClose(
      fit.explainedVarianceRatio.reduce((s, v) => s + v, 0),
      1,
      1e-9,
    );
    for (let r = 1; r < dim; r++) expect(fit.explainedVariance[r]).toBeLessThanOrEqual(fit.explainedVariance[r - 1]);
    let worst = 0;
    for (let i = 0; i < 3000; i++) {
      for (let j = 0; j < dim; j++) {
        let back = fit.mean[j];
        for (let r = 0; r < dim; r++) back += fit.points[i * dim + r] * fit.components[r * dim + j];
        worst = Math.max(worst, Math.abs(back - x[i * dim + j]));
      }
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('sign convention: each axis’s largest-|entry| is positive, whatever the solver and seed', async () => {
    const fits = [await pca(x, dim, { k: 4, solver: 'full' }), await pca(x, dim, { k: 4, solver: 'subspace', seed: 7 })];
    for (const fit of fits) {
      for (let r = 0; r < 4; r++) {
        const row = Array.from(fit.components.subarray(r * dim, (r + 1) * dim));
        const big = row.reduce((b, v, j) => (Math.abs(v) > Math.abs(row[b]) ? j : b), 0);
        expect(row[big]).toBeGreaterThan(0);
      }
    }
    for (let j = 0; j < 4 * dim; j++) expectClose(fits[0].components[j], fits[1].components[j], 1e-6);
  });

  // Unit noise plus variance 25 along u and 9 along v (v ⟂ u): eigenvalues 26, 10, 1 × 8.
  it('n=4000 dim=10 stretched ×5 along u and ×3 along v: k=2 recovers u, v (|cos| > 0.99), variances 26 and 10, ratios 26/44 and 10/44', async () => {
    const rng = new Rng(21);
    const [u, w] = [0, 1].map(() => randomOrthogonal(rng, 10).subarray(0, 10));
    const uw = dot(u, 0, w, 0, 10);
    const v = w.map((a, j) => a - uw * u[j]);
    const vn = Math.hypot(...v);
    v.forEach((a, j) => (v[j] = a / vn));
    const y = gaussian(rng, 4000, 10);
    for (let i = 0; i < 4000; i++) {
      const a = 5 * rng.normal();
      const b = 3 * rng.normal();
      for (let j = 0; j < 10; j++) y[i * 10 + j] += a * u[j] + b * v[j] + 2;
    }
    const fit = await pca(y, 10);
    expect(fit.k).toBe(2);
    expect(Math.abs(dot(fit.components, 0, u, 0, 10))).toBeGreaterThan(0.99);
    expect(Math.abs(dot(fit.components, 10, v, 0, 10))).toBeGreaterThan(0.99);
    expectClose(fit.explainedVariance[0], 26, 1.5);
    expectClose(fit.explainedVariance[1], 10, 0.6);
    expectClose(fit.explainedVarianceRatio[0], 26 / 44, 0.03);
    expectClose(fit.explainedVarianceRatio[1], 10 / 44, 0.02);
  });

  it('k=2 as the plots use it: the subspace and full solvers agree, and equal the first two axes of k = dim (1e-6)', async () => {
    const sub = await pca(x, dim, { k: 2, solver: 'subspace' });
    const full = await pca(x, dim, { k: 2, solver: 'full' });
    const all = await pca(x, dim, { k: dim });
    for (let j = 0; j < 2 * dim; j++) {
      expectClose(sub.components[j], full.components[j], 1e-6);
      expectClose(all.components[j], full.components[j], 1e-9);
    }
    for (let r = 0; r < 2; r++) expectClose(sub.explainedVarianceRatio[r], all.explainedVarianceRatio[r], 1e-9);
    for (let i = 0; i < 3000; i++) {
      for (let r = 0; r < 2; r++) expectClose(sub.points[2 * i + r], all.points[dim * i + r], 1e-4);
    }
  });

  it('n=30 rows < dim=120 features (Gram-matrix path), k=30: C·a = λ·a for each axis, the 30th (rank 29) has variance 0, all orthonormal', async () => {
    const r = new Rng(22);
    const y = gaussian(r, 30, 120);
    const { c } = covariance(y, 120);
    const fit = await pca(y, 120, { k: 30 });
    expectOrthonormal(fit, 1e-9);
    for (let a = 0; a < 29; a++) {
      for (let j = 0; j < 120; j++) {
        expectClose(dot(c, j * 120, fit.components, a * 120, 120), fit.explainedVariance[a] * fit.components[a * 120 + j], 1e-5);
      }
    }
    expectClose(fit.explainedVariance[29], 0, 1e-6);
    for (let i = 0; i < 30; i++) expectClose(fit.points[i * 30 + 29], 0, 1e-5);
  });

  it('degenerate data: equal rows give ratios [0, 0] and zero points; a line gives [1, 0]; one row allows k=1 only', async () => {
    const same = await pca(new Float32Array(30).fill(3), 3, { k: 2 });
    expect(Array.from(same.explainedVarianceRatio)).toEqual([0, 0]);
    expect(same.points.every((p) => p === 0)).toBe(true);
    expectOrthonormal(same, 1e-12);
    const line = new Float32Array(60);
    for (let i = 0; i < 20; i++) [line[3 * i], line[3 * i + 1], line[3 * i + 2]] = [i, 2 * i, -i];
    const p = await pca(line, 3, { k: 3 });
    expectClose(p.explainedVarianceRatio[0], 1, 1e-6);
    expectClose(p.explainedVarianceRatio[1], 0, 1e-6);
    [1, 2, -1].forEach((a, j) => expectClose(p.components[j], a / Math.sqrt(6), 1e-6));
    expectOrthonormal(p, 1e-12);
    const one = await pca(Float32Array.from([1, 2, 3]), 3, { k: 1 });
    expect(Array.from(one.explainedVarianceRatio)).toEqual([0]);
    await expect(pca(Float32Array.from([1, 2, 3]), 3, { k: 2 })).rejects.toThrow('pca: k must be an integer in 1..min(n, dim) = 1..1');
  });

  it('leaks no tensors (both solvers, the Gram path)', async () => {
    await expectNoLeak(() => pca(x, dim, { k: 3, solver: 'subspace' }));
    await expectNoLeak(() => pca(x, dim, { k: 3 }));
    await expectNoLeak(() => pca(x.subarray(0, 5 * dim), dim, { k: 3 }));
  });

  it('rejects k outside 1..min(n, dim), a bad solver or tolerance, a length not n·dim and NaN, naming the option', async () => {
    const before = tf.memory().numTensors;
    await expect(pca(x, dim, { k: 0 })).rejects.toThrow(ConfigError);
    await expect(pca(x, dim, { k: 13 })).rejects.toThrow('pca: k must be an integer in 1..min(n, dim) = 1..12 (n 3000, dim 12), got 13');
    await expect(pca(x, dim, { k: 1.5 })).rejects.toThrow(/pca: k must be an integer/);
    await expect(pca(x, dim, { solver: 'svd' as 'full' })).rejects.toThrow('pca: solver must be one of auto, full, subspace, got "svd"');
    await expect(pca(x, dim, { tolerance: 0 })).rejects.toThrow(/pca: tolerance must be > 0/);
    await expect(pca(x.subarray(1), dim)).rejects.toThrow(ShapeError);
    await expect(pca(new Float32Array(0), 2)).rejects.toThrow(/pca: features must hold n×dim values/);
    await expect(pca(Float32Array.from([1, 2, NaN, 4]), 2, { k: 1 })).rejects.toThrow(NonFiniteError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('pcaTransform', () => {
  const rng = new Rng(32);
  const train = rotatedGaussian(rng, 500, [3, 2, 1, 0.5, 0.25, 0.1], -1);
  const test = rotatedGaussian(rng, 80, [3, 2, 1, 0.5, 0.25, 0.1], 1);

  it('fit on 500 rows, applied to 80 others: (x − mean)·axesᵀ in float64 to 1e-5; on the fitted rows it gives fit.points', async () => {
    const fit = await pca(train, 6, { k: 3 });
    const got = await pcaTransform(fit, test);
    expect(got).toHaveLength(80 * 3);
    for (let i = 0; i < 80; i++) {
      for (let r = 0; r < 3; r++) {
        let want = 0;
        for (let j = 0; j < 6; j++) want += (test[i * 6 + j] - fit.mean[j]) * fit.components[r * 6 + j];
        expectClose(got[i * 3 + r], want, 1e-5);
      }
    }
    expect(await pcaTransform(fit, train)).toEqual(fit.points);
  });

  it('a basis read back from JSON (plain arrays) projects the same; leaks no tensors', async () => {
    const fit = await pca(train, 6, { k: 2 });
    const saved = JSON.parse(
      JSON.stringify({ k: fit.k, dim: fit.dim, components: Array.from(fit.components), mean: Array.from(fit.mean) }),
    );
    expect(await pcaTransform(saved, test)).toEqual(await pcaTransform(fit, test));
    await expectNoLeak(() => pcaTransform(fit, test));
  });

  it('rejects rows of another width and a basis whose arrays do not match k and dim', async () => {
    const fit = await pca(train, 6, { k: 2 });
    await expect(pcaTransform(fit, new Float32Array(10))).rejects.toThrow(
      'pcaTransform: features must hold n×dim values with n ≥ 1 (dim 6)',
    );
    await expect(pcaTransform({ ...fit, k: 3 }, test)).rejects.toThrow(
      'pcaTransform: basis.components must hold k·dim = 3·6 = 18 values, got 12',
    );
    await expect(pcaTransform({ ...fit, mean: [0] }, test)).rejects.toThrow(ShapeError);
    await expect(pcaTransform({ ...fit, k: 0 }, test)).rejects.toThrow(ConfigError);
  });
});
