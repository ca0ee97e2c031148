/**
 * The training-step check on whichever GPU backend this machine has (tfjs-node-gpu
 * or webgpu). Where none is usable — as on the CPU machines that run CI — each test
 * prints why and passes without checking anything.
 */
import * as tf from '@tensorflow/tfjs';
import { initEngine } from './node';
import { Rng } from './random';
import { randn, relativeError } from './test-utils/kernel-harness';

let gpuBackend: string | null = null;
let whyNot = '';

beforeAll(async () => {
  await initEngine({ backend: 'cpu', log: null, fastKernels: false });
  for (const backend of ['tensorflow', 'webgpu'] as const) {
    try {
      const info = await initEngine({ backend, log: null });
      if (info.device === 'gpu') {
        gpuBackend = info.backend;
        return;
      }
      whyNot += `${backend}: runs on cpu; `;
    } catch (e) {
      whyNot += `${(e as Error).message}; `;
    }
  }
});

describe('GPU backend (skipped where none is usable)', () => {
  it('conv gradients through tf.grad match the cpu backend (1e-4)', async () => {
    if (gpuBackend === null) {
      console.log(`GPU backend tests skipped: ${whyNot}`);
      return;
    }
    const rng = new Rng(21);
    const xv = randn(rng, 4 * 14 * 14 * 8);
    const wv = randn(rng, 4 * 4 * 8 * 16);
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor4d(xv, [4, 14, 14, 8]);
      const w = tf.tensor4d(wv, [4, 4, 8, 16]);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf
          .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')
          .relu()
          .square()
          .sum(),
      )([x, w]);
      const out = [await dx.data(), await dw.data()] as Float32Array[];
      tf.dispose([x, w, dx, dw]);
      return out;
    };
    const [gx, gw] = await grads(gpuBackend);
    const [cx, cw] = await grads('cpu');
    expect(relativeError(gx, cx)).toBeLessThan(1e-4);
    expect(relativeError(gw, cw)).toBeLessThan(1e-4);
  });
});
