/**
 * Command-line flag values through the schema kit, keyed by flag name, so an error
 * names the flag as it is typed (`'probe-epochs': expected an integer in 1..100000, got 0`).
 */
import type { z } from 'zod';
import { object, parseConfig, type Infer } from '@infomax/engine';
import { ConfigError } from '../errors';

/**
 * Validates the flags a shape names and fills in their defaults.
 * @param shape flag name (kebab-case, as typed) → kit field
 * @param opts commander's parsed options (camelCase keys); others are ignored
 * @returns the values by flag name
 * @throws ConfigError naming the flag
 * @example
 * parseFlags({ steps: optional(int(1), 600) }, { steps: 0 }); // throws config 'steps': expected an integer in 1..∞, got 0
 */
export function parseFlags<T extends z.ZodRawShape>(shape: T, opts: Record<string, unknown>): Infer<z.ZodObject<T>> {
  const byFlag = Object.fromEntries(
    Object.keys(shape).map((flag) => [flag, opts[flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())]]),
  );
  return parseConfig(object(shape), byFlag, (at, message) => new ConfigError(at, message));
}
