/** The log-baseline option of TUBA and I_α: validation and its [B, L] form. */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import { checkFloat, checkNumber, describe } from './validate';

/** Throws unless `logBaseline` is a finite number, or a float32 tensor [B] or [B, L] matching `scores`. */
export function checkLogBaseline(fn: string, scores: tf.Tensor, logBaseline: unknown): void {
  if (logBaseline === undefined) return;
  if (typeof logBaseline === 'number') {
    checkNumber(fn, 'logBaseline', logBaseline, -Infinity, Infinity, { loOpen: true, hiOpen: true });
    return;
  }
  const b = scores.shape[0];
  const l = scores.rank === 3 ? scores.shape[2] : 1;
  const ok =
    logBaseline instanceof tf.Tensor &&
    logBaseline.shape[0] === b &&
    (logBaseline.rank === 1 || (logBaseline.rank === 2 && logBaseline.shape[1] === l));
  if (!ok) {
    throw new ShapeError(`${fn}: option 'logBaseline' must be a number, [${b}] or [${b}, ${l}], got ${describe(logBaseline)}`);
  }
  checkFloat(fn, logBaseline as tf.Tensor, 'logBaseline');
}

/** The log-baseline as a [B, L] tensor. */
export function baselineColumn(logBaseline: number | tf.Tensor, b: number, l: number): tf.Tensor2D {
  if (typeof logBaseline === 'number') return tf.fill([b, l], logBaseline) as tf.Tensor2D;
  const col = logBaseline.rank === 1 ? logBaseline.reshape([b, 1]) : logBaseline;
  return tf.broadcastTo(col, [b, l]) as tf.Tensor2D;
}
