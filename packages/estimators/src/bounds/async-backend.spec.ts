/**
 * The bounds on a backend that cannot read values synchronously (webgpu under Node.js),
 * simulated by the engine's async-only copy of the cpu backend: the same numbers as on
 * cpu, the shape checks still typed, and only the mask's 0/1 check (it reads the mask
 * back) skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { initEngine, registerAsyncOnlyBackend, Rng } from '@infomax/engine';
import { dv } from './dv';
import { nwj } from './nwj';
import { jsd } from './jsd';
import { infoNce } from './info-nce';
import { tuba } from './tuba';
import { smile } from './smile';
import { interpolated } from './interpolated';
import { ShapeError } from '../errors';
import type { BoundResult, NegativeOptions } from './types';

const asyncOnly = registerAsyncOnlyBackend();
beforeAll(async () => {
  await initEngine({ backend: 'cpu', log: null, fastKernels: false });
});

const rng = new Rng(3);
const b = 6;
const l = 4;
const scores = Float32Array.from({ length: b * b * l }, () => 2 * rng.normal());
const extra = Float32Array.from({ length: b * 3 * l }, () => 2 * rng.normal());
// Each row's own image at offset ±1 is neither positive nor negative.
const mask = Float32Array.from({ length: b * b }, (_, i) =>
  Math.abs(Math.floor(i / b) - (i % b)) === 1 || Math.floor(i / b) === i % b ? 0 : 1,
);

// I_α takes neither extra columns nor a mask: it runs on the scores alone.
const bounds: Array<[string, (s: tf.Tensor, o: NegativeOptions) => BoundResult]> = [
  ['dv', (s, o) => dv(s, o)],
  ['nwj', (s, o) => nwj(s, o)],
  ['jsd', (s, o) => jsd(s, o)],
  ['infoNce', (s, o) => infoNce(s, o)],
  ['tuba', (s, o) => tuba(s, o)],
  ['smile', (s, o) => smile(s, o)],
  ['interpolated', (s) => interpolated(s)],
];

async function estimateAndGradient(backend: string, bound: (typeof bounds)[number][1]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const s = tf.tensor3d(scores, [b, b, l]);
  const options = { extra: tf.tensor3d(extra, [b, 3, l]), negativeMask: tf.tensor2d(mask, [b, b]) };
  const r = bound(s, options);
  const g = tf.grad((x: tf.Tensor) => bound(x, options).loss)(s);
  const out = [await r.estimate.data(), await r.loss.data(), await g.data()] as Float32Array[];
  tf.dispose([s, options.extra, options.negativeMask, r.estimate, r.loss, g]);
  return out;
}

describe.each(bounds)('%s where values are read only asynchronously', (name, bound) => {
  it('gives the cpu backend’s estimate, loss and gradient, with extra columns and a mask, and leaks nothing', async () => {
    const want = await estimateAndGradient('cpu', bound);
    await tf.setBackend(asyncOnly);
    const before = tf.memory().numTensors;
    const got = await estimateAndGradient(asyncOnly, bound);
    expect(tf.memory().numTensors).toBe(before);
    got.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 5)));
  });

  it('still rejects a non-square score matrix with its typed error', async () => {
    await tf.setBackend(asyncOnly);
    const s = tf.zeros([4, 5]);
    expect(() => bound(s, {})).toThrow(ShapeError);
    expect(() => bound(s, {})).toThrow(new RegExp(`^${name}: 'scores' must be square`));
    s.dispose();
  });
});
