/**
 * Argument checks shared by the bounds. Every message names the function, the
 * argument, what was expected and what came.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError } from '../errors';

/**
 * Throws unless `t` is a float tensor of rank 2 or 3 whose first two sizes are equal and ≥ 2,
 * or, with `rectangular`, whose second size is ≥ 2 (a positive and a negative per row).
 */
export function checkScores(fn: string, t: unknown, name = 'scores', rectangular = false): asserts t is tf.Tensor {
  if (!(t instanceof tf.Tensor)) {
    throw new ShapeError(`${fn}: '${name}' must be a tf.Tensor, got ${describe(t)}`);
  }
  const layout = rectangular ? '[B, N] or [B, N, L]' : '[B, B] or [B, B, L]';
  if (t.rank !== 2 && t.rank !== 3) {
    throw new ShapeError(`${fn}: '${name}' must have shape ${layout}, got rank ${t.rank} [${t.shape}]`);
  }
  if (rectangular) {
    if (t.shape[0] < 1 || t.shape[1] < 2) {
      throw new ShapeError(`${fn}: '${name}' needs at least one row and two columns (a positive and a negative), got [${t.shape}]`);
    }
  } else if (t.shape[0] !== t.shape[1]) {
    throw new ShapeError(
      `${fn}: '${name}' must be square in its first two axes ([B, B] or [B, B, L]; positives on the diagonal), got [${t.shape}]`,
    );
  } else if (t.shape[0] < 2) {
    throw new ShapeError(`${fn}: '${name}' needs a batch of at least 2 (one negative per row), got [${t.shape}]`);
  }
  checkFloat(fn, t, name);
}

/**
 * Throws unless `t` is a float32 tensor. Its values are not looked at: that would read
 * them back from the device on every call, which stalls a GPU. A NaN or an Infinity
 * flows into the estimate and the loss instead, where a training step's one read-back
 * finds it (`trainStep` of @infomax/objectives throws NonFiniteError).
 */
export function checkFloat(fn: string, t: tf.Tensor, name: string): void {
  if (t.dtype !== 'float32') {
    throw new ShapeError(`${fn}: '${name}' must be float32, got ${t.dtype}`);
  }
}

/** Throws unless `value` is a finite number in [lo, hi] (bounds inclusive unless told). */
export function checkNumber(
  fn: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  { loOpen = false, hiOpen = false } = {},
): asserts value is number {
  const ok =
    typeof value === 'number' && !Number.isNaN(value) && (loOpen ? value > lo : value >= lo) && (hiOpen ? value < hi : value <= hi);
  if (!ok) {
    const range = `${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}`;
    throw new ConfigError(`${fn}: option '${name}' must be a number in ${range}, got ${describe(value)}`);
  }
}

/** Throws unless `value` is one of `choices`. */
export function checkChoice<T extends string>(fn: string, name: string, value: unknown, choices: readonly T[]): asserts value is T {
  if (!(choices as readonly unknown[]).includes(value)) {
    throw new ConfigError(`${fn}: option '${name}' must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
  }
}

/** Throws unless `value` is a positive integer. */
export function checkPositiveInt(fn: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${fn}: option '${name}' must be a positive integer, got ${describe(value)}`);
  }
}

/** A short description of any value for an error message. */
export function describe(value: unknown): string {
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
