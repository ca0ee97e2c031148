import { Rng } from '@infomax/engine';
import { expectClose, withSpectrum } from '../test-utils/helpers';
import { symmetricEigen } from './tridiagonal-eigen';

/** Worst |A·v − λ·v| over every pair, worst |VVᵀ − I|, and whether the values descend. */
function check(a: Float64Array, m: number) {
  const { values, vectors } = symmetricEigen(a, m);
  let residual = 0;
  let orthogonality = 0;
  let descending = true;
  for (let r = 0; r < m; r++) {
    if (r > 0 && values[r] > values[r - 1]) descending = false;
    for (let i = 0; i < m; i++) {
      let av = 0;
      for (let k = 0; k < m; k++) av += a[i * m + k] * vectors[r * m + k];
      residual = Math.max(residual, Math.abs(av - values[r] * vectors[r * m + i]));
    }
    for (let s = 0; s < m; s++) {
      let d = 0;
      for (let k = 0; k < m; k++) d += vectors[r * m + k] * vectors[s * m + k];
      orthogonality = Math.max(orthogonality, Math.abs(d - (r === s ? 1 : 0)));
    }
  }
  return { values, vectors, residual, orthogonality, descending };
}

function randomSymmetric(rng: Rng, m: number): Float64Array {
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = i; j < m; j++) a[i * m + j] = a[j * m + i] = rng.normal();
  return a;
}

describe('symmetricEigen', () => {
  it.each([1, 2, 3, 7, 40, 120])('random symmetric m=%i: A·v = λ·v to 1e-12·m, V orthogonal, values descending, Σλ = trace', (m) => {
    const a = randomSymmetric(new Rng(50 + m), m);
    const r = check(a, m);
    expect(r.residual).toBeLessThan(1e-12 * m);
    expect(r.orthogonality).toBeLessThan(1e-12 * m);
    expect(r.descending).toBe(true);
    let trace = 0;
    for (let i = 0; i < m; i++) trace += a[i * m + i];
    expectClose(
      r.values.reduce((s, v) => s + v, 0),
      trace,
      1e-12 * m * m,
    );
  });

  it('known spectrum 9, 4, 4, 4, 1, 0.5, 0, 0 (repeated and zero values): the values to 1e-12, the 9- and 1-vectors to ±1e-12', () => {
    const spectrum = [9, 4, 4, 4, 1, 0.5, 0, 0];
    const { c, q } = withSpectrum(spectrum, new Rng(61));
    const r = check(c, 8);
    spectrum.forEach((v, i) => expectClose(r.values[i], v, 1e-12));
    expect(r.residual).toBeLessThan(1e-12);
    expect(r.orthogonality).toBeLessThan(1e-12);
    for (const [row, want] of [
      [0, 0],
      [4, 4],
    ]) {
      let cos = 0;
      for (let k = 0; k < 8; k++) cos += r.vectors[row * 8 + k] * q[want * 8 + k];
      expectClose(Math.abs(cos), 1, 1e-12);
    }
  });

  it('already diagonal, zero, and block-diagonal matrices (reflectors with nothing to zero): exact pairs', () => {
    const diag = Float64Array.from([3, 0, 0, 0, -1, 0, 0, 0, 2]);
    const d = check(diag, 3);
    expect(Array.from(d.values)).toEqual([3, 2, -1]);
    expect(Array.from(d.vectors.subarray(3, 6)).map(Math.abs)).toEqual([0, 0, 1]);
    const zero = check(new Float64Array(16), 4);
    expect(Array.from(zero.values)).toEqual([0, 0, 0, 0]);
    expect(zero.orthogonality).toBe(0);
    // Two 2×2 blocks: the first column already has its zeros below the sub-diagonal.
    const blocks = Float64Array.from([2, 1, 0, 0, 1, 2, 0, 0, 0, 0, 5, 2, 0, 0, 2, 5]);
    const b = check(blocks, 4);
    [7, 3, 3, 1].forEach((v, i) => expectClose(b.values[i], v, 1e-14));
    expect(b.residual).toBeLessThan(1e-14);
    expect(b.orthogonality).toBeLessThan(1e-14);
  });

  it('graded spectrum 1 … 1e-12 (m=30): small eigenvalues to 1e-12 absolute, the vectors still orthogonal', () => {
    const spectrum = Array.from({ length: 30 }, (_, i) => 10 ** (-12 * (i / 29)));
    const { c } = withSpectrum(spectrum, new Rng(62));
    const r = check(c, 30);
    spectrum.forEach((v, i) => expectClose(r.values[i], v, 1e-14 * 30));
    expect(r.residual).toBeLessThan(1e-14 * 30);
    expect(r.orthogonality).toBeLessThan(1e-13);
  });
});
