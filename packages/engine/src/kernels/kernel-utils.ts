/**
 * Helpers for kernels that are compositions of a backend's other kernels.
 * A composite kernel calls `kernelFunc`s directly with TensorInfos: nothing lands
 * on the gradient tape, and every intermediate is freed with `disposeData`.
 */
import * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '../errors';

type TensorInfo = tf.TensorInfo;
export type Backend = tf.KernelBackend;

/** A new TensorInfo holding `values` (wasm has no `makeTensorInfo`; every backend has `write`). */
export function makeInfo(backend: Backend, shape: number[], dtype: 'float32' | 'int32', values: Float32Array | Int32Array): TensorInfo {
  return { dataId: backend.write(values, shape, dtype), shape, dtype };
}

/** Runs kernel `name` of `backendName` on TensorInfos. */
export function callKernel(
  backendName: string,
  name: string,
  backend: Backend,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const kernel = tf.getKernel(name, backendName);
  if (kernel === undefined) {
    throw new UnsupportedError(`infomax kernels: backend '${backendName}' has no '${name}' kernel to build on`);
  }
  return kernel.kernelFunc({
    inputs: inputs as tf.NamedTensorInfoMap,
    backend,
    attrs: attrs as tf.NamedAttrMap,
  }) as TensorInfo;
}

/** Frees intermediates made by {@link callKernel}. */
export function release(backend: Backend, ...infos: Array<TensorInfo | null | undefined>): void {
  for (const info of infos) if (info) backend.disposeData(info.dataId);
}

/** A reshape that shares data: a new TensorInfo header over the same dataId is not possible
 * generically, so call the backend's Reshape kernel (zero-copy on wasm and cpu). */
export function reshape(backendName: string, backend: Backend, x: TensorInfo, shape: number[]): TensorInfo {
  return callKernel(backendName, 'Reshape', backend, { x }, { shape });
}

/** Slices rows/cols of an NHWC tensor: keeps rows [top, top+height) and cols [left, left+width). */
export function sliceHW(
  backendName: string,
  backend: Backend,
  x: TensorInfo,
  top: number,
  height: number,
  left: number,
  width: number,
): TensorInfo {
  const [b, , , c] = x.shape;
  return callKernel(backendName, 'Slice', backend, { x }, { begin: [0, top, left, 0], size: [b, height, width, c] });
}
