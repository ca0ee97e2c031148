import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { buildEncoder, type EncoderConfig, globalHead, localHead, projectionHead } from './index';
import { allWeights } from './test-utils/expect-close';

beforeAll(async () => {
  await initEngine({ backend: 'cpu', log: null });
});

const configs: EncoderConfig[] = [
  { kind: 'dcgan', inputShape: [28, 28, 1], filters: [4, 8], fc: [16], codeSize: 4 },
  { kind: 'alexnet', inputShape: [16, 16, 3], filters: [2, 2, 4, 4, 2], fc: [8, 8], codeSize: 4 },
  { kind: 'resnet', inputShape: [16, 16, 3], width: 2, blocks: [1, 1], codeSize: 4 },
  { kind: 'mlp', inputShape: [8, 8, 1], hidden: [8], codeSize: 4 },
  { kind: 'patch', grid: [2, 2], encoder: { kind: 'mlp', inputShape: [4, 4, 1], hidden: [8], codeSize: 4 } },
];

function withSeed(config: EncoderConfig, seed: number): EncoderConfig {
  return config.kind === 'patch' ? { ...config, encoder: { ...config.encoder, seed } } : { ...config, seed };
}

function countDiffering(a: Float32Array, b: Float32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe.each(configs.map((c) => [c.kind, c] as const))('%s', (_kind, config) => {
  test('the same seed gives identical weights; another seed gives different kernels', () => {
    const before = tf.memory().numTensors;
    const [a, b, c] = [7, 7, 8].map((s) => buildEncoder(withSeed(config, s)));
    const [wa, wb, wc] = [a, b, c].map((e) => allWeights(e.model));
    expect(countDiffering(wa, wb)).toBe(0);
    // Every random kernel differs; biases (zeros) and batch-norm parameters (ones/zeros) coincide.
    const kernels = a.model.trainableWeights.filter((w) => w.name.includes('kernel')).reduce((n, w) => n + w.read().size, 0);
    expect(countDiffering(wa, wc)).toBeGreaterThan(0.99 * kernels);
    [a, b, c].forEach((e) => e.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });
});

test('heads: same seed, same weights; different seed, different weights', () => {
  const w = (m: tf.LayersModel) => {
    const v = allWeights(m);
    m.dispose();
    return v;
  };
  expect(countDiffering(w(localHead(4, { units: 6, seed: 1 })), w(localHead(4, { units: 6, seed: 1 })))).toBe(0);
  expect(countDiffering(w(globalHead(4, { units: 6, seed: 1 })), w(globalHead(4, { units: 6, seed: 2 })))).toBeGreaterThan(0);
});

test("the shortcut starts as DIM's noisy identity: ones on the diagonal, |off-diagonal| ≤ 0.01", () => {
  const head = projectionHead({ inputShape: [3], blocks: [{ kind: 'dense', units: 5 }], shortcut: true, seed: 4 });
  const kernel = head.getLayer('shortcut').getWeights()[0];
  expect(kernel.shape).toEqual([3, 5]);
  const k = kernel.arraySync() as number[][];
  let offDiagonalNonZero = 0;
  k.forEach((row, i) =>
    row.forEach((e, j) => {
      if (i === j) expect(e).toBe(1);
      else {
        expect(Math.abs(e)).toBeLessThanOrEqual(0.01);
        if (e !== 0) offDiagonalNonZero++;
      }
    }),
  );
  expect(offDiagonalNonZero).toBe(12);
  head.dispose();
});
