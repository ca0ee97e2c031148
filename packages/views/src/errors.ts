/**
 * Typed errors of `@infomax/views` and the checks that raise them. The classes are
 * the engine's, so one `catch (e) { if (e instanceof ShapeError) … }` covers every
 * package; each message names the view function and the argument or option at fault,
 * what was expected and what came.
 */
import type * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError } from '@infomax/engine';

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

/**
 * Check that an option is an integer in `[min, max]`.
 * @throws ConfigError otherwise.
 */
export function expectInt(fn: string, option: string, value: unknown, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ConfigError(`${fn}: option '${option}' must be an integer ${range}; got ${String(value)}`);
  }
  return value;
}

/**
 * Check that an option is a finite number in `[min, max]`.
 * @throws ConfigError otherwise.
 */
export function expectNumber(fn: string, option: string, value: unknown, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ConfigError(`${fn}: option '${option}' must be a number ${range}; got ${String(value)}`);
  }
  return value;
}

/**
 * Check that an option is an increasing pair `[low, high]` of finite numbers within `[min, max]`.
 * @throws ConfigError otherwise.
 */
export function expectRange(fn: string, option: string, value: unknown, min: number, max = Infinity): readonly [number, number] {
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) &&
    value[0] <= value[1];
  if (!ok) {
    throw new ConfigError(
      `${fn}: option '${option}' must be [low, high] with ${min} <= low <= high <= ${max}; got ${JSON.stringify(value)}`,
    );
  }
  return value as [number, number];
}

/**
 * Check that an option is one of a fixed set of names.
 * @throws ConfigError otherwise.
 */
export function expectOneOf<T extends string>(fn: string, option: string, value: unknown, choices: readonly T[]): T {
  if (!(choices as readonly unknown[]).includes(value)) {
    throw new ConfigError(
      `${fn}: option '${option}' must be one of ${choices.map((c) => `'${c}'`).join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}
