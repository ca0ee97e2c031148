import { Rng, type Infer, type Schema } from '@infomax/engine';
import { optionError, parseOptions } from '../errors';

/** What a randomised view accepts: a generator it draws from, or a seed for a fresh one. */
export type SeedOrRng = Rng | number;

/**
 * A generator for one call. A number gives a fresh `Rng(seed)` each time, so a fixed
 * seed repeats the same augmentation; an `Rng` is drawn from and advances, so
 * successive calls differ while the whole run stays reproducible.
 */
export function resolveRng(fn: string, value: unknown): Rng {
  if (value instanceof Rng) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Rng(value);
  throw optionError(fn, 'rng', 'an Rng from @infomax/engine or a finite seed number', value);
}

/**
 * The options of a randomised view: its generator (not a config value, so not in the
 * schema) and the other options as `schema` resolves them.
 * @throws ConfigError for a bad `rng`, then for the first bad option (see `parseOptions`)
 */
export function randomOptions<S extends Schema>(fn: string, schema: S, options: unknown): { rng: Rng; resolved: Infer<S> } {
  const { rng, ...rest } = (options ?? {}) as { rng?: unknown };
  return { rng: resolveRng(fn, rng), resolved: parseOptions(fn, schema, rest) };
}
