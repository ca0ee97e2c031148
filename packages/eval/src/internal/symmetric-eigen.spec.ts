import { Rng } from '@infomax/engine';
import { expectClose } from '../test-utils/helpers';
import { jacobiEigen, leadingEigenpairs, orthonormalizeRows } from './symmetric-eigen';

/** Q diag(values) Qᵀ for a random orthogonal Q (rows of `q`). */
function withSpectrum(values: number[], rng: Rng): { c: Float64Array; q: Float64Array } {
  const m = values.length;
  const q = Float64Array.from({ length: m * m }, () => rng.normal());
  orthonormalizeRows(q, m, m, rng);
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

describe('jacobiEigen', () => {
  it('random symmetric 7×7: A·q = λ·q for every column, values descending, Q orthogonal', () => {
    const rng = new Rng(41);
    const b = 7;
    const a = new Float64Array(b * b);
    for (let i = 0; i < b; i++) for (let j = i; j < b; j++) a[i * b + j] = a[j * b + i] = rng.normal();
    const { values, vectors } = jacobiEigen(a, b);
    for (let r = 0; r < b; r++) {
      if (r > 0) expect(values[r]).toBeLessThanOrEqual(values[r - 1]);
      for (let i = 0; i < b; i++) {
        let av = 0;
        for (let k = 0; k < b; k++) av += a[i * b + k] * vectors[k * b + r];
        expectClose(av, values[r] * vectors[i * b + r], 1e-12);
      }
      for (let s = 0; s < b; s++) {
        let d = 0;
        for (let k = 0; k < b; k++) d += vectors[k * b + r] * vectors[k * b + s];
        expectClose(d, r === s ? 1 : 0, 1e-12);
      }
    }
  });
});

describe('leadingEigenpairs', () => {
  it('m=60 with leading eigenvalues 10 and 9.9 (ratio 0.99): both found to 1e-8', () => {
    const rng = new Rng(42);
    const spectrum = [10, 9.9, 3, ...Array.from({ length: 57 }, (_, i) => 2 * Math.exp(-i / 10))];
    const { c, q } = withSpectrum(spectrum, rng);
    const { vectors, values } = leadingEigenpairs(c, 60, 2, { maxIterations: 500, tolerance: 1e-12, seed: 1 });
    expectClose(values[0], 10, 1e-8);
    expectClose(values[1], 9.9, 1e-8);
    for (let r = 0; r < 2; r++) {
      let cos = 0;
      for (let k = 0; k < 60; k++) cos += vectors[r * 60 + k] * q[r * 60 + k];
      expectClose(Math.abs(cos), 1, 1e-8);
    }
  });

  it('a rank-one matrix: second eigenvalue 0, vectors orthonormal', () => {
    const rng = new Rng(43);
    const { c } = withSpectrum([4, 0, 0, 0, 0], rng);
    const { vectors, values } = leadingEigenpairs(c, 5, 2, { maxIterations: 100, tolerance: 1e-12, seed: 2 });
    expectClose(values[0], 4, 1e-10);
    expectClose(values[1], 0, 1e-10);
    let d = 0;
    for (let k = 0; k < 5; k++) d += vectors[k] * vectors[5 + k];
    expectClose(d, 0, 1e-10);
  });
});
