import * as tf from '@tensorflow/tfjs';
import { finite, type Rng } from '@infomax/engine';
import { mixChannels } from './mix-channels';

/** One value per image as `[batch, 1, 1, 1]`, to broadcast over its pixels. */
export function perImage(values: readonly number[]): tf.Tensor4D {
  return tf.tensor4d(values as number[], [values.length, 1, 1, 1]);
}

/** A per-image probability option: a number in [0, 1]. */
export const probability = () => finite({ min: 0, max: 1 });

/** One coin per image, 1 with probability p and 0 otherwise, as `[batch, 1, 1, 1]`. */
export function coins(rng: Rng, batch: number, p: number): tf.Tensor4D {
  return perImage(Array.from({ length: batch }, () => (rng.uniform() < p ? 1 : 0)));
}

/**
 * Per image, `a` where the coin is 1 and `b` where it is 0: a·m + b·(1 − m), exact
 * for finite values. tf.where would broadcast a bool mask through Tile, which on
 * wasm costs ~30× these four elementwise ops.
 */
export function choosePerImage(coin: tf.Tensor4D, a: tf.Tensor, b: tf.Tensor): tf.Tensor4D {
  return tf.add(tf.mul(a, coin), tf.mul(b, tf.sub(1, coin))) as tf.Tensor4D;
}

/** Uniform draws in [low, high], one per image. */
export function uniforms(rng: Rng, batch: number, low: number, high: number): number[] {
  return Array.from({ length: batch }, () => low + (high - low) * rng.uniform());
}

/** ITU-R BT.601 luma weights, as torchvision's and PIL's grayscale use. */
export const LUMA = [0.299, 0.587, 0.114] as const;

/** `[B,H,W,3]` → `[B,H,W,1]` luma; a 1-channel image is its own luma. */
export function lumaOf(images: tf.Tensor4D): tf.Tensor4D {
  return images.shape[3] === 1 ? images : mixChannels(images, [LUMA]);
}
