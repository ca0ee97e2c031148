/**
 * Test helpers: run one kernel on a named backend with plain arrays in and out,
 * and compare arrays with a tolerance (tfjs' own helper needs jasmine).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';

export type Input = [number[], Float32Array | Int32Array];

/** Runs `kernel` on backend `backendName`; frees everything it made. */
export function runKernel(
  backendName: string,
  kernel: tf.KernelConfig,
  inputs: Record<string, Input>,
  attrs: Record<string, unknown>,
): { values: Float32Array; shape: number[] } {
  const backend = tf.findBackend(backendName);
  if (!backend) throw new Error(`backend ${backendName} is not registered`);
  const infos: Record<string, tf.TensorInfo> = {};
  for (const [name, [shape, values]] of Object.entries(inputs)) {
    const dtype = values instanceof Int32Array ? 'int32' : 'float32';
    infos[name] = { dataId: backend.write(values, shape, dtype), shape, dtype };
  }
  const out = kernel.kernelFunc({ inputs: infos, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  const values = Float32Array.from(backend.readSync(out.dataId) as Float32Array);
  for (const info of Object.values(infos)) backend.disposeData(info.dataId);
  backend.disposeData(out.dataId);
  return { values, shape: out.shape };
}

/** Max |a − b| over max |b|: a scale-aware relative error that near-zero entries cannot blow up. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    if (!Number.isFinite(actual[i])) return Infinity;
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** `n` standard-normal float32 values from `rng`. */
export function randn(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}
