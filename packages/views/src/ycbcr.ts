/**
 * YCbCr colour (luma and two chroma differences), another pair of colour views CMC
 * contrasts.
 */
import * as tf from '@tensorflow/tfjs';
import { expectChannels, expectImageBatch } from './errors';
import { mixChannels } from './internal/mix-channels';

/** ITU-R BT.601 luma and chroma weights, full range as in JPEG (JFIF). */
const RGB_TO_YCBCR = [
  [0.299, 0.587, 0.114],
  [-0.168736, -0.331264, 0.5],
  [0.5, -0.418688, -0.081312],
] as const;

/**
 * RGB in [0, 1] to full-range YCbCr (BT.601 weights, as JPEG/JFIF uses):
 * Y = 0.299R + 0.587G + 0.114B, Cb = 0.5 + 0.564·(B − Y), Cr = 0.5 + 0.713·(R − Y).
 * All three channels stay in [0, 1]. Linear, hence differentiable.
 *
 * @param images `[batch, height, width, 3]` RGB in [0, 1]
 * @returns `[batch, height, width, 3]`: Y, Cb, Cr in [0, 1]
 * @throws ShapeError when `images` is not rank 4 float32 with 3 channels.
 * @example
 * const [y, cbcr] = channelSplit(rgbToYCbCr(images), { sizes: [1, 2] });
 */
export function rgbToYCbCr(images: tf.Tensor4D): tf.Tensor4D {
  expectImageBatch('rgbToYCbCr', 'images', images);
  expectChannels('rgbToYCbCr', 'images', images, 3);
  return tf.tidy(() => tf.add(mixChannels(images, RGB_TO_YCBCR), tf.tensor1d([0, 0.5, 0.5])));
}
