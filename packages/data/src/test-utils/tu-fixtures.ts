/**
 * TU-format fixtures for specs: a small hand-checked dataset written as text files,
 * and where the shipped benchmark datasets are (`INFOMAX_TU_DIR`, else the first
 * `shared/datasets/tu` above the working folder).
 */
import { existsSync, mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';

/**
 * Three graphs: a path 1–2–3 (class 1), an edge 4–5 (class −1), a lone node 6 (class 1).
 * Undirected edges listed both ways, as TU files do.
 */
export const SMALL_TU: Record<string, string> = {
  A: '1, 2\n2, 1\n2, 3\n3, 2\n4, 5\n5, 4\n',
  graph_indicator: '1\n1\n1\n2\n2\n3\n',
  graph_labels: '1\n-1\n1\n',
  node_labels: '0\n1\n0\n2\n2\n1\n',
  edge_labels: '0\n0\n1\n1\n2\n2\n',
};

/** Writes `files` (suffix → text) as `<dir>/<name>_<suffix>.txt`; returns `dir`. */
export function writeTu(dir: string, name: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [suffix, text] of Object.entries(files)) writeFileSync(path.join(dir, `${name}_${suffix}.txt`), text);
  return dir;
}

/** The folder of the shipped TU datasets, or undefined when there is none. */
export function findTuDatasets(): string | undefined {
  if (process.env.INFOMAX_TU_DIR) return process.env.INFOMAX_TU_DIR;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'datasets', 'tu');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}
