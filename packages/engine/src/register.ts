/**
 * Registration of infomax's kernels: the package's only side effect, done when
 * `initEngine` activates a backend (or by calling {@link registerEngineKernels}).
 * The stock kernel each one replaces is kept, so that tests can compare against
 * it and {@link restoreStockKernels} can put it back.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilter } from './kernels/conv2d-backprop-filter';
import { conv2dBackpropInput } from './kernels/conv2d-backprop-input';
import { batchMatMulUntransposed } from './kernels/batch-mat-mul';
import { unsortedSegmentSum } from './kernels/unsorted-segment-sum';
import { simdBatchMatMul, simdFusedMatMul } from './kernels/simd-mat-mul';
import { simdConv2d, simdConv2dBackpropFilter, simdConv2dBackpropInput, simdFusedConv2d } from './kernels/simd-conv';
import { ADAM_KERNEL, adamCpu, adamWasm } from './kernels/adam';
import { SGD_KERNEL, sgdCpu, sgdWasm } from './kernels/sgd';
import { SUM_KERNEL, sumGradient, sumWasm } from './kernels/sum';
import { simdVariant } from './kernels/simd/module';
import { ConfigError } from './errors';

/** Backends infomax brings kernels for. */
export const KERNEL_BACKENDS = ['wasm', 'cpu'] as const;
export type KernelBackend = (typeof KERNEL_BACKENDS)[number];

type Maker = (backend: KernelBackend, stock: tf.KernelConfig | undefined) => tf.KernelFunc;
/** A kernel that needs WebAssembly SIMD is registered only where the engine has it. */
const SIMD = true;

/**
 * Which kernels we replace or add, per backend, and why. Each choice is measured
 * by `tools/bench/engine` (see docs/benchmarks.md).
 */
const PLAN: Record<KernelBackend, Array<[string, Maker, boolean?]>> = {
  wasm: [
    // Convolutions as GEMMs over patches (im2col); without SIMD, compositions of the stock Conv2D.
    ['Conv2D', (_, stock) => simdConv2d(stock!.kernelFunc), SIMD], // 1.x–2× XNNPACK with FMA
    ['FusedConv2D', (b, stock) => simdFusedConv2d(b, stock!.kernelFunc), SIMD],
    ['Conv2DBackpropFilter', (b) => simdConv2dBackpropFilter(conv2dBackpropFilter(b))], // missing on wasm
    ['Conv2DBackpropInput', (b) => simdConv2dBackpropInput(conv2dBackpropInput(b))], // stock is a scalar loop
    // Our SIMD GEMM (2–4× XNNPACK on dense layers); without SIMD, the stock kernel never transposed.
    ['BatchMatMul', (b, stock) => simdBatchMatMul(batchMatMulUntransposed(b, stock!.kernelFunc))],
    ['_FusedMatMul', (b, stock) => simdFusedMatMul(b, stock!.kernelFunc), SIMD], // dense layers' forward pass
    ['UnsortedSegmentSum', () => unsortedSegmentSum()], // missing on wasm (gather's gradient)
    [ADAM_KERNEL, () => adamWasm(), SIMD], // one pass instead of ten (engine's adam())
    [SGD_KERNEL, () => sgdWasm(), SIMD], // one pass instead of five or six (engine's sgd(), lars())
    [SUM_KERNEL, () => sumWasm(), SIMD], // whole-tensor sums, 16 running sums (a step's norm and checks)
  ],
  cpu: [
    ['Conv2DBackpropFilter', (b) => conv2dBackpropFilter(b)], // stock: ~20 s for one conv layer
    ['Conv2DBackpropInput', (b) => conv2dBackpropInput(b)],
    [ADAM_KERNEL, () => adamCpu()],
    [SGD_KERNEL, () => sgdCpu()],
  ],
};

/** The kernels of the plan this engine can run. */
function planFor(backend: KernelBackend): Array<[string, Maker]> {
  const simd = simdVariant() !== null;
  return PLAN[backend].filter(([, , needsSimd]) => !needsSimd || simd).map(([n, m]) => [n, m]);
}

const stockKernels = new Map<string, tf.KernelConfig | null>();
const key = (backend: string, name: string) => `${backend}/${name}`;

/**
 * Registers infomax's kernels for `backend` (idempotent).
 * @param backend `'wasm'` or `'cpu'`
 * @returns the names of the kernels that are now infomax's
 * @throws ConfigError for another backend name
 * @example
 * await tf.setBackend('wasm');
 * registerEngineKernels('wasm'); // ['Conv2DBackpropFilter', ...]
 */
export function registerEngineKernels(backend: string): string[] {
  if (!(KERNEL_BACKENDS as readonly string[]).includes(backend)) {
    throw new ConfigError(`registerEngineKernels: backend must be one of ${KERNEL_BACKENDS.join(', ')}; got '${backend}'`);
  }
  const b = backend as KernelBackend;
  if (tf.getGradient(SUM_KERNEL) === undefined) tf.registerGradient(sumGradient);
  for (const [name, make] of planFor(b)) {
    const k = key(b, name);
    if (stockKernels.has(k)) continue;
    const stock = tf.getKernel(name, b);
    stockKernels.set(k, stock ?? null);
    if (stock) tf.unregisterKernel(name, b);
    tf.registerKernel({
      kernelName: name,
      backendName: b,
      kernelFunc: make(b, stock),
      // The stock kernel's setup (e.g. wasm's cwrap) must still run if the backend is re-initialised.
      setupFunc: stock?.setupFunc,
    });
  }
  return planFor(b).map(([name]) => name);
}

/** Puts the stock kernels back on `backend` (undoes {@link registerEngineKernels}). */
export function restoreStockKernels(backend: KernelBackend): void {
  for (const [name] of PLAN[backend]) {
    const k = key(backend, name);
    if (!stockKernels.has(k)) continue;
    tf.unregisterKernel(name, backend);
    const stock = stockKernels.get(k);
    if (stock) tf.registerKernel(stock);
    stockKernels.delete(k);
  }
}

/**
 * The stock tfjs kernel that infomax replaced (or the current one when none was
 * replaced); `undefined` when the backend never had one.
 */
export function stockKernel(name: string, backend: KernelBackend): tf.KernelConfig | undefined {
  const k = key(backend, name);
  if (stockKernels.has(k)) return stockKernels.get(k) ?? undefined;
  return tf.getKernel(name, backend);
}
