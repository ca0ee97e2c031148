/**
 * Groups of channels as views (one colour channel against the others, L against ab…).
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, expectImageBatch } from './errors';
import { selectChannels } from './internal/mix-channels';

/** Options of {@link channelSplit}. */
export interface ChannelSplitOptions {
  /**
   * How many consecutive channels go into each view; positive integers summing to
   * the channel count. Default: one view per channel.
   */
  sizes?: readonly number[];
}

/**
 * Split the channels of an image batch into consecutive groups, one view each.
 * Differentiable.
 *
 * @param images `[batch, height, width, channels]`
 * @param options group sizes, see {@link ChannelSplitOptions}
 * @returns one `[batch, height, width, sizes[i]]` tensor per group
 * @throws ShapeError when `images` is not rank 4 float32; ConfigError when `sizes`
 *   are not positive integers summing to the channel count.
 * @example
 * const [l, ab] = channelSplit(rgbToLab(images), { sizes: [1, 2] });
 */
export function channelSplit(images: tf.Tensor4D, options: ChannelSplitOptions = {}): tf.Tensor4D[] {
  expectImageBatch('channelSplit', 'images', images);
  const channels = images.shape[3];
  const sizes = options.sizes ?? Array.from({ length: channels }, () => 1);
  const valid =
    Array.isArray(sizes) &&
    sizes.length > 0 &&
    sizes.every((s) => Number.isInteger(s) && s > 0) &&
    sizes.reduce((a, b) => a + b, 0) === channels;
  if (!valid) {
    throw new ConfigError(
      `channelSplit: option 'sizes' must be positive integers summing to the ${channels} channels of ` +
        `argument 'images' [${images.shape}]; got ${JSON.stringify(sizes)}`,
    );
  }
  const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  return tf.tidy(() => sizes.map((size, i) => selectChannels(images, starts[i], size)));
}
