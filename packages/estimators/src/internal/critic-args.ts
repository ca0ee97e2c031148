/** Validation shared by the critics. */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import type { CriticActivation, CriticBaseOptions } from '../critics/types';
import { CRITIC_ACTIVATIONS } from '../critics/types';
import { checkChoice, checkNumber, checkPositiveInt, describe } from './validate';

/** Resolved base options. */
export interface ResolvedBase {
  xDim: number;
  yDim: number;
  temperature: number;
  seed: number;
}

/** Checks and fills the options every critic takes. */
export function resolveBase(fn: string, options: CriticBaseOptions): ResolvedBase {
  const { xDim, yDim } = options;
  const temperature = options.temperature ?? 1;
  const seed = options.seed ?? 0;
  checkPositiveInt(fn, 'xDim', xDim);
  checkPositiveInt(fn, 'yDim', yDim);
  checkNumber(fn, 'temperature', temperature, 0, Infinity, { loOpen: true, hiOpen: true });
  checkNumber(fn, 'seed', seed, -Infinity, Infinity, { loOpen: true, hiOpen: true });
  return { xDim, yDim, temperature, seed };
}

/** Checks hidden sizes and the activation. */
export function resolveHidden(fn: string, hidden: number[], activation: CriticActivation, minLayers: number): void {
  if (!Array.isArray(hidden) || hidden.length < minLayers) {
    throw new ShapeError(`${fn}: option 'hidden' must be an array of at least ${minLayers} layer sizes, got ${describe(hidden)}`);
  }
  hidden.forEach((h, i) => checkPositiveInt(fn, `hidden[${i}]`, h));
  checkChoice(fn, 'activation', activation, CRITIC_ACTIVATIONS);
}

/** Throws unless x is [B, xDim] and y is [M, yDim]. */
export function checkPair(fn: string, x: unknown, y: unknown, xDim: number, yDim: number): void {
  for (const [name, t, d] of [
    ['x', x, xDim],
    ['y', y, yDim],
  ] as const) {
    if (!(t instanceof tf.Tensor) || t.rank !== 2 || t.shape[1] !== d) {
      throw new ShapeError(`${fn}: '${name}' must have shape [batch, ${d}], got ${describe(t)}`);
    }
  }
}
