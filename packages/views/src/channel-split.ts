/**
 * Groups of channels as views (one colour channel against the others, L against ab…).
 */
import * as tf from '@tensorflow/tfjs';
import { int, list, object } from '@infomax/engine';
import { expectImageBatch, optionError, parseOptions } from './errors';
import { selectChannels } from './internal/mix-channels';

/** Options of {@link channelSplit}. */
export interface ChannelSplitOptions {
  /**
   * How many consecutive channels go into each view; positive integers summing to
   * the channel count. Default: one view per channel.
   */
  sizes?: readonly number[];
}

/** The keys of {@link ChannelSplitOptions} and their ranges (the sum is checked with the images). */
const SCHEMA = object({ sizes: list(int(1), { min: 1 }).optional() });

/**
 * Split the channels of an image batch into consecutive groups, one view each.
 * Differentiable.
 *
 * @param images `[batch, height, width, channels]`
 * @param options group sizes, see {@link ChannelSplitOptions}
 * @returns one `[batch, height, width, sizes[i]]` tensor per group
 * @throws ShapeError when `images` is not rank 4 float32; ConfigError when `sizes`
 *   are not positive integers summing to the channel count, or for an unknown option.
 * @example
 * const [l, ab] = channelSplit(rgbToLab(images), { sizes: [1, 2] });
 */
export function channelSplit(images: tf.Tensor4D, options: ChannelSplitOptions = {}): tf.Tensor4D[] {
  expectImageBatch('channelSplit', 'images', images);
  const channels = images.shape[3];
  const sizes = parseOptions('channelSplit', SCHEMA, options).sizes ?? Array.from({ length: channels }, () => 1);
  if (sizes.reduce((a, b) => a + b, 0) !== channels) {
    throw optionError(
      'channelSplit',
      'sizes',
      `positive integers summing to the ${channels} channels of argument 'images' [${images.shape}]`,
      sizes,
    );
  }
  const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  return tf.tidy(() => sizes.map((size, i) => selectChannels(images, starts[i], size)));
}
