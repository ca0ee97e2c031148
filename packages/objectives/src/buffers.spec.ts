import * as tf from '@tensorflow/tfjs';
import { initEngine, ShapeError } from '@infomax/engine';
import { buildObjective } from './index';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const SMALL = { kind: 'dcgan', filters: [8, 16], fc: [], codeSize: 8 };

test('buffers name what a checkpoint must carry besides variables: the crops’ generator and each queue; the prior’s generator', () => {
  const before = tf.memory().numTensors;
  const cmc = buildObjective({ kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'crops', count: 2 }, queueSize: 4 });
  const dim = buildObjective({ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, gamma: 0.1, prior: { hidden: [4] } });
  const plain = buildObjective({ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL });
  const [c, d, p] = [cmc, dim, plain].map((o) => o.buffers!());
  expect(Object.fromEntries(Object.entries(c).map(([k, t]) => [k, [t.dtype, t.shape]]))).toEqual({
    views_rng: ['int32', [4]],
    queue_0: ['float32', [0, 8]],
    queue_1: ['float32', [0, 8]],
  });
  expect(Object.keys(d)).toEqual(['prior_rng']);
  expect(p).toEqual({});
  // Put back as saved: accepted, and the generator continues where the saved one was.
  cmc.setBuffers!(c);
  dim.setBuffers!(d);
  plain.setBuffers!(p);
  const again = dim.buffers!();
  expect(Array.from(again.prior_rng.dataSync())).toEqual(Array.from(d.prior_rng.dataSync()));
  tf.dispose([...Object.values(c), ...Object.values(d), ...Object.values(again)]);
  [cmc, dim, plain].forEach((o) => o.dispose());
  expect(tf.memory().numTensors).toBe(before);
});

test('a missing, unknown or misshapen buffer is a ShapeError naming it', () => {
  const cmc = buildObjective({ kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'halves' }, queueSize: 4 });
  const rng = tf.tensor1d([1, 2, 3, 4], 'int32');
  const rows = tf.zeros([2, 8]);
  const wide = tf.zeros([2, 9]);
  const cases: [Record<string, tf.Tensor>, RegExp][] = [
    [{ views_rng: rng, queue_0: rows }, /CmcObjective.setBuffers: buffer 'queue_1' is missing/],
    [{ views_rng: rng, queue_0: rows, queue_1: wide }, /buffer 'queue_1' must have shape \[n, 8\], got \[2, 9\]/],
    [{ views_rng: rng, queue_0: rows, queue_1: rows, queue_2: rows }, /unknown buffer 'queue_2'/],
  ];
  for (const [given, message] of cases) {
    expect(() => cmc.setBuffers!(given)).toThrow(ShapeError);
    expect(() => cmc.setBuffers!(given)).toThrow(message);
  }
  tf.dispose([rng, rows, wide]);
  cmc.dispose();
});
