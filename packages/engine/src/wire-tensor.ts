/**
 * Tensors as they cross threads: as messages (values the sender owns outright, so they
 * are transferred rather than copied) or through a SharedArrayBuffer that both threads
 * keep for the whole run (no new memory for each step's weights and gradients).
 */
import * as tf from '@tensorflow/tfjs';
import { wasmHeapView } from './kernels/simd/module';
import type { WireTensor } from './example-parallel-protocol';

/**
 * A copy of a float32 tensor's values in a buffer of its own: the wasm backend's
 * `dataSync` already copies out of its memory; the cpu backend's returns its own
 * storage, which a transfer would detach, so it is copied here.
 * @param t a float32 tensor
 * @returns `[t.size]` values
 */
export function ownedValues(t: tf.Tensor): Float32Array<ArrayBuffer> {
  const values = t.dataSync() as Float32Array<ArrayBuffer>;
  return tf.getBackend() === 'wasm' ? values : values.slice();
}

/** A tensor as a {@link WireTensor} (see {@link ownedValues}). */
export function toWire(t: tf.Tensor): WireTensor {
  return { values: ownedValues(t), shape: t.shape };
}

/**
 * A tensor of these values on this thread's backend, which never aliases them (the cpu
 * backend would keep the array itself, and shared memory changes under it).
 */
export function tensorOf(values: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(tf.getBackend() === 'wasm' ? values : values.slice(), shape, 'float32');
}

/** A {@link WireTensor} back as a tensor. */
export function fromWire(w: WireTensor): tf.Tensor {
  return tensorOf(w.values, w.shape);
}

/** The buffers to transfer with a message carrying these arrays. */
export function buffersOf(arrays: Array<Float32Array<ArrayBuffer>>): ArrayBuffer[] {
  return arrays.map((a) => a.buffer);
}

/**
 * Float32 views of one shared buffer laid out as `shapes`, one after the other.
 * @param buffer at least Σ sizes × 4 bytes
 */
export function sharedViews(buffer: SharedArrayBuffer, shapes: number[][]): Float32Array[] {
  let offset = 0;
  return shapes.map((s) => {
    const size = tf.util.sizeFromShape(s);
    const view = new Float32Array(buffer, offset * 4, size);
    offset += size;
    return view;
  });
}

/** The bytes {@link sharedViews} needs for `shapes`. */
export function sharedBytes(shapes: number[][]): number {
  return 4 * shapes.reduce((n, s) => n + tf.util.sizeFromShape(s), 0);
}

/** Copies tensors' values into views (straight out of wasm memory where the backend is wasm). */
export function copyInto(views: Float32Array[], tensors: tf.Tensor[]): void {
  tensors.forEach((t, i) => views[i].set(wasmHeapView(tf.backend(), t) ?? (t.dataSync() as Float32Array)));
}

/**
 * Sets variables to the values in views: on wasm straight into the variables' own memory
 * (one copy, no allocation: between steps nothing else holds their data, the gradient
 * tape's copies are freed), elsewhere by `assign`.
 */
export function assignFrom(variables: tf.Variable[], views: Float32Array[]): void {
  variables.forEach((v, i) => {
    const own = wasmHeapView(tf.backend(), v);
    if (own) own.set(views[i]);
    else tf.tidy(() => v.assign(tensorOf(views[i], v.shape)));
  });
}
