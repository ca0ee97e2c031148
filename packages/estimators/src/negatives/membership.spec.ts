import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { membershipMask } from './membership';
import { dv } from '../bounds/dv';
import { infoNce } from '../bounds/info-nce';
import { jsd } from '../bounds/jsd';
import { nwj } from '../bounds/nwj';
import { smile } from '../bounds/smile';
import { tuba } from '../bounds/tuba';
import { Mine } from '../bounds/mine';
import { ShapeError } from '../errors';
import type { BoundResult, NegativeOptions } from '../bounds/types';
import { expectClose, expectNoLeak, randomScores, read, toNested } from '../test-utils/helpers';
import { naiveDv, naiveInfoNce, naiveJsd, naiveNwj } from '../test-utils/naive-bounds';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

// Seven nodes in three graphs (3 + 3 + 1): scores [nodes, graphs].
const SEGMENTS = [0, 0, 0, 1, 1, 1, 2];
const G = 3;
const ids = () => tf.tensor1d(SEGMENTS, 'int32');
const negOf = (segments: number[], g: number) => segments.map((s) => Array.from({ length: g }, (_, k) => (k === s ? 0 : 1)));

describe('membershipMask: nodes × graphs scores in the bounds’ layout', () => {
  it('one 1 per row, at the node’s graph', () => {
    const mask = membershipMask(ids(), G);
    expect(mask.arraySync()).toEqual(SEGMENTS.map((s) => [0, 1, 2].map((k) => (k === s ? 1 : 0))));
    mask.dispose();
  });

  const bounds: Array<
    [string, (s: tf.Tensor, o: NegativeOptions) => BoundResult, (x: { s: number[][][]; neg: number[][]; pos: number[] }) => number]
  > = [
    ['JSD (f-GAN value, InfoGraph’s loss)', (s, o) => jsd(s, { ...o, report: 'jsd' }), naiveJsd],
    ['InfoNCE', infoNce, naiveInfoNce],
    ['DV', dv, naiveDv],
    ['NWJ', nwj, naiveNwj],
  ];
  it.each(bounds)('%s on [7, 3] and [7, 3, 2] scores equals the formula with positives at each node’s graph', (_, bound, naive) => {
    for (const shape of [
      [7, G],
      [7, G, 2],
    ]) {
      const scores = randomScores(4, shape, 3);
      const mask = membershipMask(ids(), G);
      const got = read(bound(scores, { positiveMask: mask })).estimate;
      expectClose(got, naive({ s: toNested(scores), neg: negOf(SEGMENTS, G), pos: SEGMENTS }), 1e-5);
      tf.dispose([scores, mask]);
    }
  });

  it('InfoGraph’s JSD by its own formula: E_pos over nodes, E_neg over the N·(G−1) other pairs', () => {
    const scores = randomScores(5, [7, G], 4);
    const s = scores.arraySync() as number[][];
    const sp = (v: number) => Math.log1p(Math.exp(v));
    let pos = 0;
    let neg = 0;
    s.forEach((row, i) => row.forEach((v, k) => (k === SEGMENTS[i] ? (pos += Math.log(2) - sp(-v)) : (neg += sp(-v) + v - Math.log(2)))));
    const theirs = pos / 7 - neg / (7 * (G - 1)); // E_pos − E_neg, each term shifted by log 2: our value + 2 log 2
    const mask = membershipMask(ids(), G);
    expectClose(read(jsd(scores, { positiveMask: mask, report: 'jsd' })).estimate, theirs - 2 * Math.log(2), 1e-5);
    tf.dispose([scores, mask]);
  });

  it('InfoNCE ≤ log G, reached when each node scores high only with its graph', () => {
    const mask = membershipMask(ids(), G);
    const sharp = tf.mul(mask, 40);
    expectClose(read(infoNce(sharp, { positiveMask: mask })).estimate, Math.log(G), 1e-6);
    tf.dispose([mask, sharp]);
  });

  it('square scores with positiveMask = I equal the default layout for every bound', () => {
    const scores = randomScores(6, [5, 5, 2], 3);
    const eye = tf.eye(5) as tf.Tensor2D;
    const all: Array<(s: tf.Tensor, o: NegativeOptions) => BoundResult> = [
      dv,
      infoNce,
      jsd,
      nwj,
      smile,
      tuba,
      (s, o) => new Mine().bound(s, o),
    ];
    for (const bound of all) expectClose(read(bound(scores, { positiveMask: eye })).estimate, read(bound(scores, {})).estimate, 1e-6);
    tf.dispose([scores, eye]);
  });

  it('a negativeMask narrows the negatives (one other graph per node); extra columns add negatives', () => {
    const scores = randomScores(7, [7, G], 3);
    const mask = membershipMask(ids(), G);
    const neg = SEGMENTS.map((s) => (s === 2 ? [1, 0, 0] : [0, 0, 1]));
    const oneOther = tf.tensor2d(neg);
    expectClose(
      read(dv(scores, { positiveMask: mask, negativeMask: oneOther })).estimate,
      naiveDv({ s: toNested(scores), neg, pos: SEGMENTS }),
      1e-5,
    );
    const extra = randomScores(8, [7, 4], 3);
    const joined = tf.concat([scores, extra], 1);
    const negWithExtra = negOf(SEGMENTS, G).map((r) => [...r, 1, 1, 1, 1]);
    expectClose(
      read(infoNce(scores, { positiveMask: mask, extra })).estimate,
      naiveInfoNce({ s: toNested(joined), neg: negWithExtra, pos: SEGMENTS }),
      1e-5,
    );
    tf.dispose([scores, mask, oneOther, extra, joined]);
  });

  it('the JSD loss’s gradient matches the formula’s, and a step leaks nothing', () => {
    const scores = randomScores(9, [7, G], 3);
    const mask = membershipMask(ids(), G);
    const pos = mask;
    const negW = tf.div(tf.sub(1, mask), 7 * (G - 1));
    const ours = tf.grad((s: tf.Tensor) => jsd(s, { positiveMask: mask }).loss)(scores);
    // −(−mean softplus(−pos) − mean_neg softplus(s)): d/ds = −sigmoid(−s)/N on positives, sigmoid(s)/(N(G−1)) on negatives.
    const expected = tf.add(tf.mul(tf.neg(tf.sigmoid(tf.neg(scores))), tf.div(pos, 7)), tf.mul(tf.sigmoid(scores), negW));
    const [a, b] = [ours.dataSync(), expected.dataSync()];
    a.forEach((v, i) => expectClose(v, b[i], 1e-6));
    expectNoLeak(() => tf.dispose(tf.grad((s: tf.Tensor) => jsd(s, { positiveMask: mask }).loss)(scores)));
    tf.dispose([scores, mask, negW, ours, expected]);
  });

  it('bad masks and shapes are typed errors', () => {
    const scores = randomScores(10, [7, G], 3);
    const mask = membershipMask(ids(), G);
    expect(() => jsd(scores, {})).toThrow(/must be square in its first two axes/);
    const two = tf.ones([7, G]) as tf.Tensor2D;
    expect(() => jsd(scores, { positiveMask: two })).toThrow(/'positiveMask' must hold 0 and 1 with exactly one 1 per row/);
    const wide = tf.zeros([7, 4]) as tf.Tensor2D;
    expect(() => dv(scores, { positiveMask: wide })).toThrow(/'positiveMask' must have shape \[7, 3\]/);
    expect(() => dv(scores, { positiveMask: mask, negativeMask: two })).toThrow(/'negativeMask' must be 0 where 'positiveMask' is 1/);
    const outOfRange = membershipMask(tf.tensor1d([0, 0, 0, 1, 1, 1, 3], 'int32'), G);
    expect(() => infoNce(scores, { positiveMask: outOfRange })).toThrow(ShapeError);
    const one = randomScores(11, [7, 1], 3);
    expect(() => infoNce(one, { positiveMask: tf.ones([7, 1]) as tf.Tensor2D })).toThrow(/at least one row and two columns/);
    expect(() => membershipMask(tf.tensor1d([0, 1]), 2)).toThrow(/'segmentIds' must be an int32 tensor/);
    expect(() => membershipMask(ids(), 1)).toThrow(/'wholes' must be at least 2/);
    tf.dispose([scores, mask, two, wide, outOfRange, one]);
  });
});
