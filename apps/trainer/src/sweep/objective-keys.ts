/**
 * Unknown keys inside `objective.*` axes, found before any cell runs. The trainer checks
 * the objective section only when it builds the objective (after loading the data, whose
 * image shape it needs); here each distinct objective of the grid is built once on a
 * stand-in shape. Only an unknown-key error about an axis counts: which keys exist does
 * not depend on the shape, while other errors (a crop larger than the stand-in image)
 * may, and are left to the run.
 */
import { initEngine } from '@infomax/engine';
import { buildObjective } from '@infomax/objectives';
import { ConfigError } from '../errors';
import { canonicalJson } from '../internal/checkpoint-format';
import type { Raw } from '../internal/key-paths';
import type { Cell } from './grid';

/** 32×32 RGB: every objective kind and view builds on it with its defaults. */
const STAND_IN_SHAPE = [32, 32, 3];

/**
 * Builds each distinct objective of `cells` on the wasm backend, as the trainer would (disposed at once).
 * @param cells the sweep's cells
 * @param axes the sweep's axis key paths
 * @throws ConfigError naming `axes.objective.<key>` when the objective has no such key
 * @example
 * await checkObjectiveKeys(cells, ['objective.estimatr']); // throws: config 'axes.objective.estimatr': …unknown key…
 */
export async function checkObjectiveKeys(cells: readonly Cell[], axes: readonly string[]): Promise<void> {
  await initEngine({ backend: 'wasm', log: null });
  const seen = new Set<string>();
  for (const cell of cells) {
    const objective = { kind: 'dim', ...((cell.config.objective ?? {}) as Raw) };
    const key = canonicalJson(objective);
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      buildObjective({ ...objective, inputShape: STAND_IN_SHAPE, seed: 0 }).dispose();
    } catch (e) {
      const message = (e as Error).message;
      const axis = axes.find((p) => p.startsWith('objective.') && unknownKey(message, p.slice('objective.'.length)));
      if (axis !== undefined) throw new ConfigError(`axes.${axis}`, `the objective has no such key: ${message}`);
    }
  }
}

/**
 * Whether an objective's error says `key` (a path inside it, `encoder.filters`) is unknown:
 * the objectives' schema says "config key 'estimatr': unknown key", the encoders'
 * "config key 'encoder': … (buildEncoder: option 'filtrs': unknown key".
 */
function unknownKey(message: string, key: string): boolean {
  const parts = key.split('.');
  const parent = parts.slice(0, -1).join('.');
  return (
    message.includes(`config key '${key}': unknown key`) ||
    (parent !== '' && message.includes(`config key '${parent}'`) && message.includes(`option '${parts[parts.length - 1]}': unknown key`))
  );
}
