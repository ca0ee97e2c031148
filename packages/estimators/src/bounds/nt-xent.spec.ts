import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { ntXent, twoViewNegatives, twoViewScores } from './nt-xent';
import { ConfigError, ShapeError } from '../errors';
import { expectAllClose, expectClose, expectNoLeak, randomScores, read } from '../test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

/** NT-Xent written per anchor in float64, as SimCLR's paper states it. */
function naiveNtXent(a: number[][], b: number[][], tau: number): number {
  const z = [...a, ...b].map((v) => {
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    return v.map((x) => x / norm);
  });
  const n = a.length;
  const sim = (i: number, k: number) => z[i].reduce((s, x, d) => s + x * z[k][d], 0) / tau;
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const partner = (i + n) % (2 * n);
    let denominator = 0;
    for (let k = 0; k < 2 * n; k++) if (k !== i) denominator += Math.exp(sim(i, k));
    total += -Math.log(Math.exp(sim(i, partner)) / denominator);
  }
  return total / (2 * n);
}

describe('ntXent (Chen et al. 2020, SimCLR)', () => {
  test.each([
    [4, 3, 0.5],
    [8, 16, 0.1],
    [16, 5, 1],
  ])('N=%p D=%p tau=%p: equals the per-anchor float64 reference within 1e-5', (n, d, tau) => {
    const a = randomScores(n * 7 + d, [n, d], 2) as tf.Tensor2D;
    const b = randomScores(n * 11 + d, [n, d], 2) as tf.Tensor2D;
    const { loss, estimate } = read(ntXent(a, b, { temperature: tau }));
    const expected = naiveNtXent(a.arraySync(), b.arraySync(), tau);
    expectClose(loss, expected, 1e-5);
    expectClose(estimate, Math.log(2 * n - 1) - expected, 1e-5);
    tf.dispose([a, b]);
  });

  test('N=8: every embedding equal (uniform scores) gives loss log(2N − 1) and estimate 0', () => {
    const a = tf.ones([8, 4]) as tf.Tensor2D;
    const { loss, estimate } = read(ntXent(a, a, { temperature: 0.2 }));
    expectClose(loss, Math.log(15), 1e-5);
    expectClose(estimate, 0, 1e-5);
    a.dispose();
  });

  test('N=6, tau=0.5: views identical, images orthogonal gives −1/τ + log(e^{1/τ} + 2N − 2)', () => {
    const a = tf.eye(6, 10) as tf.Tensor2D;
    const { loss } = read(ntXent(a, a, { temperature: 0.5 }));
    expectClose(loss, -2 + Math.log(Math.exp(2) + 10), 1e-5);
    a.dispose();
  });

  test("symmetric in the views, and invariant to the embeddings' lengths", () => {
    const a = randomScores(3, [5, 4], 2) as tf.Tensor2D;
    const b = randomScores(4, [5, 4], 2) as tf.Tensor2D;
    const ab = read(ntXent(a, b)).loss;
    const ba = read(ntXent(b, a)).loss;
    const scaled = tf.mul(a, tf.tensor2d([1, 2, 3, 4, 5], [5, 1])) as tf.Tensor2D;
    expectClose(ba, ab, 1e-6);
    expectClose(read(ntXent(scaled, b)).loss, ab, 1e-5);
    tf.dispose([a, b, scaled]);
  });

  test('N=4 D=3: the gradient matches central finite differences (float32, step 1e-2)', () => {
    const a = randomScores(21, [4, 3], 2) as tf.Tensor2D;
    const b = randomScores(22, [4, 3], 2) as tf.Tensor2D;
    const f = (x: tf.Tensor) => ntXent(x as tf.Tensor2D, b, { temperature: 0.5 }).loss;
    const grad = tf.grad(f)(a).dataSync();
    const base = a.dataSync();
    const numeric = Array.from(base, (_, j) => {
      const at = (delta: number) => {
        const v = Float32Array.from(base);
        v[j] += delta;
        const x = tf.tensor2d(v, [4, 3]);
        const out = tf.tidy(() => f(x).dataSync()[0]);
        x.dispose();
        return out;
      };
      return (at(1e-2) - at(-1e-2)) / 2e-2;
    });
    expectAllClose(grad, numeric, 2e-3);
    expect(Math.max(...Array.from(grad, Math.abs))).toBeGreaterThan(1e-2);
    tf.dispose([a, b]);
  });

  test('twoViewNegatives(3): 2N − 2 ones per row, none on the diagonal or the anchor itself', () => {
    const mask = twoViewNegatives(3).arraySync();
    mask.forEach((row, i) => {
      expect(row.reduce((s, v) => s + v, 0)).toBe(4);
      expect(row[i]).toBe(0);
      expect(row[(i + 3) % 6]).toBe(0);
    });
  });

  test('bad input: typed errors naming the argument', () => {
    const a = tf.ones([4, 3]) as tf.Tensor2D;
    const b = tf.ones([5, 3]) as tf.Tensor2D;
    expect(() => twoViewScores(a, b)).toThrow(ShapeError);
    expect(() => twoViewScores(a, b)).toThrow(/'a' and 'b'/);
    expect(() => ntXent(a, a, { temperature: 0 })).toThrow(ConfigError);
    expect(() => twoViewNegatives(1)).toThrow(/'n'/);
    tf.dispose([a, b]);
  });

  test('loss and gradient leak no tensors', () => {
    const a = randomScores(5, [8, 4]) as tf.Tensor2D;
    const b = randomScores(6, [8, 4]) as tf.Tensor2D;
    expectNoLeak(() => {
      read(ntXent(a, b));
      tf.grad((x: tf.Tensor) => ntXent(x as tf.Tensor2D, b).loss)(a).dispose();
    });
    tf.dispose([a, b]);
  });
});
