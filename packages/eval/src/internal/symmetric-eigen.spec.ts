import { Rng } from '@infomax/engine';
import { expectClose, withSpectrum } from '../test-utils/helpers';
import { leadingEigenpairs } from './symmetric-eigen';

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
