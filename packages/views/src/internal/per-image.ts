import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/engine';
import { mixChannels } from './mix-channels';

/** One value per image as `[batch, 1, 1, 1]`, to broadcast over its pixels. */
export function perImage(values: readonly number[]): tf.Tensor4D {
  return tf.tensor4d(values as number[], [values.length, 1, 1, 1]);
}

/** One coin per image, true with probability p, as `[batch, 1, 1, 1]` bool. */
export function coins(rng: Rng, batch: number, p: number): tf.Tensor4D {
  const heads = Array.from({ length: batch }, () => (rng.uniform() < p ? 1 : 0));
  return tf.tensor4d(heads, [batch, 1, 1, 1], 'bool');
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
