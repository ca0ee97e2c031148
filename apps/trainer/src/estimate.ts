/**
 * `infomax estimate`: MI estimation outside of training — the Gaussian staircase
 * (known MI, Poole et al. 2019) and the MI between columns of a CSV file.
 */
import { promises as fsp } from 'fs';
import { Rng } from '@infomax/engine';
import { correlatedGaussian, gaussianMi, ksgMi, rhoForMi } from '@infomax/estimators';
import { ConfigError } from './errors';
import { DatasetError } from '@infomax/data';
import { fitCritic, type EstimateBound, type EstimateCritic, type PairBatch } from './internal/critic-fit';

/** Options of {@link estimateGaussian}. */
export interface GaussianEstimateOptions {
  /** Dimension d of X and Y. Default 5. */
  dim: number;
  /** True MI levels in nats. Default [1, 2, 4]. */
  levels: number[];
  /** Bounds to compare. Default dv, nwj, infonce. */
  bounds: EstimateBound[];
  critic: EstimateCritic;
  /** Training steps per (bound, level). Default 600. */
  steps: number;
  /** Pairs per batch. Default 64. */
  batchSize: number;
  learningRate: number;
  seed: number;
}

/** One row of the staircase. */
export interface GaussianRow {
  bound: EstimateBound;
  /** True MI, nats. */
  truth: number;
  /** Mean estimate over the last quarter of training, nats. */
  estimate: number;
  /** Standard deviation of those estimates. */
  std: number;
}

/**
 * Trains a critic per bound and MI level on correlated Gaussians (X, Y ∈ R^d with
 * I(X;Y) known in closed form) and reports the estimate beside the truth.
 * Poole et al. 2019, "On variational bounds of mutual information", https://arxiv.org/abs/1905.06922
 * @example
 * const rows = await estimateGaussian({ dim: 10, levels: [2, 4], bounds: ['nwj'], critic: 'separable', steps: 300, batchSize: 64, learningRate: 5e-4, seed: 0 });
 */
export async function estimateGaussian(o: GaussianEstimateOptions, onRow?: (r: GaussianRow) => void): Promise<GaussianRow[]> {
  const rows: GaussianRow[] = [];
  for (const b of o.bounds) {
    for (const level of o.levels) {
      const rho = rhoForMi(level, o.dim);
      const rng = new Rng(o.seed);
      const sample = (r: Rng): PairBatch => {
        const s = correlatedGaussian(r, o.batchSize, o.dim, rho);
        return { x: Float32Array.from(s.x), y: Float32Array.from(s.y), size: o.batchSize };
      };
      const fit = await fitCritic({
        dx: o.dim,
        dy: o.dim,
        bound: b,
        critic: o.critic,
        steps: o.steps,
        learningRate: o.learningRate,
        seed: o.seed,
        sample,
        rng,
      });
      fit.dispose();
      const tail = fit.trace.slice(Math.floor((fit.trace.length * 3) / 4));
      const mean = tail.reduce((a, v) => a + v, 0) / tail.length;
      const std = Math.sqrt(tail.reduce((a, v) => a + (v - mean) ** 2, 0) / tail.length);
      const row = { bound: b, truth: gaussianMi(rho, o.dim), estimate: mean, std };
      rows.push(row);
      onRow?.(row);
    }
  }
  return rows;
}

/** A numeric table read from CSV. */
export interface CsvTable {
  header: string[];
  /** `[rows, columns]` row-major. */
  values: Float64Array;
  rows: number;
}

/**
 * Reads a CSV with a header row; every used cell must be a number.
 * @throws DatasetError when the file is missing, empty or has a non-numeric cell
 * @example
 * const t = await readCsv('pairs.csv');
 */
export async function readCsv(file: string): Promise<CsvTable> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new DatasetError('missing', `estimate csv: cannot read '${file}': ${(e as Error).message}`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 3)
    throw new DatasetError('empty', `estimate csv: '${file}' needs a header row and at least 2 data rows, has ${lines.length} lines`);
  const header = lines[0].split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const values = new Float64Array((lines.length - 1) * header.length);
  lines.slice(1).forEach((line, r) => {
    const cells = line.split(',');
    if (cells.length !== header.length)
      throw new DatasetError(
        'wrong-length',
        `estimate csv: '${file}' line ${r + 2} has ${cells.length} cells, the header ${header.length}`,
      );
    cells.forEach((c, j) => {
      const v = Number(c.trim());
      if (!Number.isFinite(v))
        throw new DatasetError(
          'wrong-length',
          `estimate csv: '${file}' line ${r + 2}, column '${header[j]}': '${c.trim()}' is not a number`,
        );
      values[r * header.length + j] = v;
    });
  });
  return { header, values, rows: lines.length - 1 };
}

/** Options of {@link estimateCsv}. */
export interface CsvEstimateOptions {
  /** Column names (or 0-based indices) of X. */
  x: string[];
  /** Column names (or 0-based indices) of Y. */
  y: string[];
  bound: EstimateBound;
  critic: EstimateCritic;
  steps: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

/** What {@link estimateCsv} returns. */
export interface CsvEstimate {
  rows: number;
  /** Mean bound estimate over every full batch of the file after training, nats. */
  estimate: number;
  /** KSG k=3 reference (n ≤ 5000 rows), nats. */
  ksg: number | null;
}

function columns(table: CsvTable, names: string[], flag: string): number[] {
  return names.map((n) => {
    const byName = table.header.indexOf(n);
    if (byName >= 0) return byName;
    const i = Number(n);
    if (Number.isInteger(i) && i >= 0 && i < table.header.length) return i;
    throw new ConfigError(flag, `no column '${n}'; the header has ${table.header.join(', ')}`);
  });
}

/**
 * Estimates I(X; Y) between column groups of a table: columns standardised, a critic trained with the bound on random minibatches.
 * @throws ConfigError for unknown columns or a batch larger than the table
 * @example
 * await estimateCsv(await readCsv('pairs.csv'), { x: ['a'], y: ['b'], bound: 'nwj', critic: 'separable', steps: 500, batchSize: 128, learningRate: 5e-4, seed: 0 });
 */
export async function estimateCsv(table: CsvTable, o: CsvEstimateOptions): Promise<CsvEstimate> {
  const xi = columns(table, o.x, 'x');
  const yi = columns(table, o.y, 'y');
  const n = table.rows;
  if (o.batchSize > n) throw new ConfigError('batch', `batch size ${o.batchSize} exceeds the ${n} rows of the file`);
  const pick = (cols: number[]): Float32Array => {
    const out = new Float32Array(n * cols.length);
    cols.forEach((c, j) => {
      let mean = 0;
      for (let r = 0; r < n; r++) mean += table.values[r * table.header.length + c] / n;
      let v = 0;
      for (let r = 0; r < n; r++) v += (table.values[r * table.header.length + c] - mean) ** 2 / n;
      const sd = Math.sqrt(v) || 1;
      for (let r = 0; r < n; r++) out[r * cols.length + j] = (table.values[r * table.header.length + c] - mean) / sd;
    });
    return out;
  };
  const X = pick(xi);
  const Y = pick(yi);
  const dx = xi.length;
  const dy = yi.length;
  const rows = (idx: ArrayLike<number>): PairBatch => {
    const x = new Float32Array(idx.length * dx);
    const y = new Float32Array(idx.length * dy);
    for (let i = 0; i < idx.length; i++) {
      x.set(X.subarray(idx[i] * dx, (idx[i] + 1) * dx), i * dx);
      y.set(Y.subarray(idx[i] * dy, (idx[i] + 1) * dy), i * dy);
    }
    return { x, y, size: idx.length };
  };
  const rng = new Rng(o.seed);
  const fit = await fitCritic({
    dx,
    dy,
    bound: o.bound,
    critic: o.critic,
    steps: o.steps,
    learningRate: o.learningRate,
    seed: o.seed,
    rng,
    sample: (r) => rows(r.permutation(n).subarray(0, o.batchSize)),
  });
  try {
    const order = rng.permutation(n);
    let sum = 0;
    const batches = Math.floor(n / o.batchSize);
    for (let b = 0; b < batches; b++) sum += await fit.estimate(rows(order.subarray(b * o.batchSize, (b + 1) * o.batchSize)));
    return { rows: n, estimate: sum / batches, ksg: n <= 5000 ? ksgMi(X, Y, { n }) : null };
  } finally {
    fit.dispose();
  }
}
