/**
 * The kernels a training step needs — those infomax replaces on wasm and cpu (convolution
 * gradients, transposed matMuls, the gather gradient, Adam's update) and the scores' math —
 * run by tfjs-backend-webgpu's shaders on SwiftShader, against tfjs' cpu backend, at small
 * shapes. Relative error: max |webgpu − cpu| over max |cpu|, as in the engine's kernel tests.
 */
import * as tf from '@tensorflow/tfjs';
import { adam, registerEngineKernels, restoreStockKernels } from '@infomax/engine';
import { randn, relativeError } from '../../../packages/engine/src/test-utils/kernel-harness';
import { Rng } from '../../../packages/engine/src/random';
import { describeWebgpu, valuesOn } from './test-utils/webgpu';

const TOLERANCE = 1e-4;

/** `f` on webgpu and on cpu: every output within {@link TOLERANCE}. */
async function expectLikeCpu(f: () => tf.Tensor[]): Promise<void> {
  const gpu = await valuesOn('webgpu', f);
  const cpu = await valuesOn('cpu', f);
  expect(gpu.length).toBe(cpu.length);
  gpu.forEach((g, i) => expect(relativeError(g, cpu[i])).toBeLessThan(TOLERANCE));
}

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

describeWebgpu('webgpu kernels on SwiftShader against cpu', () => {
  const rng = new Rng(17);

  test.each<[string, number[], number[], number, 'same' | 'valid']>([
    ['8×8×3 → 8, 3×3 stride 1 same', [2, 8, 8, 3], [3, 3, 3, 8], 1, 'same'],
    ['14×14×4 → 8, 4×4 stride 2 same (DCGAN)', [2, 14, 14, 4], [4, 4, 4, 8], 2, 'same'],
    ['9×9×4 → 6, 3×3 stride 1 valid', [2, 9, 9, 4], [3, 3, 4, 6], 1, 'valid'],
    ['11×11×2 → 4, 5×5 stride 2 valid', [3, 11, 11, 2], [5, 5, 2, 4], 2, 'valid'],
  ])('conv2d %s, and both of its gradients', async (_name, xs, ws, stride, pad) => {
    const x = randn(rng, product(xs));
    const w = randn(rng, product(ws));
    await expectLikeCpu(() => {
      const [xt, wt] = [tf.tensor4d(x, xs as never), tf.tensor4d(w, ws as never)];
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf
          .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)
          .relu()
          .square()
          .sum();
      return [tf.conv2d(xt, wt, stride, pad), ...tf.grads(f)([xt, wt])];
    });
  });

  test('conv2d 12×12×4 → 8, 3×3 dilation 2 same (CPC’s masked context, forward only)', async () => {
    const x = randn(rng, 2 * 12 * 12 * 4);
    const w = randn(rng, 3 * 3 * 4 * 8);
    await expectLikeCpu(() => [tf.conv2d(tf.tensor4d(x, [2, 12, 12, 4]), tf.tensor4d(w, [3, 3, 4, 8]), 1, 'same', 'NHWC', 2)]);
  });

  test.each<[string, [number, number], [number, number], boolean, boolean]>([
    ['[16, 96] × [96, 40]', [16, 96], [96, 40], false, false],
    ['[16, 32] × [72, 32]ᵀ', [16, 32], [72, 32], false, true],
    ['[96, 16]ᵀ × [96, 24]', [96, 16], [96, 24], true, false],
  ])('matMul %s, and both of its gradients', async (_name, as, bs, ta, tb) => {
    const a = randn(rng, as[0] * as[1]);
    const b = randn(rng, bs[0] * bs[1]);
    await expectLikeCpu(() => {
      const [at, bt] = [tf.tensor2d(a, as), tf.tensor2d(b, bs)];
      return [
        tf.matMul(at, bt, ta, tb),
        ...tf.grads((p: tf.Tensor, q: tf.Tensor) =>
          tf
            .matMul(p as tf.Tensor2D, q as tf.Tensor2D, ta, tb)
            .square()
            .sum(),
        )([at, bt]),
      ];
    });
  });

  test('batched matMul [4, 12, 8] × [4, 8, 10], and both of its gradients', async () => {
    const a = randn(rng, 4 * 12 * 8);
    const b = randn(rng, 4 * 8 * 10);
    await expectLikeCpu(() => {
      const [at, bt] = [tf.tensor3d(a, [4, 12, 8]), tf.tensor3d(b, [4, 8, 10])];
      return [
        tf.matMul(at, bt),
        ...tf.grads((p: tf.Tensor, q: tf.Tensor) =>
          tf
            .matMul(p as tf.Tensor3D, q as tf.Tensor3D)
            .square()
            .sum(),
        )([at, bt]),
      ];
    });
  });

  test('the gradient of gather (unsortedSegmentSum), 120 rows into 37', async () => {
    const v = randn(rng, 37 * 6);
    const ids = Int32Array.from({ length: 120 }, () => rng.int(37));
    const weights = randn(rng, 120 * 6);
    await expectLikeCpu(() => {
      const w = tf.tensor2d(weights, [120, 6]);
      const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d(ids, 'int32')), w));
      return [tf.grad(f)(tf.tensor2d(v, [37, 6]))];
    });
  });

  test('softplus, logSumExp and masked means on [8, 8, 5] scores, and their gradient', async () => {
    const s = randn(rng, 8 * 8 * 5).map((x) => 3 * x);
    await expectLikeCpu(() => {
      const mask = tf.sub(1, tf.eye(8)).expandDims(2);
      const f = (x: tf.Tensor) =>
        tf.addN([tf.softplus(x).mean(), tf.logSumExp(x, 1).mean(), tf.div(tf.sum(tf.mul(x, mask)), tf.sum(mask))]);
      const t = tf.tensor3d(s, [8, 8, 5]);
      return [f(t), tf.grad(f)(t)];
    });
  });

  test('three Adam updates: tfjs’ update on webgpu against infomax’s fused kernel on cpu', async () => {
    registerEngineKernels('cpu');
    const w0 = randn(rng, 6 * 5);
    const target = randn(rng, 6 * 5);
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const w = tf.variable(tf.tensor2d(w0, [6, 5]));
      const goal = tf.tensor2d(target, [6, 5]);
      const optimizer = adam(0.01);
      for (let i = 0; i < 3; i++) optimizer.minimize(() => tf.sum(tf.square(tf.sub(w, goal))) as tf.Scalar, false, [w]);
      const out = Float32Array.from(await w.data());
      tf.dispose([w, goal]);
      optimizer.dispose();
      return out;
    };
    const gpu = await run('webgpu');
    const cpu = await run('cpu');
    restoreStockKernels('cpu');
    expect(relativeError(gpu, cpu)).toBeLessThan(1e-5);
    expect(relativeError(gpu, w0)).toBeGreaterThan(1e-3);
  });
});
