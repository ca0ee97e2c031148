/** A jest check that a raw config is refused with a ConfigError naming the key path. */
import { resolveConfig } from '../config';
import { ConfigError } from '../errors';

/**
 * Expects `resolveConfig(raw)` to throw a ConfigError whose path is `path` (and whose message
 * names it, and matches `message` when given).
 * @example
 * rejects({ train: { steps: 0 } }, 'train.steps');
 */
export function rejects(raw: unknown, path: string, message?: RegExp): void {
  let err: unknown;
  try {
    resolveConfig(raw);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).path).toBe(path);
  expect((err as ConfigError).message).toContain(`'${path}'`);
  if (message) expect((err as ConfigError).message).toMatch(message);
}
