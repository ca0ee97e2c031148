/**
 * Exact information quantities of discrete distributions (plain numbers, float64):
 * the references the neural estimators are checked against.
 */
import { ConfigError, ShapeError } from '../errors';

/** Options of the discrete references. */
export interface LogBaseOptions {
  /** Base of the logarithm: `Math.E` (nats, default) or 2 (bits), any number > 1. */
  base?: number;
}

/**
 * Exact mutual information of a discrete joint distribution.
 *
 * @param table [nx][ny] joint probabilities or counts (normalised here), all ≥ 0, sum > 0.
 * @param options see {@link LogBaseOptions}.
 * @returns Σ p(x,y) · log(p(x,y) / (p(x)p(y))), in nats unless `base` says otherwise.
 * @throws ShapeError for a ragged or empty table; ConfigError for negative or non-finite
 *   entries, an all-zero table or a bad base.
 * @example
 * discreteMi([[0.5, 0], [0, 0.5]], { base: 2 }); // 1 bit
 */
export function discreteMi(table: ReadonlyArray<ArrayLike<number>>, options: LogBaseOptions = {}): number {
  const logBase = resolveLogBase('discreteMi', options);
  const nx = table.length;
  const ny = nx > 0 ? table[0].length : 0;
  if (nx === 0 || ny === 0 || table.some((row) => row.length !== ny)) {
    throw new ShapeError(
      `discreteMi: 'table' must be a non-empty rectangular [nx][ny] array, got rows of lengths [${table.map((r) => r.length)}]`,
    );
  }
  const px = new Float64Array(nx);
  const py = new Float64Array(ny);
  let total = 0;
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const v = table[i][j];
      if (!Number.isFinite(v) || v < 0) {
        throw new ConfigError(`discreteMi: 'table' entries must be finite and ≥ 0, got ${v} at [${i}][${j}]`);
      }
      px[i] += v;
      py[j] += v;
      total += v;
    }
  }
  if (total <= 0) throw new ConfigError(`discreteMi: 'table' must have a positive sum, got ${total}`);
  let mi = 0;
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const p = table[i][j] / total;
      // 0·log 0 = 0: cells with no mass contribute nothing.
      if (p > 0) mi += p * Math.log((p * total * total) / (px[i] * py[j]));
    }
  }
  return Math.max(0, mi) / logBase;
}

/**
 * Kullback–Leibler divergence KL(p ‖ q) of two discrete distributions.
 *
 * @param p probabilities or counts (normalised here).
 * @param q probabilities or counts, same length.
 * @param options see {@link LogBaseOptions}.
 * @returns Σ p log(p/q); Infinity when q = 0 somewhere p > 0.
 * @throws ShapeError for different lengths or empty arrays; ConfigError for negative,
 *   non-finite or all-zero entries, or a bad base.
 * @example
 * klDivergence([0.5, 0.5], [0.25, 0.75]); // 0.1438 nats
 */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>, options: LogBaseOptions = {}): number {
  const logBase = resolveLogBase('klDivergence', options);
  const [pn, qn] = normalisePair('klDivergence', p, q);
  let kl = 0;
  for (let i = 0; i < pn.length; i++) {
    if (pn[i] === 0) continue;
    if (qn[i] === 0) return Infinity;
    kl += pn[i] * Math.log(pn[i] / qn[i]);
  }
  return Math.max(0, kl) / logBase;
}

/**
 * Jensen–Shannon divergence: ½·KL(p ‖ m) + ½·KL(q ‖ m), m = (p + q)/2. Symmetric,
 * 0 ≤ JSD ≤ log 2 (1 bit in base 2).
 *
 * Lin 1991, "Divergence measures based on the Shannon entropy", https://doi.org/10.1109/18.61115
 *
 * @param p probabilities or counts (normalised here).
 * @param q probabilities or counts, same length.
 * @param options see {@link LogBaseOptions}.
 * @returns the divergence, in nats unless `base` says otherwise.
 * @throws as {@link klDivergence}.
 * @example
 * jsDivergence([1, 0], [0, 1], { base: 2 }); // 1
 */
export function jsDivergence(p: ArrayLike<number>, q: ArrayLike<number>, options: LogBaseOptions = {}): number {
  const logBase = resolveLogBase('jsDivergence', options);
  const [pn, qn] = normalisePair('jsDivergence', p, q);
  let js = 0;
  for (let i = 0; i < pn.length; i++) {
    const m = (pn[i] + qn[i]) / 2;
    if (pn[i] > 0) js += 0.5 * pn[i] * Math.log(pn[i] / m);
    if (qn[i] > 0) js += 0.5 * qn[i] * Math.log(qn[i] / m);
  }
  // Rounding can land a hair outside [0, log 2]; the true value cannot.
  return Math.min(Math.LN2, Math.max(0, js)) / logBase;
}

function resolveLogBase(fn: string, options: LogBaseOptions): number {
  const base = options.base ?? Math.E;
  if (typeof base !== 'number' || !Number.isFinite(base) || base <= 1) {
    throw new ConfigError(`${fn}: option 'base' must be a finite number > 1, got ${String(base)}`);
  }
  return Math.log(base);
}

function normalisePair(fn: string, p: ArrayLike<number>, q: ArrayLike<number>): [Float64Array, Float64Array] {
  if (p.length === 0 || p.length !== q.length) {
    throw new ShapeError(`${fn}: 'p' and 'q' must be non-empty and of the same length, got ${p.length} and ${q.length}`);
  }
  return [normalise(fn, 'p', p), normalise(fn, 'q', q)];
}

function normalise(fn: string, name: string, v: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]) || v[i] < 0) {
      throw new ConfigError(`${fn}: '${name}' entries must be finite and ≥ 0, got ${v[i]} at [${i}]`);
    }
    total += v[i];
  }
  if (total <= 0) throw new ConfigError(`${fn}: '${name}' must have a positive sum, got ${total}`);
  return Float64Array.from(v, (x) => x / total);
}
