import * as tf from '@tensorflow/tfjs';
import { initEngine } from './backend';
import { Rng } from './random';
import { randn, relativeError } from './test-utils/kernel-harness';

/** A DCGAN-style encoder at test size: conv 8-16 4×4 stride 2 → fc 32 → 8-d code. */
function encoder(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 8, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 16, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 32, activation: 'relu' }),
      tf.layers.dense({ units: 8 }),
    ],
  });
}

/** A contrastive loss over the batch (InfoNCE between the codes of two noisy copies). */
function loss(model: tf.LayersModel, x: tf.Tensor4D, noise: tf.Tensor4D): tf.Scalar {
  const a = model.apply(x) as tf.Tensor2D;
  const b = model.apply(x.add(noise)) as tf.Tensor2D;
  const scores = tf.matMul(a, b, false, true);
  return tf.losses.softmaxCrossEntropy(tf.eye(x.shape[0]), scores) as tf.Scalar;
}

interface StepResult {
  loss: number;
  grads: Float32Array[];
  after: Float32Array[];
}

function trainStep(backend: string, weights: Float32Array[], xv: Float32Array, nv: Float32Array): StepResult {
  tf.setBackend(backend);
  const model = encoder();
  model.setWeights(model.weights.map((w, i) => tf.tensor(weights[i], w.shape as number[])));
  const x = tf.tensor4d(xv, [6, 12, 12, 1]);
  const noise = tf.tensor4d(nv, [6, 12, 12, 1]);
  const { value, grads } = tf.variableGrads(() => loss(model, x, noise));
  const names = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
  const result: StepResult = {
    loss: value.dataSync()[0],
    grads: names.map((n) => grads[n].dataSync().slice() as Float32Array),
    after: [],
  };
  const opt = tf.train.adam(1e-3);
  opt.applyGradients(names.map((name) => ({ name, tensor: grads[name] })));
  result.after = model.trainableWeights.map((w) => w.read().dataSync().slice() as Float32Array);
  tf.dispose([value, x, noise, grads]);
  opt.dispose();
  model.dispose();
  return result;
}

describe('one training step of a conv encoder: wasm + infomax kernels vs stock cpu', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu', log: null, fastKernels: false });
    await initEngine({ backend: 'wasm', log: null });
  });

  it('same loss, gradients and Adam-updated weights (1e-4 relative)', () => {
    const rng = new Rng(11);
    const shapes = tf.tidy(() => {
      const m = encoder();
      const s = m.weights.map((v) => v.shape as number[]);
      m.dispose();
      return s;
    });
    const weights = shapes.map((s) => randn(rng, tf.util.sizeFromShape(s)).map((z) => z * 0.2));
    const xv = Float32Array.from({ length: 6 * 144 }, () => rng.uniform());
    const nv = randn(rng, 6 * 144).map((z) => z * 0.1);
    const cpu = trainStep('cpu', weights, xv, nv);
    const wasm = trainStep('wasm', weights, xv, nv);
    expect(Math.abs(wasm.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(1e-4);
    expect(wasm.grads).toHaveLength(8);
    wasm.grads.forEach((g, i) => expect(relativeError(g, cpu.grads[i])).toBeLessThan(1e-4));
    wasm.after.forEach((w, i) => expect(relativeError(w, cpu.after[i])).toBeLessThan(1e-4));
  });

  it('no tensor leaks across Adam training steps on wasm after a warm-up step', () => {
    tf.setBackend('wasm');
    const model = encoder();
    const opt = tf.train.adam(1e-3);
    const rng = new Rng(12);
    const x = tf.tensor4d(
      Float32Array.from({ length: 6 * 144 }, () => rng.uniform()),
      [6, 12, 12, 1],
    );
    const noise = tf.tensor4d(
      randn(rng, 6 * 144).map((z) => z * 0.1),
      [6, 12, 12, 1],
    );
    const step = () => tf.dispose(opt.minimize(() => loss(model, x, noise), true) ?? []);
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, noise]);
    opt.dispose();
    model.dispose();
  });
});
