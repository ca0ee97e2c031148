/**
 * Encoder options through the engine's schema kit: one message style,
 * `<fn>: option '<key.path>': expected <what>, got <value>`, thrown as ConfigError.
 */
import { int, list, optionFailure, parseConfig, type Infer, type Schema } from '@infomax/engine';
import { ConfigError } from '../errors';

/**
 * Validates `options` with `schema` and fills in its defaults.
 * @param fn the function whose options these are (named in the message)
 * @param at key path of these options inside the caller's (`['encoder']` for a patch encoder's inner encoder)
 * @throws ConfigError naming `fn` and the option's key path
 */
export function parseOptions<S extends Schema>(fn: string, schema: S, options: unknown, at: string[] = []): Infer<S> {
  return parseConfig(
    schema,
    options,
    optionFailure(fn, (m) => new ConfigError(m), at),
  );
}

/** A positive integer passed as a positional argument (the message says "argument"). */
export function positiveIntArgument(fn: string, argument: string, value: unknown): number {
  return parseConfig(int(1), value, (_, message) => new ConfigError(`${fn}: argument ${argument}: ${message}`));
}

/** An image shape `[height, width, channels]` of positive integers. */
export const imageShape = () => list(int(1), { length: 3, what: '[height, width, channels] of positive integers' });
