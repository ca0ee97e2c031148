import * as tf from '@tensorflow/tfjs';

/** Fail with the first index where |actual − expected| > tol. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  if (actual.length !== expected.length) {
    throw new Error(`expectClose: length ${actual.length} vs expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= tol)) {
      throw new Error(`expectClose: index ${i}: got ${a}, expected ${e} (tolerance ${tol})`);
    }
  }
}

/** Deterministic pseudo-random values in [0, 1) for test inputs (no Math.random). */
export function testValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296;
  }
  return out;
}

/** A batch [B,H,W,C] of deterministic test values. */
export function testImages(shape: [number, number, number, number], seed = 1): tf.Tensor4D {
  return tf.tensor4d(testValues(shape[0] * shape[1] * shape[2] * shape[3], seed), shape);
}

/**
 * Run `fn` once to warm up (kernels allocate their constants lazily), then again and
 * check that the second run leaves no tensor behind beyond what it returns.
 */
export function expectNoLeak(fn: () => tf.Tensor | tf.Tensor[] | void): void {
  tf.dispose(fn() ?? []);
  const before = tf.memory().numTensors;
  tf.dispose(fn() ?? []);
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`tensor leak: ${after - before} tensors left behind`);
}
