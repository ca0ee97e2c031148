/** Test helpers: tolerance checks, tensor ↔ nested arrays, leak checks. */
import * as tf from '@tensorflow/tfjs';
import type { BoundResult } from '../bounds/types';

/** Fails with both numbers in the message unless |actual − expected| ≤ tol. */
export function expectClose(actual: number, expected: number, tol: number): void {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`expected ${actual} to be within ${tol} of ${expected} (off by ${Math.abs(actual - expected)})`);
  }
}

/** Element-wise {@link expectClose} over flat arrays of the same length. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    try {
      expectClose(actual[i], expected[i], tol);
    } catch (err) {
      throw new Error(`at index ${i}: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** Reads and disposes a bound's result. */
export function read(result: BoundResult): { estimate: number; loss: number } {
  const out = { estimate: result.estimate.dataSync()[0], loss: result.loss.dataSync()[0] };
  result.estimate.dispose();
  result.loss.dispose();
  return out;
}

/** Asserts that `f` leaves the tensor count unchanged (after one warm-up call). */
export function expectNoLeak(f: () => void): void {
  f();
  const before = tf.memory().numTensors;
  f();
  expect(tf.memory().numTensors).toBe(before);
}

/** Nested-array view [B][N][L] of a [B, N] or [B, N, L] tensor. */
export function toNested(t: tf.Tensor): number[][][] {
  const arr = t.arraySync() as number[][] | number[][][];
  return arr.map((row) => row.map((v) => (Array.isArray(v) ? v : [v])));
}

/** A deterministic pseudo-random matrix of floats (for scores without an Rng dependency in shapes). */
export function randomScores(seed: number, shape: number[], scale = 2, offset = 0): tf.Tensor {
  let state = seed >>> 0 || 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    v[i] = offset + scale * (state / 4294967296 - 0.5);
  }
  return tf.tensor(v, shape);
}
