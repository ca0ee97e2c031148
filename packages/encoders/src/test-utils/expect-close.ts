/**
 * Test helpers (not part of the build): a tolerance check for jest, since tfjs'
 * expectArraysClose needs jasmine.
 */
import * as tf from '@tensorflow/tfjs';

/** Asserts |actual − expected| ≤ tol elementwise; reports the worst index. */
export function expectClose(actual: ArrayLike<number> | tf.Tensor, expected: ArrayLike<number> | tf.Tensor, tol: number): void {
  const a = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  const e = expected instanceof tf.Tensor ? expected.dataSync() : expected;
  expect(a.length).toBe(e.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  if (!(worst <= tol)) {
    throw new Error(`expectClose: |actual - expected| = ${worst} > ${tol} at index ${at} (actual ${a[at]}, expected ${e[at]})`);
  }
}

/** Deterministic images in [0, 1]: `[batch, ...shape]`, a smooth function of the index. */
export function testImages(shape: number[], seed = 1): tf.Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = 0.5 + 0.5 * Math.sin(0.37 * i * seed + seed);
  return tf.tensor(data, shape);
}

/** Every weight of a model, concatenated into one flat array. */
export function allWeights(model: tf.LayersModel): Float32Array {
  const parts = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
