import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { ConfigError, globalHead, localHead, projectionHead } from './index';
import { expectClose, testImages } from './test-utils/expect-close';

beforeAll(async () => {
  await initEngine({ backend: 'cpu', log: null });
});

const matrix = (model: tf.LayersModel, layer: string, i = 0) => model.getLayer(layer).getWeights()[i].arraySync() as number[][];
const vector = (model: tf.LayersModel, layer: string, i: number) => model.getLayer(layer).getWeights()[i].arraySync() as number[];
const epsilon = (model: tf.LayersModel, layer: string) => model.getLayer(layer).getConfig().epsilon as number;

/** x·W (+ b) for one row. */
function affine(x: number[], w: number[][], b?: number[]): number[] {
  return w[0].map((_, j) => x.reduce((s, xi, i) => s + xi * w[i][j], b ? b[j] : 0));
}

/** DIM's head on one vector, by hand: relu(bn(x·W1))·W2 + b2 + x·Ws, BN in inference mode. */
function naiveHead(model: tf.LayersModel, x: number[]): number[] {
  const h = affine(x, matrix(model, 'block1_dense'));
  const [gamma, beta, mean, variance] = [0, 1, 2, 3].map((i) => vector(model, 'block2_batchNorm', i));
  const eps = epsilon(model, 'block2_batchNorm');
  const r = h.map((v, j) => Math.max(0, ((v - mean[j]) / Math.sqrt(variance[j] + eps)) * gamma[j] + beta[j]));
  const main = affine(r, matrix(model, 'block4_dense'), vector(model, 'block4_dense', 1));
  const short = affine(x, matrix(model, 'shortcut'));
  return main.map((v, j) => v + short[j]);
}

test('globalHead matches a hand-written dense → BN → ReLU → dense + shortcut', () => {
  const head = globalHead(3, { units: 4, seed: 2 });
  const x = testImages([5, 3]);
  const before = tf.memory().numTensors;
  const y = head.predict(x) as tf.Tensor;
  expect(y.shape).toEqual([5, 4]);
  const expected = (x.arraySync() as number[][]).flatMap((row) => naiveHead(head, row));
  expectClose(y, expected, 1e-5);
  y.dispose();
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
  head.dispose();
});

test('localHead is the same map at every location, then layer norm over channels', () => {
  const head = localHead(2, { units: 3, seed: 5 });
  const x = testImages([2, 3, 4, 2]);
  const before = tf.memory().numTensors;
  const y = head.predict(x) as tf.Tensor;
  expect(y.shape).toEqual([2, 3, 4, 3]);
  // A 1×1 conv kernel [1, 1, in, out] is the dense matrix [in, out].
  const squeeze = (name: string) => {
    const [k, ...rest] = head.getLayer(name).getWeights();
    const matrix2d = tf.tidy(() => k.reshape([k.shape[2] as number, k.shape[3] as number]).arraySync() as number[][]);
    return { k: matrix2d, rest: rest.map((t) => t.arraySync() as number[]) };
  };
  const c1 = squeeze('block1_conv1x1');
  const c2 = squeeze('block4_conv1x1');
  const sc = squeeze('shortcut');
  const [gamma, beta, mean, variance] = [0, 1, 2, 3].map((i) => vector(head, 'block2_batchNorm', i));
  const bnEps = epsilon(head, 'block2_batchNorm');
  const [lnGamma, lnBeta] = [0, 1].map((i) => vector(head, 'post1_layerNorm', i));
  const lnEps = epsilon(head, 'post1_layerNorm');
  const expected = (x.arraySync() as number[][][][]).flatMap((img) =>
    img.flatMap((row) =>
      row.flatMap((px) => {
        const h = affine(px, c1.k).map((v, j) => Math.max(0, ((v - mean[j]) / Math.sqrt(variance[j] + bnEps)) * gamma[j] + beta[j]));
        const s = affine(h, c2.k, c2.rest[0]).map((v, j) => v + affine(px, sc.k)[j]);
        const mu = s.reduce((a, b) => a + b, 0) / s.length;
        const varr = s.reduce((a, b) => a + (b - mu) ** 2, 0) / s.length;
        return s.map((v, j) => ((v - mu) / Math.sqrt(varr + lnEps)) * lnGamma[j] + lnBeta[j]);
      }),
    ),
  );
  expectClose(y, expected, 1e-4);
  y.dispose();
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
  head.dispose();
});

test('projectionHead without a shortcut is exactly its blocks (dense → relu → dense)', () => {
  const head = projectionHead({
    inputShape: [3],
    blocks: [{ kind: 'dense', units: 4 }, { kind: 'relu' }, { kind: 'dense', units: 2, useBias: false }],
    seed: 1,
  });
  const x = testImages([4, 3]);
  const y = head.predict(x) as tf.Tensor;
  const expected = (x.arraySync() as number[][]).flatMap((row) =>
    affine(
      affine(row, matrix(head, 'block1_dense'), vector(head, 'block1_dense', 1)).map((v) => Math.max(0, v)),
      matrix(head, 'block3_dense'),
    ),
  );
  expectClose(y, expected, 1e-5);
  tf.dispose([x, y]);
  head.dispose();
});

test('bad head configs: ConfigError naming the function and the option or argument', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [
      () => projectionHead({ inputShape: [8], blocks: [{ kind: 'conv1x1', filters: 4 }] }),
      /projectionHead: option 'inputShape': expected \[M, M, C\] \(a map\) when a block is 'conv1x1', got \[8\]/,
    ],
    [
      () => projectionHead({ inputShape: [8], blocks: [{ kind: 'relu' }], shortcut: true }),
      /projectionHead: option 'shortcut': expected false unless a 'dense' or 'conv1x1' block sets the output width, got true/,
    ],
    [
      () => projectionHead({ inputShape: [8], blocks: [{ kind: 'gelu' } as never] }),
      /projectionHead: option 'blocks\[0\]\.kind': expected one of dense, conv1x1, relu, batchNorm, layerNorm, got 'gelu'/,
    ],
    [
      () => projectionHead({ inputShape: [8], blocks: [{ kind: 'dense', units: 0 }] }),
      /option 'blocks\[0\]\.units': expected an integer in 1\.\.∞, got 0/,
    ],
    [() => projectionHead({ inputShape: [8], blocks: [] }), /option 'blocks': expected a list of at least 1 block, got \[\]/],
    [
      () => projectionHead({ inputShape: [8], blocks: [{ kind: 'dense' } as never] }),
      /option 'blocks\[0\]\.units': expected an integer in 1\.\.∞, got undefined/,
    ],
    [
      () => projectionHead({ inputShape: [8, null], blocks: [{ kind: 'relu' }] }),
      /option 'inputShape': expected a shape whose last axis is a positive integer, got \[8, null\]/,
    ],
    [
      () => projectionHead({ inputShape: [8], blocks: [{ kind: 'relu' }], sead: 1 } as never),
      /projectionHead: option 'sead': unknown key; known keys: inputShape, blocks, shortcut, post, seed, name/,
    ],
    [() => localHead(0), /localHead: argument channels: expected an integer in 1\.\.∞, got 0/],
    [() => globalHead(4, { units: 2.5 }), /globalHead: option 'units': expected an integer in 1\.\.∞, got 2\.5/],
  ];
  for (const [f, message] of cases) {
    expect(f).toThrow(ConfigError);
    expect(f).toThrow(message);
  }
});
