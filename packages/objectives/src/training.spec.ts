import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { buildObjective, ESTIMATOR_KINDS, trainStep } from './index';
import { firstLast, LatentImages } from './test-utils/synthetic';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const SMALL = { kind: 'dcgan', filters: [8, 16], fc: [32], codeSize: 16 };
const BATCH = 16;
const STEPS = Number(process.env.STEPS ?? 36);

/** Trains on fresh synthetic batches; returns the per-step numbers and checks the tensor count stays flat. */
function train(config: Record<string, unknown>, metric: string): { loss: number[]; mi: number[] } {
  const o = buildObjective({ ...config, encoder: config.encoder ?? SMALL } as never);
  const shape = config.inputShape as number[];
  const data = new LatentImages(shape[0], shape[2], 4, 7);
  const optimizer = tf.train.adam(2e-3);
  const loss: number[] = [];
  const mi: number[] = [];
  let after = 0;
  for (let step = 0; step < STEPS; step++) {
    const images = data.next(BATCH);
    const m = trainStep(o, optimizer, { images }, step);
    images.dispose();
    loss.push(m.loss);
    mi.push(m[metric]);
    // Adam's slots appear on the first step; from then on nothing may accumulate.
    if (step === 1) after = tf.memory().numTensors;
  }
  expect(tf.memory().numTensors).toBe(after);
  o.dispose();
  optimizer.dispose();
  data.dispose();
  return { loss, mi };
}

const CASES: [string, Record<string, unknown>, string][] = [];
for (const estimator of ['jsd', 'infonce', 'dv']) {
  CASES.push([`DIM(L) ${estimator}`, { kind: 'dim', inputShape: [16, 16, 1], estimator, headUnits: 32 }, 'mi_local']);
  CASES.push([
    `DIM(G) ${estimator}`,
    { kind: 'dim', inputShape: [16, 16, 1], estimator, alpha: 1, beta: 0, headUnits: 32, globalHidden: [32] },
    'mi_global',
  ]);
  CASES.push([`CMC lab ${estimator}`, { kind: 'cmc', inputShape: [16, 16, 3], estimator, temperature: 0.2, projectionUnits: 32 }, 'mi']);
  CASES.push([
    `CPC ${estimator}`,
    { kind: 'cpc', inputShape: [16, 16, 1], estimator, encoder: { kind: 'mlp', hidden: [32], codeSize: 16 }, context: { channels: [16] } },
    'mi',
  ]);
}
CASES.push([
  'CMC core, 3 views (L, a, b) infonce',
  { kind: 'cmc', inputShape: [16, 16, 3], views: { kind: 'labChannels' }, mode: 'core', temperature: 0.2, projectionUnits: 32 },
  'mi',
]);
CASES.push([
  'CMC full, 3 views (L, a, b) infonce',
  { kind: 'cmc', inputShape: [16, 16, 3], views: { kind: 'labChannels' }, mode: 'full', temperature: 0.2, projectionUnits: 32 },
  'mi',
]);
CASES.push([
  'CMC halves + memory queue infonce',
  { kind: 'cmc', inputShape: [16, 16, 1], views: { kind: 'halves' }, queueSize: 64, temperature: 0.2, projectionUnits: 32 },
  'mi',
]);
CASES.push([
  'CMC 3 crops, full, jsd',
  {
    kind: 'cmc',
    inputShape: [16, 16, 1],
    views: { kind: 'crops', count: 3 },
    mode: 'full',
    estimator: 'jsd',
    temperature: 0.2,
    projectionUnits: 32,
  },
  'mi',
]);
CASES.push([
  'CPC batch negatives infonce',
  {
    kind: 'cpc',
    inputShape: [16, 16, 1],
    negatives: 'batch',
    encoder: { kind: 'mlp', hidden: [32], codeSize: 16 },
    context: { channels: [16] },
  },
  'mi',
]);

describe(`${STEPS} steps at B=${BATCH} on 16×16 latent images: the MI estimate rises, the loss falls, no tensor leaks`, () => {
  test.each(CASES)('%s', (_name, config, metric) => {
    const { loss, mi } = train(config, metric);
    if (process.env.SHOW) console.log(loss.map((v) => v.toFixed(3)).join(' '), '\n', mi.map((v) => v.toFixed(3)).join(' '));
    const [loss0, loss1] = firstLast(loss, 6);
    const [mi0, mi1] = firstLast(mi, 6);
    expect(loss.every(Number.isFinite) && mi.every(Number.isFinite)).toBe(true);
    expect(loss1).toBeLessThan(loss0);
    expect(mi1).toBeGreaterThan(mi0);
  });
});

describe('every objective × every estimator name runs a finite step', () => {
  const objectives: Record<string, Record<string, unknown>> = {
    dim: { kind: 'dim', inputShape: [16, 16, 1], alpha: 1, headUnits: 8, globalHidden: [] },
    cmc: { kind: 'cmc', inputShape: [16, 16, 1], views: { kind: 'halves' }, projectionUnits: 8 },
    cpc: { kind: 'cpc', inputShape: [16, 16, 1], encoder: { kind: 'mlp', hidden: [8], codeSize: 8 }, context: { channels: [8] } },
  };
  test.each(ESTIMATOR_KINDS.flatMap((estimator) => Object.keys(objectives).map((kind) => [kind, estimator] as const)))(
    '%s × %s',
    (kind, estimator) => {
      const o = buildObjective({
        ...objectives[kind],
        estimator,
        encoder: objectives[kind].encoder ?? { kind: 'dcgan', filters: [4, 8], fc: [], codeSize: 8 },
      } as never);
      const data = new LatentImages(16, 1, 4, 12);
      const images = data.next(6);
      const optimizer = tf.train.adam(1e-3);
      const m = [0, 1].map((step) => trainStep(o, optimizer, { images }, step));
      expect(Object.values(m[1]).every(Number.isFinite)).toBe(true);
      expect(o.config.estimator).toBe(estimator);
      tf.dispose(images);
      data.dispose();
      optimizer.dispose();
      o.dispose();
    },
  );
});
