// Gradient specs run on the cpu backend with tiny widths and batches: the wasm
// backend of tfjs 4.22 has no Conv2DBackpropFilter kernel (wasm-train.spec.ts
// covers wasm once the engine registers one), and cpu's stock conv gradient is slow.
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { alexnetEncoder, buildEncoder, dcganEncoder, Encoder, globalHead, localHead, mlpEncoder, resnetEncoder } from './index';
import { testImages } from './test-utils/expect-close';

beforeAll(async () => {
  await initEngine({ backend: 'cpu', log: null });
});

const B = 2;

const encoders: Array<[string, () => Encoder]> = [
  ['DCGAN 28×28×1', () => dcganEncoder({ inputShape: [28, 28, 1], filters: [4, 8], fc: [16], codeSize: 8 })],
  [
    'DCGAN 28×28×1 with batch norm',
    () => dcganEncoder({ inputShape: [28, 28, 1], filters: [4, 8], fc: [16], codeSize: 8, batchNorm: true }),
  ],
  ['DCGAN 32×32×3', () => dcganEncoder({ inputShape: [32, 32, 3], filters: [4, 8, 8], fc: [16], codeSize: 8 })],
  [
    'AlexNet-style 32×32×3 with batch norm',
    () => alexnetEncoder({ inputShape: [32, 32, 3], filters: [4, 4, 8, 8, 4], fc: [16, 16], codeSize: 8, batchNorm: true }),
  ],
  ['ResNet 16×16×3 (batch norm)', () => resnetEncoder({ inputShape: [16, 16, 3], width: 2, blocks: [1, 1, 1, 1], codeSize: 8 })],
  [
    'ResNet 32×32×1, ImageNet stem, no code',
    () => resnetEncoder({ inputShape: [32, 32, 1], width: 2, blocks: [2, 1], stem: 'imagenet', codeSize: 0 }),
  ],
  ['MLP 28×28×1', () => mlpEncoder({ inputShape: [28, 28, 1], hidden: [16, 8], codeSize: 4, batchNorm: true })],
  [
    'patch encoder 2×3 grid of 8×8×1',
    () =>
      buildEncoder({
        kind: 'patch',
        grid: [2, 3],
        encoder: { kind: 'dcgan', inputShape: [8, 8, 1], filters: [4, 8], fc: [], codeSize: 5 },
      }),
  ],
];

/** A loss that depends on every local and global unit with fixed random weights (so no sign cancels). */
function lossOf(enc: Encoder, x: tf.Tensor, training: boolean): tf.Scalar {
  const out = enc.encode(x, { training });
  const rl = tf.randomNormal(out.local.shape, 0, 1, 'float32', 11);
  const rg = tf.randomNormal(out.global.shape, 0, 1, 'float32', 12);
  return tf.add(tf.sum(tf.mul(out.local, rl)), tf.sum(tf.mul(out.global, rg)));
}

describe.each(encoders)('%s', (_name, make) => {
  test('a finite, non-zero gradient reaches every trainable weight (training mode)', () => {
    const enc = make();
    const x = testImages([B, ...enc.inputShape]);
    const vars = enc.trainableVariables;
    expect(vars.length).toBeGreaterThan(0);
    const { value, grads } = tf.variableGrads(() => lossOf(enc, x, true), vars);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const v of vars) {
      const g = grads[v.name].dataSync();
      expect({ name: v.name, finite: g.every(Number.isFinite) }).toEqual({ name: v.name, finite: true });
      expect({ name: v.name, nonZero: g.some((e) => e !== 0) }).toEqual({ name: v.name, nonZero: true });
    }
    tf.dispose([x, value, ...Object.values(grads)]);
    enc.dispose();
  });
});

test('patch encoder: the gradient matches a central finite difference along a random direction', () => {
  const enc = buildEncoder({
    kind: 'patch',
    grid: [2, 2],
    encoder: { kind: 'dcgan', inputShape: [8, 8, 1], filters: [3, 4], fc: [6], codeSize: 3, seed: 5 },
  });
  const x = testImages([B, 2, 2, 8, 8, 1]);
  const vars = enc.trainableVariables;
  const { value, grads } = tf.variableGrads(() => lossOf(enc, x, false), vars);
  const dirs = vars.map((v, i) => tf.randomNormal(v.shape, 0, 1, 'float32', 100 + i));
  const analytic = vars.reduce((s, v, i) => s + tf.sum(tf.mul(grads[v.name], dirs[i])).dataSync()[0], 0);
  const eps = 1e-3;
  const originals = vars.map((v) => v.clone());
  const lossAt = (t: number): number => {
    vars.forEach((v, i) => v.assign(tf.tidy(() => originals[i].add(dirs[i].mul(t)))));
    return tf.tidy(() => lossOf(enc, x, false).dataSync()[0]);
  };
  const numeric = (lossAt(eps) - lossAt(-eps)) / (2 * eps);
  vars.forEach((v, i) => v.assign(originals[i]));
  expect(Math.abs(numeric - analytic)).toBeLessThan(0.02 * Math.abs(analytic) + 1e-3);
  tf.dispose([x, value, ...Object.values(grads), ...dirs, ...originals]);
  enc.dispose();
});

test('DIM heads: a gradient reaches every weight of localHead and globalHead', () => {
  const lh = localHead(6, { units: 8, seed: 1 });
  const gh = globalHead(5, { units: 8, seed: 2 });
  const local = testImages([B, 3, 3, 6]);
  const global = testImages([B, 5], 2);
  const vars = [...lh.trainableWeights, ...gh.trainableWeights].map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const l = lh.apply(local, { training: true }) as tf.Tensor;
    const g = gh.apply(global, { training: true }) as tf.Tensor;
    return tf.add(
      tf.sum(tf.mul(l, tf.randomNormal(l.shape, 0, 1, 'float32', 3))),
      tf.sum(tf.mul(g, tf.randomNormal(g.shape, 0, 1, 'float32', 4))),
    );
  }, vars);
  for (const v of vars) {
    const g = grads[v.name].dataSync();
    expect({ name: v.name, ok: g.every(Number.isFinite) && g.some((e) => e !== 0) }).toEqual({ name: v.name, ok: true });
  }
  tf.dispose([local, global, value, ...Object.values(grads)]);
  lh.dispose();
  gh.dispose();
});

test('training step (Adam, batch norm in training mode): loss falls and no tensor leaks after warm-up', () => {
  const enc = resnetEncoder({ inputShape: [12, 12, 3], width: 2, blocks: [1, 1], codeSize: 4 });
  const x = testImages([B, 12, 12, 3]);
  const optimizer = tf.train.adam(1e-2);
  const vars = enc.trainableVariables;
  const step = (): number => {
    const loss = optimizer.minimize(() => tf.tidy(() => lossOf(enc, x, true)), true, vars) as tf.Scalar;
    const v = loss.dataSync()[0];
    loss.dispose();
    return v;
  };
  const first = step();
  const before = tf.memory().numTensors;
  let last = first;
  for (let i = 0; i < 3; i++) last = step();
  expect(tf.memory().numTensors).toBe(before);
  expect(last).toBeLessThan(first);
  x.dispose();
  optimizer.dispose();
  enc.dispose();
});
