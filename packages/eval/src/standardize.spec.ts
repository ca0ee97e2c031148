import { Rng } from '@infomax/engine';
import { ConfigError, NonFiniteError, ShapeError } from './errors';
import { STD_FLOOR, standardize } from './standardize';
import { expectClose, gaussian } from './test-utils/helpers';

function columnStats(x: Float32Array, dim: number, j: number): { mean: number; std: number } {
  const n = x.length / dim;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i * dim + j];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i * dim + j] - mean) ** 2;
  return { mean, std: Math.sqrt(v / n) };
}

describe('standardize', () => {
  const dim = 5;
  const rng = new Rng(3);
  // Columns with different offsets and scales, one of them constant.
  const shift = (x: Float32Array) => x.map((v, i) => (i % dim === 4 ? 7 : v * (1 + (i % dim) * 10) + (i % dim) * 100));
  const train = shift(gaussian(rng, 300, dim));
  const test = shift(gaussian(rng, 50, dim));

  it('n=300 dim=5: every training column has mean 0 and std 1; a constant column becomes 0', () => {
    const out = standardize(train, test, dim);
    for (let j = 0; j < 4; j++) {
      const { mean, std } = columnStats(out.train, dim, j);
      expectClose(mean, 0, 1e-5);
      expectClose(std, 1, 1e-5);
    }
    expect(out.std[4]).toBe(STD_FLOOR);
    for (let i = 4; i < out.train.length; i += dim) expect(out.train[i]).toBe(0);
  });

  it('the test split is scaled with the training statistics, not its own', () => {
    const out = standardize(train, test, dim);
    for (let j = 0; j < dim; j++) {
      const { mean, std } = columnStats(train, dim, j);
      expectClose(out.mean[j], mean, 1e-9 * Math.max(1, Math.abs(mean)));
      if (j < 4) expectClose(out.std[j], std, 1e-9 * std);
      for (let i = 0; i < 50; i++) {
        const expected = (test[i * dim + j] - out.mean[j]) / out.std[j];
        expectClose(out.test[i * dim + j], expected, 1e-5 * Math.max(1, Math.abs(expected)));
      }
    }
  });

  it('leaves its inputs unchanged', () => {
    const before = Float32Array.from(train);
    standardize(train, test, dim);
    expect(train).toEqual(before);
  });

  it('rejects a dim that does not divide the length, and a zero dim', () => {
    expect(() => standardize(new Float32Array(7), new Float32Array(0), 3)).toThrow(ShapeError);
    expect(() => standardize(new Float32Array(6), new Float32Array(4), 3)).toThrow(/standardize: test/);
    expect(() => standardize(new Float32Array(6), new Float32Array(0), 0)).toThrow(ConfigError);
  });

  it('rejects NaN and ±Infinity, naming the row and column', () => {
    const bad = Float32Array.from([1, 2, 3, 4, NaN, 6]);
    expect(() => standardize(bad, new Float32Array(0), 3)).toThrow(NonFiniteError);
    expect(() => standardize(bad, new Float32Array(0), 3)).toThrow(/standardize: train must be finite, got NaN at row 1, column 1/);
    expect(() => standardize(new Float32Array(3), Float32Array.from([0, Infinity, 0]), 3)).toThrow(/standardize: test/);
  });
});
