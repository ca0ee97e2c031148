import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { dv } from './dv';
import { nwj } from './nwj';
import { jsd } from './jsd';
import { infoNce } from './info-nce';
import { tuba } from './tuba';
import { smile } from './smile';
import { interpolated } from './interpolated';
import { Mine } from './mine';
import { ConfigError, ShapeError } from '../errors';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const bounds: Array<[string, (s: tf.Tensor) => unknown]> = [
  ['dv', (s) => dv(s)],
  ['nwj', (s) => nwj(s)],
  ['jsd', (s) => jsd(s)],
  ['infoNce', (s) => infoNce(s)],
  ['tuba', (s) => tuba(s)],
  ['smile', (s) => smile(s)],
  ['interpolated', (s) => interpolated(s)],
  ['Mine.bound', (s) => new Mine().bound(s)],
];

describe.each(bounds)('%s rejects bad scores with a typed error naming itself', (name, bound) => {
  const run = (make: () => tf.Tensor) => {
    const s = make();
    try {
      bound(s);
    } finally {
      s.dispose();
    }
  };
  test('non-square [4, 5]', () => {
    expect(() => run(() => tf.zeros([4, 5]))).toThrow(ShapeError);
    expect(() => run(() => tf.zeros([4, 5]))).toThrow(new RegExp(`^${name.replace('.', '\\.')}: 'scores' must be square`));
  });
  test('rank 1 and rank 4', () => {
    expect(() => run(() => tf.zeros([4]))).toThrow(/rank 1/);
    expect(() => run(() => tf.zeros([2, 2, 2, 2]))).toThrow(ShapeError);
  });
  test('batch of 1', () => {
    expect(() => run(() => tf.zeros([1, 1]))).toThrow(/at least 2/);
  });
  test('int32 scores', () => {
    expect(() => run(() => tf.zeros([3, 3], 'int32'))).toThrow(/must be float32/);
  });
  test('not a tensor', () => {
    expect(() =>
      bound([
        [1, 2],
        [3, 4],
      ] as unknown as tf.Tensor),
    ).toThrow(/must be a tf.Tensor/);
  });
});

test('a rejected call leaves no tensors behind (validation reads run inside tidy)', () => {
  const scores = tf.zeros([3, 3]);
  const mask = tf.tensor2d([
    [0, 0.5, 0],
    [1, 0, 0],
    [1, 0, 0],
  ]);
  const attempt = () => expect(() => dv(scores, { negativeMask: mask as tf.Tensor2D })).toThrow(ShapeError);
  attempt();
  const before = tf.memory().numTensors;
  attempt();
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([scores, mask]);
});

describe.each(bounds)('%s does not read its scores back: NaN or Infinity in them comes out non-finite, not thrown', (_name, bound) => {
  test.each([NaN, Infinity])('one score of %s', (bad) => {
    const s = tf.tensor2d([
      [0, bad, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const r = bound(s) as { estimate: tf.Scalar; loss: tf.Scalar };
    expect(Number.isFinite(r.estimate.dataSync()[0]) && Number.isFinite(r.loss.dataSync()[0])).toBe(false);
    tf.dispose([s, r.estimate, r.loss]);
  });
});

describe('negative options are checked', () => {
  const s = () => tf.zeros([3, 3]);
  test("'extra' with another batch size or L", () => {
    const scores = s();
    const extra = tf.zeros([4, 2]);
    expect(() => dv(scores, { extra })).toThrow(/dv: option 'extra' must have shape \[3, Q\]/);
    const s3 = tf.zeros([3, 3, 2]);
    const e3 = tf.zeros([3, 5, 1]);
    expect(() => infoNce(s3, { extra: e3 })).toThrow(/\[3, Q, 2\]/);
    tf.dispose([scores, extra, s3, e3]);
  });
  test("'extra' holding NaN gives a NaN estimate (values are not read)", () => {
    const scores = s();
    const extra = tf.tensor2d([[NaN], [0], [0]]);
    const r = nwj(scores, { extra });
    expect(r.estimate.dataSync()[0]).toBeNaN();
    tf.dispose([scores, extra, r.estimate, r.loss]);
  });
  test("'negativeMask' of the wrong shape, non-binary, with a diagonal 1, or an empty row", () => {
    const scores = s();
    const masks = {
      shape: tf.ones([3, 4]),
      binary: tf.tensor2d([
        [0, 0.5, 0],
        [1, 0, 0],
        [1, 0, 0],
      ]),
      diagonal: tf.tensor2d([
        [1, 1, 0],
        [1, 0, 0],
        [1, 0, 0],
      ]),
      empty: tf.tensor2d([
        [0, 1, 0],
        [0, 0, 0],
        [1, 0, 0],
      ]),
    };
    expect(() => dv(scores, { negativeMask: masks.shape as tf.Tensor2D })).toThrow(/'negativeMask' must have shape \[3, 3\]/);
    expect(() => dv(scores, { negativeMask: masks.binary as tf.Tensor2D })).toThrow(/only 0 and 1/);
    expect(() => dv(scores, { negativeMask: masks.diagonal as tf.Tensor2D })).toThrow(/0 on the diagonal/);
    expect(() => smile(scores, { negativeMask: masks.empty as tf.Tensor2D })).toThrow(
      /smile: option 'negativeMask' leaves a row without negatives/,
    );
    // An empty row is fine when extra columns give it negatives.
    const extra = tf.zeros([3, 1]);
    const r = dv(scores, { negativeMask: masks.empty as tf.Tensor2D, extra });
    tf.dispose([scores, extra, r.estimate, r.loss, ...Object.values(masks)]);
  });
});

describe('options are checked', () => {
  let scores: tf.Tensor;
  beforeAll(() => {
    scores = tf.zeros([3, 3]);
  });
  afterAll(() => scores.dispose());
  test.each([
    [
      'jsd report',
      () => jsd(scores, { report: 'kl' as never }),
      ConfigError,
      /jsd: option 'report' must be one of 'nwj', 'dv', 'jsd', got "kl"/,
    ],
    ['smile clip 0', () => smile(scores, { clip: 0 }), ConfigError, /smile: option 'clip' must be a number in \(0, Infinity\], got 0/],
    ['smile train', () => smile(scores, { train: 'dv' as never }), ConfigError, /smile: option 'train'/],
    [
      'interpolated alpha 2',
      () => interpolated(scores, { alpha: 2 }),
      ConfigError,
      /interpolated: option 'alpha' must be a number in \[0, 1\]/,
    ],
    ['tuba baseline NaN', () => tuba(scores, { logBaseline: NaN }), ConfigError, /tuba: option 'logBaseline'/],
  ])('%s', (_, run, type, message) => {
    expect(run).toThrow(type);
    expect(run).toThrow(message);
  });
  test('tuba baseline of another batch size', () => {
    const base = tf.zeros([2]);
    expect(() => tuba(scores, { logBaseline: base })).toThrow(ShapeError);
    expect(() => tuba(scores, { logBaseline: base })).toThrow(
      /tuba: option 'logBaseline' must be a number, \[3\] or \[3, 1\], got a tensor of shape \[2\]/,
    );
    base.dispose();
  });
});
