/**
 * Every eigenpair of a dense symmetric matrix in float64 JS: Householder reduction to
 * tridiagonal form, then implicit symmetric QR steps with the Wilkinson shift (Golub &
 * Van Loan, "Matrix Computations", 4th ed. 2013, Algorithms 8.3.1 and 8.3.3). About
 * 6m³ flops for an `[m, m]` matrix with its vectors, whatever the spectrum: no
 * iteration count depends on eigenvalue gaps. Eigenvectors are kept as rows so that
 * every rotation and reflection walks memory in order.
 */

/**
 * All eigenvalues (descending) and unit eigenvectors (`[m, m]` row-major, row r for
 * value r) of the symmetric `[m, m]` matrix `matrix` (not modified).
 */
export function symmetricEigen(matrix: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const d = new Float64Array(m);
  const e = new Float64Array(m);
  const z = tridiagonalize(a, m, d, e);
  tridiagonalQr(d, e, z, m);
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => d[y] - d[x]);
  const vectors = new Float64Array(m * m);
  order.forEach((src, dst) => vectors.set(z.subarray(src * m, (src + 1) * m), dst * m));
  return { values: Float64Array.from(order, (i) => d[i]), vectors };
}

/**
 * Qᵀ·A·Q = T with T's diagonal in `d` and its sub-diagonal in `e[0..m-2]`; returns Qᵀ
 * (`[m, m]`). `a` is overwritten.
 */
function tridiagonalize(a: Float64Array, m: number, d: Float64Array, e: Float64Array): Float64Array {
  const reflectors: Array<{ v: Float64Array; beta: number }> = [];
  const p = new Float64Array(m);
  for (let k = 0; k + 2 < m; k++) {
    // The reflector H = I − β·v·vᵀ on rows/columns k+1.. that zeroes a[k][k+2..].
    const len = m - k - 1;
    const v = a.slice(k * m + k + 1, (k + 1) * m);
    let norm = 0;
    for (let i = 0; i < len; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    const alpha = v[0] > 0 ? -norm : norm;
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < len; i++) vv += v[i] * v[i];
    const beta = vv > 0 ? 2 / vv : 0;
    reflectors.push({ v, beta });
    e[k] = vv > 0 ? alpha : a[k * m + k + 1];
    if (beta === 0) continue;
    // A₂₂ ← H·A₂₂·H = A₂₂ − v·wᵀ − w·vᵀ with p = β·A₂₂·v, w = p − (β·pᵀv/2)·v.
    const o = k + 1;
    let pv = 0;
    for (let i = 0; i < len; i++) {
      let s = 0;
      const row = (o + i) * m + o;
      for (let j = 0; j < len; j++) s += a[row + j] * v[j];
      p[i] = beta * s;
      pv += p[i] * v[i];
    }
    const half = (beta * pv) / 2;
    for (let i = 0; i < len; i++) p[i] -= half * v[i];
    for (let i = 0; i < len; i++) {
      const row = (o + i) * m + o;
      const vi = v[i];
      const wi = p[i];
      for (let j = 0; j < len; j++) a[row + j] -= vi * p[j] + wi * v[j];
    }
  }
  for (let k = 0; k < m; k++) d[k] = a[k * m + k];
  if (m >= 2) e[m - 2] = a[(m - 2) * m + m - 1];
  // Q = H₀·H₁·…, built from the right end so each product only touches the trailing block.
  const q = new Float64Array(m * m);
  for (let i = 0; i < m; i++) q[i * m + i] = 1;
  const t = new Float64Array(m);
  for (let k = reflectors.length - 1; k >= 0; k--) {
    const { v, beta } = reflectors[k];
    if (beta === 0) continue;
    const o = k + 1;
    const len = m - o;
    t.fill(0, 0, len);
    for (let i = 0; i < len; i++) {
      const row = (o + i) * m + o;
      const vi = v[i];
      for (let j = 0; j < len; j++) t[j] += vi * q[row + j];
    }
    for (let i = 0; i < len; i++) {
      const row = (o + i) * m + o;
      const f = beta * v[i];
      for (let j = 0; j < len; j++) q[row + j] -= f * t[j];
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) [q[i * m + j], q[j * m + i]] = [q[j * m + i], q[i * m + j]];
  }
  return q;
}

/**
 * Diagonalises the tridiagonal (d, e) in place by implicit QR steps, each rotation also
 * applied to the rows of `z` (so z ends as the eigenvectors of the original matrix).
 */
function tridiagonalQr(d: Float64Array, e: Float64Array, z: Float64Array, m: number): void {
  let hi = m - 1;
  // Wilkinson's shift converges for every symmetric tridiagonal matrix, typically in
  // two or three steps per eigenvalue; the cap only guards against a runaway loop.
  for (let steps = 0; hi > 0 && steps < 30 * m; steps++) {
    for (let i = 0; i < hi; i++) {
      if (Math.abs(e[i]) <= Number.EPSILON * (Math.abs(d[i]) + Math.abs(d[i + 1]))) e[i] = 0;
    }
    while (hi > 0 && e[hi - 1] === 0) hi--;
    if (hi === 0) break;
    let lo = hi - 1;
    while (lo > 0 && e[lo - 1] !== 0) lo--;
    qrStep(d, e, z, m, lo, hi);
  }
}

/** One implicit QR step with the Wilkinson shift on the unreduced block lo..hi. */
function qrStep(d: Float64Array, e: Float64Array, z: Float64Array, m: number, lo: number, hi: number): void {
  const delta = (d[hi - 1] - d[hi]) / 2;
  const f2 = e[hi - 1] * e[hi - 1];
  const mu = d[hi] - f2 / (delta + (delta >= 0 ? 1 : -1) * Math.hypot(delta, e[hi - 1]));
  let x = d[lo] - mu;
  let y = e[lo];
  for (let k = lo; k < hi; k++) {
    const r = Math.hypot(x, y);
    const c = r === 0 ? 1 : x / r;
    const s = r === 0 ? 0 : y / r;
    // T ← Gᵀ·T·G on rows/columns k, k+1, with Gᵀ·(x, y) = (r, 0): the bulge moves down one row.
    if (k > lo) e[k - 1] = r;
    const a = d[k];
    const b = e[k];
    const g = d[k + 1];
    d[k] = c * c * a + 2 * c * s * b + s * s * g;
    d[k + 1] = s * s * a - 2 * c * s * b + c * c * g;
    e[k] = c * s * (g - a) + (c * c - s * s) * b;
    x = e[k];
    if (k + 1 < hi) {
      y = s * e[k + 1];
      e[k + 1] *= c;
    }
    const rk = k * m;
    const rn = rk + m;
    for (let j = 0; j < m; j++) {
      const zk = z[rk + j];
      const zn = z[rn + j];
      z[rk + j] = c * zk + s * zn;
      z[rn + j] = c * zn - s * zk;
    }
  }
}
