/**
 * AdamW, SGD (heavy ball and Nesterov) and LARS against plain float64 JavaScript written
 * from their papers' formulas, over several steps with a learning rate that changes every
 * step and with and without global-norm clipping; on wasm (SIMD kernel), cpu (JS kernel)
 * and cpu without our kernels (tfjs ops). Then exact resume and no leaks for each kind.
 */
import * as tf from '@tensorflow/tfjs';
import { initEngine } from './node';
import { Rng } from './random';
import { registerEngineKernels, restoreStockKernels } from './register';
import { createOptimizer, type OptimizerSpec, type ScheduledOptimizer } from './optimizer-spec';
import { randn, relativeError } from './test-utils/kernel-harness';

const SHAPES = [[6, 5], [5]]; // a weight matrix and a bias: LARS treats them differently
const STEPS = 8;
const lrAt = (t: number) => 0.05 * (1 + 0.25 * Math.sin(t)); // a schedule: a new rate every step

/** Fixed seeded gradients per step, so the reference sees exactly what the optimizer sees. */
function problem(seed: number) {
  const rng = new Rng(seed);
  const w0 = SHAPES.map((s) =>
    randn(
      rng,
      s.reduce((a, b) => a * b),
    ),
  );
  const grads = Array.from({ length: STEPS + 8 }, () =>
    SHAPES.map((s) =>
      randn(
        rng,
        s.reduce((a, b) => a * b),
      ),
    ),
  );
  return { w0, grads };
}

type Arr = number[];
const norm = (x: Arr) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));

/**
 * The update rules, float64, straight from the formulas (see each optimizer's doc comment);
 * weights and slots are stored as float32 between steps, as the variables hold them.
 */
function reference(spec: OptimizerSpec, w0: Float32Array[], grads: Float32Array[][], steps: number): Arr[] {
  const w = w0.map((x) => Array.from(x));
  const s1 = w.map((x) => x.map(() => 0)); // m, or the momentum buffer
  const s2 = w.map((x) => x.map(() => 0)); // v
  const [b1, b2] = spec.betas ?? [0.9, 0.999];
  // The bias corrections 1 − βᵗ from float32 β, as tfjs's Adam keeps βᵗ: 1 − 0.999ᵗ moves by 1e-5 otherwise.
  const [p1, p2] = [Math.fround(b1), Math.fround(b2)];
  const wd = spec.weightDecay ?? 0;
  const mu = spec.momentum ?? 0;
  for (let t = 0; t < steps; t++) {
    const lr = lrAt(t);
    let g = grads[t].map((x) => Array.from(x));
    if (spec.clipNorm !== undefined) {
      const scale = Math.min(1, spec.clipNorm / (norm(g.flat()) + 1e-6));
      g = g.map((x) => x.map((v) => v * scale));
    }
    w.forEach((wi, k) => {
      if (spec.kind === 'adamw') {
        const eps = spec.epsilon!;
        for (let i = 0; i < wi.length; i++) {
          wi[i] = Math.fround(wi[i] * (1 - lr * wd));
          s1[k][i] = Math.fround(b1 * s1[k][i] + (1 - b1) * g[k][i]);
          s2[k][i] = Math.fround(b2 * s2[k][i] + (1 - b2) * g[k][i] ** 2);
          wi[i] = Math.fround(wi[i] - (lr * (s1[k][i] / (1 - p1 ** (t + 1)))) / (Math.sqrt(s2[k][i] / (1 - p2 ** (t + 1))) + eps));
        }
        return;
      }
      let gk = g[k].map((v, i) => v + wd * wi[i]);
      if (spec.kind === 'lars') {
        const [pn, gn] = [norm(wi), norm(g[k])];
        const excluded = SHAPES[k].length <= 1;
        gk = excluded || pn === 0 || gn === 0 ? g[k] : gk.map((v) => (v * spec.trustCoefficient! * pn) / (gn + wd * pn + 1e-8));
      }
      for (let i = 0; i < wi.length; i++) {
        s1[k][i] = Math.fround(mu * s1[k][i] + gk[i]);
        wi[i] = Math.fround(wi[i] - lr * (spec.nesterov ? gk[i] + mu * s1[k][i] : s1[k][i]));
      }
    });
  }
  return w;
}

function run(opt: ScheduledOptimizer, vars: tf.Variable[], grads: Float32Array[][], from: number, to: number): void {
  for (let t = from; t < to; t++) {
    opt.learningRate = lrAt(t);
    const g = tf.tidy(() => vars.map((v, k) => ({ name: v.name, tensor: tf.tensor(grads[t][k], v.shape) })));
    opt.applyGradients(g);
    tf.dispose(g.map((x) => x.tensor));
  }
}

let made = 0;
const variables = (w0: Float32Array[]) => w0.map((x, k) => tf.variable(tf.tensor(x, SHAPES[k]), true, `ref${made++}`));
const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

const SPECS: Array<[string, OptimizerSpec]> = [
  ['adamw', { kind: 'adamw', lr: 1, betas: [0.8, 0.99], epsilon: 1e-7, weightDecay: 0.1 }],
  ['adamw, clipNorm 1', { kind: 'adamw', lr: 1, betas: [0.9, 0.999], epsilon: 1e-7, weightDecay: 0.3, clipNorm: 1 }],
  ['sgd', { kind: 'sgd', lr: 1 }],
  ['sgd, momentum 0.9, decay', { kind: 'sgd', lr: 1, momentum: 0.9, weightDecay: 0.01 }],
  ['sgd, nesterov, clipNorm 2', { kind: 'sgd', lr: 1, momentum: 0.8, nesterov: true, weightDecay: 0.05, clipNorm: 2 }],
  ['lars', { kind: 'lars', lr: 1, momentum: 0.9, weightDecay: 0.01, trustCoefficient: 0.5 }],
  [
    'lars, nesterov, clipNorm 1',
    { kind: 'lars', lr: 1, momentum: 0.9, nesterov: true, weightDecay: 0.1, trustCoefficient: 0.5, clipNorm: 1 },
  ],
];

describe.each(['wasm', 'cpu', 'cpu, tfjs ops'])('optimizers on %s', (path) => {
  beforeAll(async () => {
    await initEngine({ backend: path.startsWith('wasm') ? 'wasm' : 'cpu', log: null });
    if (path === 'cpu, tfjs ops') restoreStockKernels('cpu');
  });
  afterAll(() => {
    if (path === 'cpu, tfjs ops') registerEngineKernels('cpu');
  });

  test.each(SPECS)('%s: 8 steps with a changing rate match the float64 reference (1e-6)', (_, spec) => {
    const { w0, grads } = problem(3);
    const vars = variables(w0);
    const opt = createOptimizer(spec);
    run(opt, vars, grads, 0, STEPS);
    const want = reference(spec, w0, grads, STEPS);
    vars.forEach((v, k) => {
      expect(relativeError(v.dataSync(), want[k])).toBeLessThan(1e-6);
      expect(relativeError(v.dataSync(), w0[k])).toBeGreaterThan(1e-3); // it moved
    });
    opt.dispose();
    tf.dispose(vars);
  });

  test.each(SPECS)(
    '%s: stop after 3 steps, restore into a new optimizer: the next 5 steps are bit for bit the same; no leaks',
    async (_, spec) => {
      const { w0, grads } = problem(4);
      const [a, b] = [variables(w0), variables(w0)];
      const [optA, optB] = [createOptimizer(spec), createOptimizer(spec)];
      run(optA, a, grads, 0, 3);
      run(optB, b, grads, 0, 3);
      const before = tf.memory().numTensors;
      run(optA, a, grads, 3, 4); // warm: every slot exists
      expect(tf.memory().numTensors).toBe(before);
      run(optB, b, grads, 3, 4);
      const saved = await optB.getWeights();
      const copies = saved.map((s) => ({ name: s.name, tensor: tf.tensor(s.tensor.dataSync().slice(), s.tensor.shape, s.tensor.dtype) }));
      tf.dispose(saved.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
      optB.dispose();
      const restored = createOptimizer(spec);
      await restored.setWeights(copies);
      expect(restored.iterations).toBe(4);
      run(optA, a, grads, 4, 9);
      run(restored, b, grads, 4, 9);
      a.forEach((v, k) => expect(bits(b[k])).toEqual(bits(v)));
      optA.dispose();
      restored.dispose();
      tf.dispose([...a, ...b]);
    },
  );
});
