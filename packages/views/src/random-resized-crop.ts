/**
 * Random resized crops: a random box of random area and aspect ratio per image,
 * resized to a fixed output size — the crop augmentation of CMC and SimCLR.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { finite, int, list, nullish, object, type Rng } from '@infomax/engine';
import { expectImageBatch } from './errors';
import { orderedPair } from './internal/ordered-pair';
import { randomOptions, type SeedOrRng } from './internal/seed';

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Generator to draw from (advances), or a seed (the same crops on every call). Required. */
  rng: SeedOrRng;
  /** Output side, or `[height, width]`; positive integers. Default (absent or null): the input's height and width. */
  size?: number | readonly [number, number];
  /** Range `[lo, hi]` of the crop's area as a fraction of the image's, 0 < lo ≤ hi ≤ 1. Default [0.08, 1]. */
  scale?: readonly [number, number];
  /** Range `[lo, hi]` of the crop's aspect ratio width / height, sampled log-uniformly; 0 < lo ≤ hi. Default [3/4, 4/3]. */
  ratio?: readonly [number, number];
}

/**
 * A crop's area range `[lo, hi]` as fractions of the image's, 0 < lo ≤ hi ≤ 1 (no default):
 * `scale` of {@link RANDOM_RESIZED_CROP_SCHEMA}, for configs that crop with another default.
 * @example
 * object({ scale: nullish(CROP_SCALE_SCHEMA, [0.3, 1]) }); // a config key with CMC's default
 */
export const CROP_SCALE_SCHEMA = orderedPair(finite({ above: 0, max: 1 }), '[lo, hi] with 0 < lo ≤ hi ≤ 1');

/**
 * The options of {@link randomResizedCrop} but `rng` (those of a `randomResizedCrop`
 * augmentation step): their ranges and defaults, and no other key; null means the default.
 * @example
 * parseConfig(RANDOM_RESIZED_CROP_SCHEMA, { scale: [0.2, 1] }, fail); // { scale: [0.2, 1], ratio: [0.75, 1.333…] }
 */
export const RANDOM_RESIZED_CROP_SCHEMA = object({
  size: z
    .union([int(1), list(int(1), { length: 2 })], { error: 'a positive integer or [height, width] of positive integers' })
    .nullish()
    .transform((size): number | [number, number] | undefined => (Array.isArray(size) ? [size[0], size[1]] : (size ?? undefined)))
    .describe("Output side, or [height, width]. Default: the input's."),
  scale: nullish(CROP_SCALE_SCHEMA, [0.08, 1]).describe("Range [lo, hi] of the crop's area, as a fraction of the image's."),
  ratio: nullish(orderedPair(finite({ above: 0 }), '[lo, hi] with 0 < lo ≤ hi'), [3 / 4, 4 / 3]).describe(
    "Range [lo, hi] of the crop's aspect ratio width / height, sampled log-uniformly.",
  ),
});

/** A crop in pixels: rows [top, top + height), columns [left, left + width). */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** Tries at a box that fits before falling back to a centred one (as torchvision). */
const ATTEMPTS = 10;

/**
 * Crop a random box out of each image and resize it bilinearly to `size`.
 *
 * Per image: draw an area fraction uniformly from `scale` and an aspect ratio
 * log-uniformly from `ratio`, round to whole pixels and place the box uniformly
 * at random; after 10 boxes that do not fit, take the largest centred box whose
 * ratio lies in `ratio`. Resizing uses tf.image.cropAndResize, which samples the
 * box with its corner pixels aligned to the output's corners (torchvision aligns
 * pixel areas instead, so resampled values differ slightly). cropAndResize has no
 * gradient in tfjs: this view is for data, not for use inside a gradient.
 *
 * Tian, Krishnan, Isola (2020), "Contrastive Multiview Coding", https://arxiv.org/abs/1906.05849;
 * Szegedy et al. (2015), "Going Deeper with Convolutions" (the crop's origin).
 *
 * @param images `[batch, height, width, channels]`
 * @param options generator, output size and ranges, see {@link RandomResizedCropOptions}
 * @returns `[batch, size[0], size[1], channels]`
 * @throws ShapeError when `images` is not rank 4 float32; ConfigError for a bad `rng`,
 *   `size`, `scale` or `ratio` (`randomResizedCrop: option 'scale[0]': expected a number in (0, 1], got 1.2`)
 *   or an unknown option.
 * @example
 * const crops = randomResizedCrop(images, { rng, size: 32, scale: [0.2, 1] });
 */
export function randomResizedCrop(images: tf.Tensor4D, options: RandomResizedCropOptions): tf.Tensor4D {
  expectImageBatch('randomResizedCrop', 'images', images);
  const { rng, resolved } = randomOptions('randomResizedCrop', RANDOM_RESIZED_CROP_SCHEMA, options);
  const { size, scale, ratio } = resolved;
  const [batch, height, width] = images.shape;
  const [outHeight, outWidth] = size === undefined ? [height, width] : typeof size === 'number' ? [size, size] : size;
  const boxes: number[][] = [];
  for (let b = 0; b < batch; b++) {
    const box = sampleCropBox(rng, height, width, scale, ratio);
    boxes.push(normalisedBox(box, height + 1, width + 1));
  }
  return tf.tidy(() => {
    // cropAndResize fills samples that land past the last pixel centre with its
    // extrapolation value, and float rounding puts a box's far edge at, e.g.,
    // 31.000002 on a 32-pixel side. One repeated row and column past the edge
    // make those samples read the edge pixel itself, exactly.
    const padded = tf.mirrorPad(
      images,
      [
        [0, 0],
        [0, 1],
        [0, 1],
        [0, 0],
      ],
      'symmetric',
    );
    return tf.image.cropAndResize(
      padded,
      tf.tensor2d(boxes, [batch, 4]),
      tf.range(0, batch, 1, 'int32') as tf.Tensor1D,
      [outHeight, outWidth],
      'bilinear',
    );
  });
}

/**
 * Draw one crop box for a `height × width` image (see {@link randomResizedCrop}).
 * @internal exported for tests and for callers that crop other tensors alike.
 */
export function sampleCropBox(
  rng: Rng,
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
): CropBox {
  const area = height * width;
  const [logLow, logHigh] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const target = area * (scale[0] + (scale[1] - scale[0]) * rng.uniform());
    const aspect = Math.exp(logLow + (logHigh - logLow) * rng.uniform());
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w >= 1 && h >= 1 && w <= width && h <= height) {
      return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
    }
  }
  const aspect = width / height;
  let [h, w] = [height, width];
  if (aspect < ratio[0]) h = Math.max(1, Math.round(width / ratio[0]));
  else if (aspect > ratio[1]) w = Math.max(1, Math.round(height * ratio[1]));
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/**
 * cropAndResize's box: [y1, x1, y2, x2], where 0 and 1 are the centres of the first
 * and last pixel of the (padded) `height × width` image it crops from.
 */
function normalisedBox(box: CropBox, height: number, width: number): number[] {
  return [
    box.top / (height - 1),
    box.left / (width - 1),
    (box.top + box.height - 1) / (height - 1),
    (box.left + box.width - 1) / (width - 1),
  ];
}
