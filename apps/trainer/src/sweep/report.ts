/**
 * A sweep's summary, made only from its cells' recorded results (never from timings or
 * who ran them, so every runner gives the same bytes): `summary.md`, `summary.csv` and
 * `summary.json` in the sweep's folder. One row per cell (its config diff, final metrics,
 * probe accuracies) and, when the grid has seeds, one row per setting with the mean ±
 * sample standard deviation over its seeds.
 */
import * as path from 'path';
import { canonicalJson } from '../internal/checkpoint-format';
import { writeFileAtomic } from '../internal/engine-node';
import type { Sweep } from './grid';
import { readResult, type CellResult } from './result';

/** Mean and sample standard deviation (n − 1; null for one value) of each metric over a setting's seeds. */
export interface GroupSummary {
  /** The setting: axis key path → value, without `seed`. */
  diff: Record<string, unknown>;
  /** Seeds with a result. */
  n: number;
  mean: Record<string, number>;
  std: Record<string, number | null>;
}

/** What {@link writeSummary} wrote. */
export interface SweepSummary {
  /** The three files. */
  files: string[];
  /** `summary.md`'s text. */
  markdown: string;
  /** Cells with a result, of all cells. */
  done: number;
  total: number;
}

/**
 * Mean and sample standard deviation of `values`.
 * @example
 * meanStd([1, 2, 3]); // { mean: 2, std: 1 }
 */
export function meanStd(values: readonly number[]): { mean: number; std: number | null } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, std: null };
  const sq = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: Math.sqrt(sq / (values.length - 1)) };
}

/**
 * Reads every cell's result and writes the summary files (cells without a result show `—`).
 * @example
 * const { markdown } = await writeSummary(await readSweep('grid.yaml'));
 */
export async function writeSummary(sweep: Sweep): Promise<SweepSummary> {
  const results = await Promise.all(sweep.cells.map((c) => readResult(path.join(sweep.dir, c.id))));
  const columns = metricColumns(results);
  const groups = sweep.axes.includes('seed') ? groupBySetting(sweep, results, columns) : [];
  const cells = sweep.cells.map((c, i) => {
    const r = results[i];
    return { cell: c.id, diff: c.diff, ...(r ? { step: r.step, metrics: r.metrics, evaluation: r.evaluation } : { missing: true }) };
  });
  const json = { sweep: sweep.name, axes: sweep.axes, cells, groups };
  const files = ['summary.md', 'summary.csv', 'summary.json'].map((f) => path.join(sweep.dir, f));
  const markdown = markdownOf(sweep, results, columns, groups);
  await writeFileAtomic(files[0], markdown);
  await writeFileAtomic(files[1], csvOf(sweep, results, columns));
  await writeFileAtomic(files[2], `${JSON.stringify(json, null, 2)}\n`);
  return { files, markdown, done: results.filter((r) => r !== null).length, total: sweep.cells.length };
}

/** `metrics.<key>` then `evaluation.<key>` columns, each in the order first met. */
function metricColumns(results: Array<CellResult | null>): string[] {
  const seen = new Set<string>();
  for (const part of ['metrics', 'evaluation'] as const) {
    for (const r of results) for (const k of Object.keys(r?.[part] ?? {})) seen.add(`${part}.${k}`);
  }
  return [...seen];
}

function valueOf(r: CellResult | null, column: string): number | undefined {
  const [part, key] = column.split(/\.(.*)/s) as ['metrics' | 'evaluation', string];
  return r?.[part][key];
}

function groupBySetting(sweep: Sweep, results: Array<CellResult | null>, columns: string[]): GroupSummary[] {
  const groups = new Map<string, { diff: Record<string, unknown>; rows: CellResult[] }>();
  sweep.cells.forEach((c, i) => {
    const { seed: _seed, ...diff } = c.diff;
    const key = canonicalJson(diff);
    const g = groups.get(key) ?? { diff, rows: [] };
    groups.set(key, g);
    if (results[i]) g.rows.push(results[i] as CellResult);
  });
  return [...groups.values()].map(({ diff, rows }) => {
    const mean: Record<string, number> = {};
    const std: Record<string, number | null> = {};
    for (const column of columns) {
      const values = rows.map((r) => valueOf(r, column)).filter((v): v is number => v !== undefined);
      if (values.length === 0) continue;
      const s = meanStd(values);
      mean[column] = s.mean;
      std[column] = s.std;
    }
    return { diff, n: rows.length, mean, std };
  });
}

/** Accuracies as percentages with 2 decimals, everything else with 4. */
function format(column: string, v: number | undefined): string {
  if (v === undefined) return '—';
  return /Accuracy$/.test(column) ? (100 * v).toFixed(2) : v.toFixed(4);
}

const header = (column: string) => (/Accuracy$/.test(column) ? `${column.split('.')[1]} %` : column.split('.')[1]);
const shown = (v: unknown) => (typeof v === 'string' ? v : canonicalJson(v));
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

function markdownOf(sweep: Sweep, results: Array<CellResult | null>, columns: string[], groups: GroupSummary[]): string {
  const lines = [`# Sweep ${sweep.name}`, '', `${results.filter((r) => r).length} of ${sweep.cells.length} cells done.`, ''];
  lines.push(row(['cell', ...sweep.axes, 'step', ...columns.map(header)]));
  lines.push(row(Array(sweep.axes.length + columns.length + 2).fill('---')));
  sweep.cells.forEach((c, i) => {
    const r = results[i];
    lines.push(
      row([c.id, ...sweep.axes.map((a) => shown(c.diff[a])), r ? String(r.step) : '—', ...columns.map((k) => format(k, valueOf(r, k)))]),
    );
  });
  if (groups.length > 0) {
    const axes = sweep.axes.filter((a) => a !== 'seed');
    lines.push('', 'Mean ± sample standard deviation over seeds:', '');
    lines.push(row([...axes, 'seeds', ...columns.map(header)]));
    lines.push(row(Array(axes.length + columns.length + 1).fill('---')));
    for (const g of groups) {
      const stat = (k: string) =>
        g.mean[k] === undefined ? '—' : `${format(k, g.mean[k])}${g.std[k] === null ? '' : ` ± ${format(k, g.std[k] as number)}`}`;
      lines.push(row([...axes.map((a) => shown(g.diff[a])), String(g.n), ...columns.map(stat)]));
    }
  }
  return `${lines.join('\n')}\n`;
}

function csvOf(sweep: Sweep, results: Array<CellResult | null>, columns: string[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [['cell', ...sweep.axes, 'step', ...columns].map(quote).join(',')];
  sweep.cells.forEach((c, i) => {
    const r = results[i];
    const values = columns.map((k) => valueOf(r, k)).map((v) => (v === undefined ? '' : String(v)));
    lines.push([c.id, ...sweep.axes.map((a) => shown(c.diff[a])), r ? String(r.step) : '', ...values].map(quote).join(','));
  });
  return `${lines.join('\n')}\n`;
}
