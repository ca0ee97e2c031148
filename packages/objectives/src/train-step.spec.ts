/**
 * The checks trainStep folds into its one read-back: a diverging run stops with a
 * NonFiniteError naming what went non-finite (loss, a metric, the gradient norm, an
 * optimizer slot, a weight), a healthy one does not, a throwing step leaks nothing,
 * and a step reads values back from the backend exactly once.
 */
import * as tf from '@tensorflow/tfjs';
import { adam, initEngine, registerAsyncOnlyBackend } from '@infomax/engine';
import { buildObjective, NonFiniteError, trainStep, trainStepAsync, type Objective } from './index';
import { LatentImages } from './test-utils/synthetic';

const asyncOnly = registerAsyncOnlyBackend();
beforeAll(async () => {
  await initEngine({ backend: 'cpu', log: null });
  await initEngine({ backend: 'wasm', log: null });
});

const ENCODER = { kind: 'dcgan', filters: [4, 8], fc: [], codeSize: 8 };
const DIM_LOCAL = { kind: 'dim', inputShape: [16, 16, 1], headUnits: 8, encoder: ENCODER };
const DIM_PRIOR = { ...DIM_LOCAL, gamma: 0.1, prior: { hidden: [8] } };
/** Every way the step can name what went non-finite. */
const NAMED =
  /^trainStep(Async)?: (loss is|metric '\w+' is|gradient norm is|(\w+ )?optimizer slot '[^']+' holds|weight '[^']+' \[[\d,]*\] holds) (NaN|-?Infinity)$/;

function images(n = 8, seed = 1): tf.Tensor4D {
  const data = new LatentImages(16, 1, 4, seed);
  const out = data.next(n);
  data.dispose();
  return out;
}

/** Steps until one throws (at most `steps`); the tensor count after each good step and the error. */
function stepUntilThrow(
  o: Objective,
  optimizer: tf.Optimizer,
  batch: tf.Tensor4D,
  steps: number,
): { error: unknown; good: number; counts: number[] } {
  const counts: number[] = [];
  for (let s = 0; s < steps; s++) {
    try {
      trainStep(o, optimizer, { images: batch }, s);
    } catch (error) {
      return { error, good: s, counts: [...counts, tf.memory().numTensors] };
    }
    counts.push(tf.memory().numTensors);
  }
  return { error: null, good: steps, counts };
}

describe.each(['cpu', 'wasm'])('on %s', (backend) => {
  beforeEach(() => tf.setBackend(backend));

  test.each([10, 1e3, 1e6])(
    'DIM(L) with Adam at lr %s stops within 3 steps with a NonFiniteError naming what diverged, leaking nothing',
    (lr) => {
      const o = buildObjective(DIM_LOCAL as never);
      const optimizer = adam(lr);
      const batch = images();
      const { error, good, counts } = stepUntilThrow(o, optimizer, batch, 3);
      expect(error).toBeInstanceOf(NonFiniteError);
      expect((error as Error).message).toMatch(NAMED);
      // Adam's slots appear on the first step; the throwing step adds nothing to them.
      expect(good).toBeGreaterThanOrEqual(1);
      expect(counts[counts.length - 1]).toBe(counts[counts.length - 2]);
      tf.dispose(batch);
      optimizer.dispose();
      o.dispose();
    },
  );

  test('DIM(L) + prior with Adam at lr 1e-3: 6 healthy steps, finite numbers, no error', () => {
    const o = buildObjective(DIM_PRIOR as never);
    const optimizer = adam(1e-3);
    const batch = images();
    const { error } = stepUntilThrow(o, optimizer, batch, 6);
    expect(error).toBeNull();
    expect(Object.values(trainStep(o, optimizer, { images: batch }, 6)).every(Number.isFinite)).toBe(true);
    tf.dispose(batch);
    optimizer.dispose();
    o.dispose();
  });
});

describe('what the error names', () => {
  beforeEach(() => tf.setBackend('cpu'));
  type AdamSlots = { accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[] };

  test('an Adam second moment set to Infinity: "optimizer slot \'conv1/kernel/v\' holds Infinity" (the loss stays finite)', () => {
    const o = buildObjective(DIM_LOCAL as never);
    const optimizer = adam(1e-3);
    const batch = images();
    trainStep(o, optimizer, { images: batch }, 0);
    const v = (optimizer as unknown as AdamSlots).accumulatedSecondMoment[0];
    // 'conv1/kernel/v', or 'conv1/kernel_<n>/v' where other models in this process took the name first.
    expect(v.originalName).toMatch(/^conv1\/kernel(_\d+)?\/v$/);
    v.variable.assign(tf.fill(v.variable.shape, Infinity));
    expect(() => trainStep(o, optimizer, { images: batch }, 1)).toThrow(`trainStep: optimizer slot '${v.originalName}' holds Infinity`);
    tf.dispose(batch);
    optimizer.dispose();
    o.dispose();
  });

  test("the prior discriminator's optimizer: \"prior optimizer slot '…/v' holds Infinity\"", () => {
    const o = buildObjective(DIM_PRIOR as never);
    const optimizer = adam(1e-3);
    const batch = images();
    trainStep(o, optimizer, { images: batch }, 0);
    const v = (o.auxiliaryOptimizers.prior as unknown as AdamSlots).accumulatedSecondMoment[0];
    v.variable.assign(tf.fill(v.variable.shape, Infinity));
    expect(() => trainStep(o, optimizer, { images: batch }, 1)).toThrow(
      `trainStep: prior optimizer slot '${v.originalName}' holds Infinity`,
    );
    tf.dispose(batch);
    optimizer.dispose();
    o.dispose();
  });

  /** A custom objective (the interface is public, the step is the same) with a weight its loss does not reach. */
  function withUnusedWeight(values: number[]): { custom: Objective; release: () => void } {
    const built = buildObjective(DIM_LOCAL as never);
    const used = tf.variable(tf.ones([3]), true, 'used');
    const unused = tf.variable(tf.tensor1d(values), true, 'unused');
    const custom: Objective = {
      config: { kind: 'custom' },
      encoder: built.encoder,
      variables: [used, unused],
      auxiliaryVariables: [],
      auxiliaryOptimizers: {},
      loss: () => ({ loss: tf.sum(tf.square(used)) as tf.Scalar, metrics: {} }),
      dispose: () => tf.dispose([used, unused]),
    };
    return { custom, release: () => (custom.dispose(), built.dispose()) };
  }

  test.each([
    [[0, NaN], "weight 'unused' [2] holds NaN"],
    [[-Infinity, 1], "weight 'unused' [2] holds -Infinity"],
    [[3e38, 3e38], null],
  ] as const)('a weight the loss does not reach holding %j: %s', (values, message) => {
    const { custom, release } = withUnusedWeight([...values]);
    const optimizer = adam(1e-3);
    const unread = tf.zeros([1, 1, 1, 1]) as tf.Tensor4D;
    const step = () => trainStep(custom, optimizer, { images: unread }, 0);
    // Finite values whose sum overflows are looked at again, and pass.
    if (message === null) expect(step().loss).toBeCloseTo(3, 5);
    else expect(step).toThrow(`trainStep: ${message}`);
    tf.dispose(unread);
    optimizer.dispose();
    release();
  });
});

describe('a step that throws leaves no tensor behind', () => {
  test.each([
    ['cpu', 'trainStep'],
    [asyncOnly, 'trainStepAsync'],
  ])(
    'on %s, %s: a batch of 1 (the bound throws inside the gradient tape) and NaN images (the step throws after its read)',
    async (backend, fn) => {
      await tf.setBackend(backend);
      const step = fn === 'trainStep' ? async (...a: Parameters<typeof trainStep>) => trainStep(...a) : trainStepAsync;
      const o = buildObjective(DIM_PRIOR as never);
      const optimizer = adam(1e-3);
      const batch = images();
      const one = batch.slice([0, 0, 0, 0], [1, 16, 16, 1]);
      const nan = tf.fill([8, 16, 16, 1], NaN) as tf.Tensor4D;
      await step(o, optimizer, { images: batch }, 0);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        await expect(step(o, optimizer, { images: one }, 1)).rejects.toThrow(/at least 2/);
        expect(tf.memory().numTensors).toBe(before);
      }
      await expect(step(o, optimizer, { images: nan }, 1)).rejects.toThrow(`${fn}: loss is NaN`);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([batch, one, nan]);
      optimizer.dispose();
      o.dispose();
    },
  );
});

test('a DIM(L) step on a backend that reads only asynchronously (as webgpu) reads values back exactly once', async () => {
  await tf.setBackend(asyncOnly);
  const backend = tf.backend();
  const read = backend.read.bind(backend);
  let reads = 0;
  backend.read = (dataId) => {
    reads += 1;
    return read(dataId);
  };
  try {
    const o = buildObjective(DIM_LOCAL as never);
    const optimizer = adam(1e-3);
    const batch = images();
    await trainStepAsync(o, optimizer, { images: batch }, 0);
    reads = 0;
    const m = await trainStepAsync(o, optimizer, { images: batch }, 1);
    expect(reads).toBe(1);
    expect(Number.isFinite(m.mi_local)).toBe(true);
    tf.dispose(batch);
    optimizer.dispose();
    o.dispose();
  } finally {
    backend.read = read;
  }
});
