/**
 * A sweep file: a base run config and axes (config key paths → lists of values, seeds),
 * expanded into one cell per combination. Each cell is a normal run config whose `out`
 * is `<out>/<name>/<cell id>`; its id is made from its config diff, so the same grid
 * always names the same folders.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { readConfigFile, resolveConfig } from '../config';
import { ConfigError } from '../errors';
import { canonicalJson } from '../internal/checkpoint-format';
import { z } from 'zod';
import { list, object, optional, parseConfig, reject, text } from '@infomax/engine';
import { setPath, type Raw } from '../internal/key-paths';
import { checkObjectiveKeys } from './objective-keys';

/** One run of a sweep: its id, what it changes from the base config, and the whole config. */
export interface Cell {
  /** Folder name inside the sweep's folder, e.g. `estimator-jsd_learningRate-0.001_seed-0`. */
  id: string;
  /** Axis key path → this cell's value, in axis order; `seed` last. */
  diff: Record<string, unknown>;
  /** The run config (base with the diff applied, `out` set to the cell's folder). */
  config: Raw;
}

/** An expanded sweep. */
export interface Sweep {
  /** Its name (`name:` of the file, else the file's name without extension). */
  name: string;
  /** Its folder, `<out>/<name>`, absolute: every cell's run folder is inside. */
  dir: string;
  /** Axis key paths in order (`seed` last when the file lists seeds). */
  axes: string[];
  /** Every combination, the first axis varying slowest. */
  cells: Cell[];
}

/** Characters a sweep name may hold (it names a folder and a queue job). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** A value written into a cell id as it is (else a short hash of it stands in). */
const PLAIN = /^[A-Za-z0-9.+-]{1,32}$/;

const sweepName = text().regex(NAME, { error: "letters, digits, '.', '_' or '-' (it names a folder and queue jobs)" });
const values = () => list(z.unknown(), { min: 1, what: 'a list of at least one value' });

/** A sweep file's keys; `name` defaults to the file's name. */
const sweepSchema = object({
  name: sweepName.optional(),
  out: optional(text(), 'runs'),
  base: z.union([text(), object({}, { loose: true })], { error: 'a run config file name or an inline run config' }).optional(),
  axes: optional(
    z.record(z.string(), values(), {
      error: "an object mapping config key paths to lists of values, e.g. 'train.learningRate: [1.0e-4, 1.0e-3]'",
    }),
    {},
  ),
  seeds: values().optional(),
}).transform((top, ctx) => {
  const axes = Object.entries(top.axes);
  if (top.seeds !== undefined) {
    if (top.axes.seed !== undefined) return reject(ctx, ['seeds'], "no 'seed' axis beside it (give the seeds once)", top.seeds);
    axes.push(['seed', top.seeds]);
  }
  if (top.axes.out !== undefined)
    return reject(ctx, ['axes', 'out'], "an axis other than 'out' (each cell's run folder is <out>/<name>/<cell>)", top.axes.out);
  for (const [p, vs] of axes) {
    const keys = vs.map((v) => canonicalJson(v));
    const twice = keys.find((k, i) => keys.indexOf(k) !== i);
    if (twice !== undefined) return reject(ctx, ['axes', p], `each value once (${twice} is listed twice)`, vs);
  }
  return { ...top, axes };
});

/**
 * Reads and expands a sweep file (YAML or JSON):
 * ```yaml
 * name: lr-grid                 # default: the file's name
 * out: runs                     # the sweep's folder is <out>/<name> (default runs)
 * base: tiny.yaml               # a run config file (relative to this file) or an inline config
 * axes:
 *   train.learningRate: [1.0e-4, 1.0e-3]
 *   objective.estimator: [jsd, infonce]
 * seeds: [0, 1]                 # mean ± std over these in the report
 * ```
 * Every cell's config is checked by the trainer's schema before anything runs.
 * @param file the sweep file
 * @param outOverride replaces the file's `out` (the `--out` flag)
 * @returns the sweep, cells in grid order
 * @throws ConfigError naming `axes.<path>` for an unknown key path, an empty or repeated axis value or a bad value; naming the file's own key otherwise
 * @example
 * const sweep = await readSweep('grid.yaml'); // sweep.cells.length === 8 for 2 × 2 values and 2 seeds
 */
export async function readSweep(file: string, outOverride?: string): Promise<Sweep> {
  const raw = await readConfigFile(file);
  const top = parseConfig(sweepSchema, raw, (at, message) => new ConfigError(at, `${message} (in the sweep file '${file}')`));
  const name =
    top.name ??
    parseConfig(
      sweepName,
      path.basename(file).replace(/\.[^.]*$/, ''),
      (_, message) => new ConfigError('name', `${message}, the name of '${file}': give a name`),
    );
  const base = typeof top.base === 'string' ? await readConfigFile(path.resolve(path.dirname(file), top.base)) : (top.base ?? {});
  const axes = top.axes;
  const out = outOverride ?? top.out;
  const dir = path.resolve(out, name);
  const cells = expand(axes).map((values) => {
    const diff = Object.fromEntries(axes.map(([p], i) => [p, values[i]]));
    const id = cellId(
      axes.map(([p]) => p),
      values,
    );
    const config = structuredClone(base);
    for (const [p, v] of Object.entries(diff)) setPath(config, p, v);
    config.out = path.join(dir, id);
    return { id, diff, config };
  });
  checkCells(
    file,
    cells,
    axes.map(([p]) => p),
  );
  if (axes.some(([p]) => p.startsWith('objective.')))
    await checkObjectiveKeys(
      cells,
      axes.map(([p]) => p),
    );
  return { name, dir, axes: axes.map(([p]) => p), cells };
}

/** Every combination of the axes' values, the first axis varying slowest (one empty combination when there is no axis). */
function expand(axes: Array<[string, unknown[]]>): unknown[][] {
  return axes.reduce<unknown[][]>((combos, [, values]) => combos.flatMap((c) => values.map((v) => [...c, v])), [[]]);
}

/** `label-value` per axis joined by `_`; a label is the shortest dotted suffix of its path that no other axis shares. */
function cellId(paths: string[], values: unknown[]): string {
  if (paths.length === 0) return 'base';
  const label = (p: string) => {
    const parts = p.split('.');
    for (let n = 1; n <= parts.length; n++) {
      const tail = parts.slice(-n).join('.');
      if (paths.every((q) => q === p || !(q === tail || q.endsWith(`.${tail}`)))) return tail;
    }
    return p;
  };
  return paths.map((p, i) => `${label(p)}-${valueText(values[i])}`).join('_');
}

function valueText(v: unknown): string {
  const plain = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  return PLAIN.test(plain) ? plain : `h${createHash('sha256').update(canonicalJson(v)).digest('hex').slice(0, 8)}`;
}

/** Every cell through the trainer's schema; a bad key or value is blamed on the axis that set it. */
function checkCells(file: string, cells: Cell[], paths: string[]): void {
  const ids = new Set<string>();
  for (const cell of cells) {
    if (ids.has(cell.id))
      throw new ConfigError('axes', `in '${file}': two cells would share the folder '${cell.id}' (values that read alike, e.g. 1 and '1')`);
    ids.add(cell.id);
    try {
      resolveConfig(cell.config);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const axis = paths.find((p) => e.path === p || e.path.startsWith(`${p}.`) || p.startsWith(`${e.path}.`));
      if (axis === undefined)
        throw new ConfigError(e.path, `${e.message.replace(/^config '[^']*': /, '')} (in the base config of '${file}')`);
      throw new ConfigError(`axes.${axis}`, `in '${file}': ${e.message}`);
    }
  }
}
