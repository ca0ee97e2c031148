/**
 * Leading eigenpairs of a symmetric matrix in float64 JS: block subspace iteration
 * with oversampling and a Rayleigh–Ritz step (the small projected matrix solved whole),
 * the textbook method (e.g. Saad, "Numerical Methods for Large Eigenvalue Problems",
 * 2011, ch. 5). With a block of `count + 6` vectors the error shrinks like
 * (λ_{b+1}/λ_count)^iterations instead of (λ_{count+1}/λ_count)^iterations, so close
 * leading eigenvalues do not stall it.
 */
import { Rng } from '@infomax/engine';
import { symmetricEigen } from './tridiagonal-eigen';

/** Iteration settings. */
export interface EigenOptions {
  maxIterations: number;
  /** Stop when ‖C·a − θ·a‖ ≤ tolerance·θ₁ for every wanted Ritz pair. */
  tolerance: number;
  seed: number;
}

/**
 * The `count` largest eigenvalues (descending, clamped at 0) and unit eigenvectors
 * (`[count, m]` row-major) of the symmetric positive semi-definite `[m, m]` matrix `c`.
 */
export function leadingEigenpairs(
  c: Float64Array,
  m: number,
  count: number,
  options: EigenOptions,
): { vectors: Float64Array; values: number[] } {
  const rng = new Rng(options.seed);
  const b = Math.min(m, count + 6);
  let v = Float64Array.from({ length: b * m }, () => rng.normal());
  orthonormalizeRows(v, b, m, rng);
  let w = new Float64Array(b * m);
  let ritz = rayleighRitz(v, w, b, m, count);
  for (let it = 0; it < options.maxIterations; it++) {
    multiplyRows(c, v, w, b, m);
    ritz = rayleighRitz(v, w, b, m, count);
    if (ritz.values[0] <= 0 || ritz.residual <= options.tolerance * ritz.values[0]) break;
    [v, w] = [w, v];
    orthonormalizeRows(v, b, m, rng);
  }
  return { vectors: ritz.vectors, values: ritz.values.map((x) => Math.max(x, 0)) };
}

/** Ritz pairs of span(V) given W = C·V: the top `count`, with their largest residual norm. */
function rayleighRitz(v: Float64Array, w: Float64Array, b: number, m: number, count: number) {
  const h = new Float64Array(b * b);
  for (let i = 0; i < b; i++) {
    for (let j = i; j < b; j++) {
      const s = 0.5 * (dotRows(v, i, w, j, m) + dotRows(v, j, w, i, m));
      h[i * b + j] = s;
      h[j * b + i] = s;
    }
  }
  const { values, vectors: s } = symmetricEigen(h, b);
  const vectors = new Float64Array(count * m);
  const values_: number[] = [];
  let residual = 0;
  for (let r = 0; r < count; r++) {
    const theta = values[r];
    values_.push(theta);
    let norm2 = 0;
    for (let k = 0; k < m; k++) {
      let a = 0;
      let ca = 0;
      for (let i = 0; i < b; i++) {
        a += s[r * b + i] * v[i * m + k];
        ca += s[r * b + i] * w[i * m + k];
      }
      vectors[r * m + k] = a;
      norm2 += (ca - theta * a) ** 2;
    }
    residual = Math.max(residual, Math.sqrt(norm2));
  }
  return { vectors, values: values_, residual };
}

/** out[r] = C · v[r] for the `b` rows of v. */
function multiplyRows(c: Float64Array, v: Float64Array, out: Float64Array, b: number, m: number): void {
  for (let r = 0; r < b; r++) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      const row = i * m;
      const col = r * m;
      for (let j = 0; j < m; j++) s += c[row + j] * v[col + j];
      out[r * m + i] = s;
    }
  }
}

function dotRows(x: Float64Array, i: number, y: Float64Array, j: number, m: number): number {
  let s = 0;
  for (let k = 0; k < m; k++) s += x[i * m + k] * y[j * m + k];
  return s;
}

/**
 * Modified Gram–Schmidt on the `b` rows of v (`[b, m]`), twice per row ("twice is
 * enough", Kahan). A row that collapses (numerically inside the span of the rows
 * before it: a zero or low-rank matrix) is replaced by a random direction, so the
 * rows always come out orthonormal.
 */
export function orthonormalizeRows(v: Float64Array, b: number, m: number, rng: Rng): void {
  for (let r = 0; r < b; r++) {
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = Math.sqrt(dotRows(v, r, v, r, m));
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < r; p++) {
          const proj = dotRows(v, p, v, r, m);
          for (let k = 0; k < m; k++) v[r * m + k] -= proj * v[p * m + k];
        }
      }
      const norm = Math.sqrt(dotRows(v, r, v, r, m));
      if (norm > 1e-10 * before && norm > 0) {
        for (let k = 0; k < m; k++) v[r * m + k] /= norm;
        break;
      }
      for (let k = 0; k < m; k++) v[r * m + k] = rng.normal();
    }
  }
}
