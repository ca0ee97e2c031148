// One training step on the wasm backend. tfjs 4.22's wasm backend has no
// Conv2DBackpropFilter kernel; @infomax/engine registers one. Where the engine
// in use does not, this spec says so and checks nothing.
import * as tf from '@tensorflow/tfjs';
import { initEngine, type EngineInfo } from '@infomax/engine';
import { dcganEncoder, type Encoder } from './index';
import { expectClose, testImages } from './test-utils/expect-close';

let info: EngineInfo;
beforeAll(async () => {
  info = await initEngine({ backend: 'wasm', log: null });
});

function lossOf(enc: Encoder, x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const out = enc.encode(x, { training: true });
    const rl = tf.randomNormal(out.local.shape, 0, 1, 'float32', 21);
    const rg = tf.randomNormal(out.global.shape, 0, 1, 'float32', 22);
    return tf.add(tf.sum(tf.mul(out.local, rl)), tf.sum(tf.mul(out.global, rg)));
  });
}

function gradients(enc: Encoder, x: tf.Tensor): Float32Array[] {
  const vars = enc.trainableVariables;
  const { value, grads } = tf.variableGrads(() => lossOf(enc, x), vars);
  const out = vars.map((v) => grads[v.name].dataSync() as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

test("DCGAN 28×28×1 (batch norm), batch 8: wasm gradients match the cpu backend's; an Adam step lowers the loss; no leaks", async () => {
  if (!info.kernels.includes('Conv2DBackpropFilter')) {
    console.log(
      `wasm training step skipped: the engine registered [${info.kernels.join(', ')}] on wasm, ` +
        'without Conv2DBackpropFilter, which tfjs 4.22 lacks there',
    );
    return;
  }
  const enc = dcganEncoder({ inputShape: [28, 28, 1], filters: [16, 32], fc: [64], codeSize: 16, batchNorm: true, seed: 1 });
  const x = testImages([8, 28, 28, 1]);

  const onWasm = gradients(enc, x);
  await tf.setBackend('cpu');
  const onCpu = gradients(enc, x);
  await tf.setBackend('wasm');
  onWasm.forEach((g, i) => {
    const scale = onCpu[i].reduce((m, e) => Math.max(m, Math.abs(e)), 0);
    expect(scale).toBeGreaterThan(0);
    expectClose(g, onCpu[i], 1e-4 * scale + 1e-6);
  });

  const optimizer = tf.train.adam(1e-3);
  const step = (): number => {
    const loss = optimizer.minimize(() => lossOf(enc, x), true, enc.trainableVariables) as tf.Scalar;
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  const first = step();
  const before = tf.memory().numTensors;
  const second = step();
  expect(tf.memory().numTensors).toBe(before);
  expect(Number.isFinite(second)).toBe(true);
  expect(second).toBeLessThan(first);
  x.dispose();
  optimizer.dispose();
  enc.dispose();
});
