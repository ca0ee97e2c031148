import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { ConfigError, ShapeError } from '../errors';
import { dv } from './dv';
import { infoNce, type InfoNceOptions } from './info-nce';
import { jsd } from './jsd';
import { nwj } from './nwj';
import { smile } from './smile';
import { tuba } from './tuba';
import type { BoundResult, NegativeOptions, PoolOptions } from './types';
import { NamedBound } from './named-bound';
import { expectAllClose, expectClose, expectNoLeak, randomScores, read } from '../test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

/**
 * InfoNCE with negatives pooled over locations, written out: row i, location l has its
 * positive and every negative pair (i, k) at every location l' (then every extra column
 * at every l'); the estimate is the mean of pos − log Σ e^candidate + log K.
 */
function naivePooled(s: number[][][], positive: number[], negative: number[][], extra: number[][][] = []): number {
  const l = s[0][0].length;
  let total = 0;
  s.forEach((row, i) => {
    const pool: number[] = [];
    row.forEach((cells, k) => {
      if (negative[i][k]) pool.push(...cells);
    });
    for (const cells of extra[i] ?? []) pool.push(...cells);
    for (let p = 0; p < l; p++) {
      const pos = row[positive[i]][p];
      const candidates = [pos, ...pool];
      const m = Math.max(...candidates);
      const lse = m + Math.log(candidates.reduce((a, c) => a + Math.exp(c - m), 0));
      total += pos - lse + Math.log(candidates.length);
    }
  });
  return total / (s.length * l);
}

type Bound = (scores: tf.Tensor, options: NegativeOptions & PoolOptions) => BoundResult;

/**
 * A bound on the tiled layout: row (i, l) repeats row i's scores over all (k, l'), positive
 * at (positive[i], l), negatives every (k, l') with negative[i][k]. InfoNCE's estimate unless told.
 */
function tiled(
  scores: tf.Tensor3D,
  positive: number[],
  negative: number[][],
  bound: Bound = infoNce,
  part: keyof BoundResult = 'estimate',
): tf.Scalar {
  return tf.tidy(() => {
    const [b, n, l] = scores.shape;
    const rows = tf.reshape(tf.tile(tf.expandDims(tf.reshape(scores, [b, n * l]), 1), [1, l, 1]), [b * l, n * l]);
    const posMask = tf.tensor2d(
      Array.from({ length: b * l }, (_, r) =>
        Array.from({ length: n * l }, (_, c) => (Math.floor(c / l) === positive[Math.floor(r / l)] && c % l === r % l ? 1 : 0)),
      ),
    );
    const negMask = tf.tensor2d(
      Array.from({ length: b * l }, (_, r) => Array.from({ length: n * l }, (_, c) => negative[Math.floor(r / l)][Math.floor(c / l)])),
    );
    return bound(rows, { positiveMask: posMask, negativeMask: negMask })[part];
  });
}

const others = (b: number, n = b) => Array.from({ length: b }, (_, i) => Array.from({ length: n }, (_, k) => (k === i ? 0 : 1)));
const diagonal = (b: number) => Array.from({ length: b }, (_, i) => i);

describe('InfoNCE with negatives pooled over locations (poolLocations)', () => {
  test('B=5 L=3: the written-out bound, and the tiled [B·L, B·L] layout, value and gradient', () => {
    const s = randomScores(41, [5, 5, 3], 3) as tf.Tensor3D;
    const v = s.arraySync() as number[][][];
    const got = read(infoNce(s, { poolLocations: true }));
    expectClose(got.estimate, naivePooled(v, diagonal(5), others(5)), 1e-5);
    expectClose(got.loss, -got.estimate, 0);
    const viaTiles = tiled(s, diagonal(5), others(5));
    expectClose(got.estimate, viaTiles.dataSync()[0], 1e-5);
    const g = tf.grad((t: tf.Tensor) => infoNce(t, { poolLocations: true }).estimate)(s);
    const gTiled = tf.grad((t: tf.Tensor) => tiled(t as tf.Tensor3D, diagonal(5), others(5)))(s);
    expectAllClose(g.dataSync(), gTiled.dataSync(), 1e-6);
    expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([s, viaTiles, g, gTiled]);
  });

  test('K = (negatives of the row) · L + 1: unlike the per-location bound, it can pass log B', () => {
    // Positives far above every negative: each location picks its positive among K candidates.
    const [b, l] = [4, 6];
    const s = tf.tidy(() => tf.add(tf.mul(tf.tile(tf.expandDims(tf.eye(b), 2), [1, 1, l]), 60), -30));
    const pooled = read(infoNce(s, { poolLocations: true }));
    const perLocation = read(infoNce(s));
    expectClose(pooled.estimate, Math.log((b - 1) * l + 1), 1e-4);
    expectClose(perLocation.estimate, Math.log(b), 1e-4);
    s.dispose();
  });

  test('with a negative mask, extra negatives and a positive mask: the written-out bound', () => {
    const [b, n, l, q] = [4, 6, 2, 3];
    const s = randomScores(43, [b, n, l], 2) as tf.Tensor3D;
    const extra = randomScores(44, [b, q, l], 2) as tf.Tensor3D;
    const positive = [1, 0, 5, 2];
    const negative = positive.map((p, i) => Array.from({ length: n }, (_, k) => (k !== p && (k + i) % 3 !== 0 ? 1 : 0)));
    const options: InfoNceOptions = {
      poolLocations: true,
      positiveMask: tf.tensor2d(positive.map((p) => Array.from({ length: n }, (_, k) => (k === p ? 1 : 0)))),
      negativeMask: tf.tensor2d(negative),
      extra,
    };
    const got = read(infoNce(s, options));
    expectClose(got.estimate, naivePooled(s.arraySync() as number[][][], positive, negative, extra.arraySync() as number[][][]), 1e-5);
    expectNoLeak(() => read(infoNce(s, options)));
    tf.dispose([s, extra, options.positiveMask!, options.negativeMask!]);
  });

  test('refused: [B, B] scores, a non-boolean flag, and a bound without a pooled form (MINE)', () => {
    const s2 = randomScores(45, [4, 4]);
    const s3 = randomScores(46, [4, 4, 2]);
    expect(() => infoNce(s2, { poolLocations: true })).toThrow(ShapeError);
    expect(() => infoNce(s2, { poolLocations: true })).toThrow(/poolLocations.*\[B, N, L\].*got \[4,4\]/);
    expect(() => infoNce(s3, { poolLocations: 'yes' as never })).toThrow(ConfigError);
    expect(() => dv(s2, { poolLocations: true })).toThrow(/^dv: option 'poolLocations' needs \[B, N, L\]/);
    expect(() => smile(s3, { poolLocations: 1 as never })).toThrow(ConfigError);
    for (const kind of ['mine', 'interpolated'] as const) {
      const bound = new NamedBound(kind, 'DimObjective');
      expect(() => bound.apply(s3, { poolLocations: true })).toThrow(new RegExp(`DimObjective: option 'poolLocations'.*bound '${kind}'`));
      bound.dispose();
    }
    // NamedBound: InfoNCE, DV and SMILE pool; JSD, NWJ and TUBA give their plain numbers, the pooled ones.
    for (const [kind, direct] of [
      ['infonce', infoNce],
      ['dv', dv],
      ['smile', smile],
      ['jsd', jsd],
      ['nwj', nwj],
      ['tuba', tuba],
    ] as const) {
      const bound = new NamedBound(kind, 'DimObjective');
      expectClose(read(bound.apply(s3, { poolLocations: true })).estimate, read(direct(s3, { poolLocations: true })).estimate, 0);
      expect(() => bound.apply(s2, { poolLocations: true })).toThrow(ShapeError);
    }
    tf.dispose([s2, s3]);
  });
});

// Every location of the other images as negatives: on [B, B, L] scores, JSD, NWJ and TUBA
// give the tiled layout's numbers as they are (they average the negatives' terms alike, and
// every location has as many); InfoNCE, DV and SMILE log a mean, so they pool it.
describe("every location's negatives: the tiled layout's numbers on [B, B, L]", () => {
  const cases: Array<[string, Bound, PoolOptions]> = [
    ['jsd', jsd, {}],
    ['nwj', nwj, {}],
    ['tuba', tuba, {}],
    ['infonce, pooled', infoNce, { poolLocations: true }],
    ['dv, pooled', dv, { poolLocations: true }],
    ['smile (trained on JSD), pooled', smile, { poolLocations: true }],
    ['smile (trained on SMILE), pooled', (t, o) => smile(t, { ...o, train: 'smile' }), { poolLocations: true }],
  ];
  test.each(cases)('%s: estimate, loss and gradient', (_, bound, pool) => {
    const s = randomScores(43, [5, 5, 3], 2) as tf.Tensor3D;
    expectNoLeak(() => {
      for (const part of ['estimate', 'loss'] as const) {
        const direct = tf.tidy(() => bound(s, pool)[part]);
        const viaTiles = tiled(s, diagonal(5), others(5), bound, part);
        expectClose(direct.dataSync()[0], viaTiles.dataSync()[0], 1e-5);
        const g = tf.grad((t: tf.Tensor) => tf.tidy(() => bound(t, pool)[part]))(s);
        const gTiled = tf.grad((t: tf.Tensor) => tiled(t as tf.Tensor3D, diagonal(5), others(5), bound, part))(s);
        expectAllClose(g.dataSync(), gTiled.dataSync(), 1e-6);
        expect(tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0])).toBeGreaterThan(1e-3);
        tf.dispose([direct, viaTiles, g, gTiled]);
      }
    });
    s.dispose();
  });

  test.each([
    ['dv', dv],
    ['smile', smile],
  ] as Array<[string, Bound]>)("%s without poolLocations logs each location's mean: the layouts differ", (_, bound) => {
    const s = randomScores(43, [5, 5, 3], 2) as tf.Tensor3D;
    const direct = tf.tidy(() => bound(s, {}).estimate);
    const viaTiles = tiled(s, diagonal(5), others(5), bound);
    expect(Math.abs(direct.dataSync()[0] - viaTiles.dataSync()[0])).toBeGreaterThan(1e-3);
    tf.dispose([s, direct, viaTiles]);
  });
});
