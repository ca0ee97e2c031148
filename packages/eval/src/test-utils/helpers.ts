/** Test helpers: tolerance checks, leak checks, seeded synthetic data, matrices of known spectrum, a naive kNN. */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { orthonormalizeRows } from '../internal/symmetric-eigen';

/** Fails with both numbers in the message unless |actual − expected| ≤ tol. */
export function expectClose(actual: number, expected: number, tol: number): void {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`expected ${actual} to be within ${tol} of ${expected} (off by ${Math.abs(actual - expected)})`);
  }
}

/** Asserts that `f` leaves the tensor count unchanged (after one warm-up call). */
export async function expectNoLeak(f: () => unknown): Promise<void> {
  await f();
  const before = tf.memory().numTensors;
  await f();
  expect(tf.memory().numTensors).toBe(before);
}

/** `n` rows of `dim` standard normals, row-major. */
export function gaussian(rng: Rng, n: number, dim: number): Float32Array {
  return Float32Array.from({ length: n * dim }, () => rng.normal());
}

/** A random `[m, m]` orthogonal matrix (its rows orthonormal), from Gaussian rows. */
export function randomOrthogonal(rng: Rng, m: number): Float64Array {
  const q = Float64Array.from({ length: m * m }, () => rng.normal());
  orthonormalizeRows(q, m, m, rng);
  return q;
}

/** Qᵀ·diag(values)·Q for a random orthogonal Q: a symmetric matrix whose eigenvectors are the rows of `q`. */
export function withSpectrum(values: number[], rng: Rng): { c: Float64Array; q: Float64Array } {
  const m = values.length;
  const q = randomOrthogonal(rng, m);
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += q[k * m + i] * values[k] * q[k * m + j];
      c[i * m + j] = s;
    }
  }
  return { c, q };
}

/** Labels drawn uniformly from [0, classes). */
export function randomLabels(rng: Rng, n: number, classes: number): Int32Array {
  return Int32Array.from({ length: n }, () => rng.int(classes));
}

/**
 * Gaussian blobs: class c is centred at `separation` along axis c (one axis per
 * class, so classes are linearly separable when separation ≫ 1) plus unit noise.
 */
export function blobs(rng: Rng, n: number, dim: number, classes: number, separation: number) {
  const labels = randomLabels(rng, n, classes);
  const features = gaussian(rng, n, dim);
  for (let i = 0; i < n; i++) features[i * dim + labels[i]] += separation;
  return { features, labels };
}

/**
 * Brute-force kNN in float64: sort all training rows by similarity, count the k
 * nearest labels, break ties by the class that appears first in the sorted list.
 */
export function naiveKnn(
  train: Float32Array,
  trainLabels: Int32Array,
  test: Float32Array,
  dim: number,
  classes: number,
  k: number,
  metric: 'cosine' | 'euclidean',
): Int32Array {
  const nTrain = train.length / dim;
  const nTest = test.length / dim;
  const row = (x: Float32Array, i: number) => Array.from(x.subarray(i * dim, (i + 1) * dim));
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, a) => s + a * a, 0));
  const out = new Int32Array(nTest);
  for (let t = 0; t < nTest; t++) {
    const q = row(test, t);
    const scored = [];
    for (let i = 0; i < nTrain; i++) {
      const r = row(train, i);
      const score =
        metric === 'cosine' ? q.reduce((s, a, j) => s + a * r[j], 0) / (norm(q) * norm(r)) : -q.reduce((s, a, j) => s + (a - r[j]) ** 2, 0);
      scored.push({ score, label: trainLabels[i] });
    }
    scored.sort((a, b) => b.score - a.score);
    const counts = new Array<number>(classes).fill(0);
    scored.slice(0, k).forEach((s) => counts[s.label]++);
    const most = Math.max(...counts);
    out[t] = scored.slice(0, k).find((s) => counts[s.label] === most)!.label;
  }
  return out;
}
