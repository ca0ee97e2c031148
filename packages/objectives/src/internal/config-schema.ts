/**
 * Objective configs through the engine's schema kit: one message style,
 * `buildObjective: config key '<key.path>': expected <what>, got <value>`, thrown as
 * ConfigError, and the fields several objectives share.
 */
import {
  finite,
  int,
  list,
  nullish,
  object,
  oneOf,
  parseConfig,
  reject,
  showValue,
  type CheckContext,
  type Infer,
  type Schema,
} from '@infomax/engine';
import { ConfigError } from '../errors';
import { ESTIMATOR_KINDS, type EstimatorKind } from '../estimator';

/**
 * The error of a bad objective config.
 * @param path the key path (`prior.hidden[1]`; `''` for the config itself)
 * @param message `expected <what>, got <value>` or the kit's unknown-key message
 */
export function objectiveConfigError(path: string, message: string): ConfigError {
  const whole = path === '' ? `buildObjective: config: ${message}` : `buildObjective: config key '${path}': ${message}`;
  return new ConfigError(whole, { path, problem: message });
}

/**
 * Validates an objective config with `schema` and fills in its defaults.
 * @throws ConfigError naming the key path of the first unknown key or bad value
 */
export function parseObjectiveConfig<S extends Schema>(schema: S, raw: unknown): Infer<S> {
  return parseConfig(schema, raw, objectiveConfigError);
}

/**
 * Builds a part another package validates (an encoder), its ConfigError reported under `path`.
 * @param path the part's key path (`encoder`)
 * @param what what the key expects (`a valid encoder config`)
 * @param given the part as the config gave it (shown in the message)
 * @throws ConfigError `config key '<path>': expected <what>, got <given> (<the package's message>)`
 */
export function buildPart<T>(path: string, what: string, given: unknown, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof ConfigError) throw objectiveConfigError(path, `expected ${what}, got ${showValue(given)} (${err.message})`);
    throw err;
  }
}

/**
 * A part's config (`{ kind, ...options }`) whose other options its package checks when it
 * is built, less the keys the objective sets from its own.
 * @param kinds the kinds the part may be
 * @param owned keys the objective sets (`inputShape`, `seed`): refused here
 * @param what the expected text of the part
 */
export function ownedPart<const K extends readonly [string, ...string[]]>(kinds: K, owned: readonly string[], what: string) {
  return object({ kind: oneOf(kinds) }, { loose: true, what }).transform((part, ctx) => {
    const key = owned.find((k) => part[k] !== undefined);
    return key === undefined ? part : reject(ctx, [key], `no ${key} (the objective sets it from its top-level '${key}')`, part[key]);
  });
}

/** `inputShape`: the image shape `[height, width, channels]`. Required. */
export const inputShapeField = () => list(int(1), { length: 3, what: '[height, width, channels] of positive integers' });

/** `seed` of every initialisation. Default 0. */
export const seedField = () => nullish(finite(), 0);

/** Layer sizes (positive integers). */
export const sizesField = (fallback: number[]) => nullish(list(int(1)), fallback);

/** `temperature` τ > 0. */
export const temperatureField = (fallback: number) => nullish(finite({ above: 0 }), fallback);

/** `estimator`: one of `kinds` (default every estimator). */
export const estimatorField = (fallback: EstimatorKind, kinds: readonly EstimatorKind[] = ESTIMATOR_KINDS) =>
  nullish(oneOf(kinds as unknown as readonly [EstimatorKind, ...EstimatorKind[]]), fallback);

/**
 * Rejects `estimator` when it is not one of `kinds`, which `why` needs.
 * @returns false after reporting, true when it is one
 */
export function estimatorIn(ctx: CheckContext, estimator: EstimatorKind, kinds: readonly EstimatorKind[], why: string): boolean {
  if (kinds.includes(estimator)) return true;
  reject(ctx, ['estimator'], `one of ${kinds.join(', ')} ${why}`, estimator);
  return false;
}
