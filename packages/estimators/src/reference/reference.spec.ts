import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { correlatedGaussian, gaussianLogRatio, gaussianMi, rhoForMi } from './gaussian';
import { discreteMi, jsDivergence, klDivergence } from './discrete';
import { ksgMi } from './ksg';
import { digamma } from '../internal/digamma';
import { ConfigError, ShapeError } from '../errors';
import { expectAllClose, expectClose } from '../test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

describe('correlated Gaussian', () => {
  test('gaussianMi and rhoForMi invert each other; ρ=0.5, d=20 gives −10·log 0.75', () => {
    expectClose(gaussianMi(0.5, 20), -10 * Math.log(0.75), 1e-12);
    for (const mi of [0.1, 2, 10]) expectClose(gaussianMi(rhoForMi(mi, 20), 20), mi, 1e-10);
    expect(gaussianMi(0, 5)).toBe(0);
    expect(() => gaussianMi(1, 2)).toThrow(/gaussianMi: option 'rho' must be a number in \(-1, 1\)/);
    expect(() => rhoForMi(-1, 2)).toThrow(ConfigError);
  });

  test('n=20000: the sample has unit variances and correlation ρ=0.6 per coordinate', () => {
    const { x, y } = correlatedGaussian(new Rng(1), 20000, 2, 0.6);
    let xx = 0;
    let yy = 0;
    let xy = 0;
    for (let i = 0; i < x.length; i++) {
      xx += x[i] * x[i];
      yy += y[i] * y[i];
      xy += x[i] * y[i];
    }
    expectClose(xx / x.length, 1, 0.03);
    expectClose(yy / y.length, 1, 0.03);
    expectClose(xy / x.length, 0.6, 0.03);
  });

  test('gaussianLogRatio equals log p(x,y) − log p(x) − log p(y) from the bivariate density', () => {
    const rho = 0.7;
    const xs = [
      [0.3, -1.2],
      [1.5, 0.1],
    ];
    const ys = [
      [0.1, -0.8],
      [-2, 0.4],
      [0.9, 0.9],
    ];
    const logN = (v: number) => -0.5 * Math.log(2 * Math.PI) - (v * v) / 2;
    const logJoint = (a: number, b: number) =>
      -Math.log(2 * Math.PI) - 0.5 * Math.log(1 - rho * rho) - (a * a - 2 * rho * a * b + b * b) / (2 * (1 - rho * rho));
    const expected = xs.map((xi) => ys.map((yk) => xi.reduce((s, a, j) => s + logJoint(a, yk[j]) - logN(a) - logN(yk[j]), 0)));
    const x = tf.tensor2d(xs);
    const y = tf.tensor2d(ys);
    const before = tf.memory().numTensors;
    const s = gaussianLogRatio(x, y, rho);
    expect(tf.memory().numTensors).toBe(before + 1); // only the result
    expectAllClose(s.dataSync(), expected.flat(), 1e-4);
    tf.dispose([s, x, y]);
    const [a, b] = [tf.zeros([2, 3]), tf.zeros([2, 2])];
    expect(() => gaussianLogRatio(a as tf.Tensor2D, b as tf.Tensor2D, 0.5)).toThrow(ShapeError);
    tf.dispose([a, b]);
  });
});

describe('discrete references (hand-computed tables)', () => {
  test('a perfectly correlated fair bit has MI = 1 bit = log 2 nats; independence has 0', () => {
    expectClose(
      discreteMi(
        [
          [0.5, 0],
          [0, 0.5],
        ],
        { base: 2 },
      ),
      1,
      1e-12,
    );
    expectClose(
      discreteMi([
        [0.5, 0],
        [0, 0.5],
      ]),
      Math.LN2,
      1e-12,
    );
    expectClose(
      discreteMi([
        [0.06, 0.14],
        [0.24, 0.56],
      ]),
      0,
      1e-12,
    ); // p(x)p(y) with (0.2, 0.8), (0.3, 0.7)
  });

  test('[[0.4, 0.1], [0.1, 0.4]]: MI = 0.8·log 1.6 + 0.2·log 0.4, counts give the same', () => {
    const expected = 0.8 * Math.log(1.6) + 0.2 * Math.log(0.4);
    expectClose(
      discreteMi([
        [0.4, 0.1],
        [0.1, 0.4],
      ]),
      expected,
      1e-12,
    );
    expectClose(
      discreteMi([
        [40, 10],
        [10, 40],
      ]),
      expected,
      1e-12,
    );
  });

  test('symmetry: I(X;Y) = I(Y;X) on a 3×4 table', () => {
    const t = [
      [1, 2, 0, 3],
      [4, 0, 1, 1],
      [2, 2, 5, 0],
    ];
    const transposed = t[0].map((_, j) => t.map((row) => row[j]));
    expectClose(discreteMi(transposed), discreteMi(t), 1e-12);
    expect(discreteMi(t)).toBeGreaterThan(0);
  });

  test('KL([0.5, 0.5] ‖ [0.25, 0.75]) = 0.5·log 2 + 0.5·log(2/3); KL(p ‖ p) = 0; support mismatch is Infinity', () => {
    expectClose(klDivergence([0.5, 0.5], [0.25, 0.75]), 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 1e-12);
    expect(klDivergence([0.2, 0.8], [0.2, 0.8])).toBe(0);
    expect(klDivergence([0.5, 0.5], [1, 0])).toBe(Infinity);
  });

  test('JSD: disjoint supports give log 2 (1 bit); hand value; symmetric; within [0, log 2]', () => {
    expectClose(jsDivergence([1, 0], [0, 1]), Math.LN2, 1e-12);
    expectClose(jsDivergence([1, 0], [0, 1], { base: 2 }), 1, 1e-12);
    // p = (0.5, 0.5), q = (1, 0), m = (0.75, 0.25).
    const expected = 0.5 * (0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25)) + 0.5 * Math.log(1 / 0.75);
    expectClose(jsDivergence([0.5, 0.5], [1, 0]), expected, 1e-12);
    const p = [0.1, 0.6, 0.3];
    const q = [0.5, 0.2, 0.3];
    expectClose(jsDivergence(p, q), jsDivergence(q, p), 1e-15);
    const j = jsDivergence(p, q);
    expect(j).toBeGreaterThan(0);
    expect(j).toBeLessThanOrEqual(Math.LN2);
  });

  test('bad tables and distributions are typed errors naming function and argument', () => {
    expect(() => discreteMi([[1, 2], [3]])).toThrow(ShapeError);
    expect(() =>
      discreteMi([
        [1, -2],
        [3, 4],
      ]),
    ).toThrow(/discreteMi: 'table' entries must be finite and ≥ 0, got -2 at \[0\]\[1\]/);
    expect(() => discreteMi([[0, 0]])).toThrow(/positive sum/);
    expect(() => klDivergence([1, 0], [1])).toThrow(/klDivergence: 'p' and 'q' must be non-empty and of the same length/);
    expect(() => jsDivergence([NaN, 1], [1, 1])).toThrow(/jsDivergence: 'p' entries/);
    expect(() => jsDivergence([1, 1], [1, 1], { base: 1 })).toThrow(/option 'base'/);
  });
});

describe('KSG (Kraskov et al. 2004)', () => {
  test('digamma: ψ(1) = −γ, ψ(n+1) = ψ(n) + 1/n, ψ(0.5) = −γ − 2 log 2', () => {
    const gamma = 0.5772156649015329;
    expectClose(digamma(1), -gamma, 1e-12);
    expectClose(digamma(0.5), -gamma - 2 * Math.LN2, 1e-12);
    for (const n of [1, 3, 7, 30, 2000]) expectClose(digamma(n + 1), digamma(n) + 1 / n, 1e-12);
  });

  test.each([0.5, 1])('2-d Gaussian (d=1 each), n=2000, I=%p nat: within 0.05 of the closed form', (mi) => {
    const s = correlatedGaussian(new Rng(42), 2000, 1, rhoForMi(mi, 1));
    expectClose(ksgMi(s.x, s.y, { n: s.n }), mi, 0.05);
  });

  test('4-d Gaussian (d=2 each), n=2000, I=1 nat: within 0.05; symmetric in x and y', () => {
    const s = correlatedGaussian(new Rng(43), 2000, 2, rhoForMi(1, 2));
    const xy = ksgMi(s.x, s.y, { n: s.n });
    expectClose(xy, 1, 0.05);
    expectClose(ksgMi(s.y, s.x, { n: s.n }), xy, 1e-12);
  });

  test('independent samples give ≈ 0', () => {
    const s = correlatedGaussian(new Rng(44), 1000, 1, 0);
    expectClose(ksgMi(s.x, s.y, { n: s.n, k: 4 }), 0, 0.05);
  });

  test('bad arguments are typed errors', () => {
    expect(() => ksgMi([1, 2, 3], [1, 2], { n: 3, k: 1 })).toThrow(/ksgMi: 'x' and 'y' must hold n = 3 rows each/);
    expect(() => ksgMi([1, 2, 3], [1, 2, 3], { n: 3, k: 3 })).toThrow(/option 'k' must be below n = 3/);
    expect(() => ksgMi([1, NaN, 3], [1, 2, 3], { n: 3, k: 1 })).toThrow(/ksgMi: 'x' must hold finite values/);
  });
});
