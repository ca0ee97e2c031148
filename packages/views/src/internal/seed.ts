import { Rng } from '@infomax/engine';
import { ConfigError } from '../errors';

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
  throw new ConfigError(`${fn}: option 'rng' must be an Rng from @infomax/engine or a finite seed number; got ${String(value)}`);
}
