/**
 * Typed errors of `@infomax/views` and the checks that raise them. The classes are
 * the engine's, so one `catch (e) { if (e instanceof ShapeError) … }` covers every
 * package; each message names the view function and the argument or option at fault,
 * what was expected and what came. Options are checked by their schemas (the engine's
 * schema kit), tensor arguments by the shape checks here.
 */
import type * as tf from '@tensorflow/tfjs';
import { ConfigError, optionFailure, parseConfig, ShapeError, showValue, type Infer, type Schema } from '@infomax/engine';

export { ConfigError, ShapeError };

/**
 * Check that `images` is a float32 batch `[batch, height, width, channels]`.
 * @throws ShapeError for any other rank or dtype.
 */
export function expectImageBatch(fn: string, arg: string, images: tf.Tensor): asserts images is tf.Tensor4D {
  if (images == null || typeof images !== 'object' || !Array.isArray(images.shape)) {
    throw new ShapeError(`${fn}: argument '${arg}' must be a tf.Tensor [batch, height, width, channels]; got ${String(images)}`);
  }
  if (images.rank !== 4) {
    throw new ShapeError(
      `${fn}: argument '${arg}' must have rank 4 [batch, height, width, channels]; got rank ${images.rank} [${images.shape}]`,
    );
  }
  if (images.dtype !== 'float32') {
    throw new ShapeError(`${fn}: argument '${arg}' must be float32; got ${images.dtype}`);
  }
}

/**
 * Check the channel count of an image batch.
 * @throws ShapeError when the last axis is not `channels` long.
 */
export function expectChannels(fn: string, arg: string, images: tf.Tensor4D, channels: number): void {
  if (images.shape[3] !== channels) {
    throw new ShapeError(
      `${fn}: argument '${arg}' must have ${channels} channel${channels === 1 ? '' : 's'} (last axis); ` +
        `got ${images.shape[3]} in [${images.shape}]`,
    );
  }
}

/** The ConfigError of a view's option, in the schema kit's one style. */
const failure = (fn: string) => optionFailure(fn, (m) => new ConfigError(m));

/**
 * Validates a view's options with its schema and fills in their defaults (the one place
 * they are resolved).
 * @param fn the view function (named in the message)
 * @param schema the options' schema, e.g. `HORIZONTAL_FLIP_SCHEMA`
 * @param options what the caller passed
 * @returns the schema's output
 * @throws ConfigError `<fn>: option '<key.path>': expected <what>, got <value>`, or
 *   `<fn>: option '<key>': unknown key; known keys: …` for a key the view does not take
 */
export function parseOptions<S extends Schema>(fn: string, schema: S, options: unknown): Infer<S> {
  return parseConfig(schema, options, failure(fn));
}

/**
 * The ConfigError of an option a schema cannot check alone (it needs the images), in the
 * schema kit's one style.
 * @param fn the view function
 * @param path the option's key path (`offsets`, `steps[1].p`)
 * @param expected what was expected
 * @param got the value found
 * @returns `<fn>: option '<path>': expected <expected>, got <got>`, to throw
 */
export function optionError(fn: string, path: string, expected: string, got: unknown): ConfigError {
  return failure(fn)(path, `expected ${expected}, got ${showValue(got)}`) as ConfigError;
}
