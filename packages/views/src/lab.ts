/**
 * CIE L*a*b* colour: sRGB (D65) ↔ Lab, and the L vs ab split that CMC contrasts.
 * tfjs has no colour-space conversions; these are tensor ops, hence differentiable.
 */
import * as tf from '@tensorflow/tfjs';
import { nullish, object, oneOf } from '@infomax/engine';
import { expectChannels, expectImageBatch, parseOptions } from './errors';
import { LAB_DELTA, LINEAR_TO_XYZ_OVER_WHITE, XYZ_OVER_WHITE_TO_LINEAR, labFromF, fFromLab } from './internal/lab-constants';
import { mixChannels, selectChannels } from './internal/mix-channels';
import { piecewise } from './internal/piecewise';

/**
 * sRGB in [0, 1] to CIE L*a*b* under the D65 white (2° observer).
 *
 * Per pixel: linearise sRGB (c ≤ 0.04045 ? c/12.92 : ((c+0.055)/1.055)^2.4),
 * XYZ = M·rgb with the sRGB D65 matrix, divide by the white (0.95047, 1, 1.08883),
 * f(t) = t > (6/29)³ ? t^(1/3) : t/(3·(6/29)²) + 4/29, then
 * L = 116·f(Y) − 16, a = 500·(f(X) − f(Y)), b = 200·(f(Y) − f(Z)).
 * Differentiable, with finite gradients at black too.
 *
 * CIE 15:2004 Colorimetry; IEC 61966-2-1 (sRGB).
 *
 * @param images `[batch, height, width, 3]` sRGB in [0, 1]
 * @returns `[batch, height, width, 3]`: L in [0, 100], a in about [−86, 98], b in about [−108, 94]
 * @throws ShapeError when `images` is not rank 4 float32 with 3 channels.
 * @example
 * const lab = rgbToLab(tf.tensor4d([1, 0, 0], [1, 1, 1, 3])); // ≈ [53.24, 80.09, 67.20]
 */
export function rgbToLab(images: tf.Tensor4D): tf.Tensor4D {
  expectImageBatch('rgbToLab', 'images', images);
  expectChannels('rgbToLab', 'images', images, 3);
  return tf.tidy(() => labOf(images));
}

/**
 * CIE L*a*b* (D65) back to sRGB: the inverse of {@link rgbToLab}.
 *
 * Lab colours outside the sRGB gamut give values outside [0, 1]; they are not
 * clipped (clip with `tf.clipByValue` where a displayable image is needed).
 *
 * @param lab `[batch, height, width, 3]` with L, a, b as {@link rgbToLab} returns them
 * @returns `[batch, height, width, 3]` sRGB
 * @throws ShapeError when `lab` is not rank 4 float32 with 3 channels.
 * @example
 * const rgb = labToRgb(rgbToLab(images)); // ≈ images
 */
export function labToRgb(lab: tf.Tensor4D): tf.Tensor4D {
  expectImageBatch('labToRgb', 'lab', lab);
  expectChannels('labToRgb', 'lab', lab, 3);
  return tf.tidy(() => rgbOf(lab));
}

/** How {@link labSplit} scales its two views. */
export const LAB_SCALES = ['cmc', 'none'] as const;
export type LabScale = (typeof LAB_SCALES)[number];

/**
 * The ranges CMC maps to [−1, 1]: L ∈ [0, 100], a ∈ [−86.183, 98.233],
 * b ∈ [−107.857, 94.478] (the extremes of Lab over the sRGB gamut), as in the
 * normalisation of its reference training script.
 */
export const CMC_LAB_RANGES: Readonly<Record<'L' | 'a' | 'b', readonly [number, number]>> = {
  L: [0, 100],
  a: [-86.183, 98.233],
  b: [-107.857, 94.478],
};

/** Options of {@link labSplit}. */
export interface LabSplitOptions {
  /**
   * `'cmc'` (default): each channel's range {@link CMC_LAB_RANGES} mapped linearly
   * to [−1, 1], as CMC feeds its two encoders. `'none'`: raw L, a, b.
   */
  scale?: LabScale;
}

/** The keys of {@link LabSplitOptions}, their values and defaults. */
const SPLIT_SCHEMA = object({ scale: nullish(oneOf(LAB_SCALES), 'cmc') });

/**
 * The two colour views of CMC: lightness L and chroma ab of the Lab image.
 *
 * Tian, Krishnan, Isola (2020), "Contrastive Multiview Coding", ECCV,
 * https://arxiv.org/abs/1906.05849
 *
 * @param images `[batch, height, width, 3]` sRGB in [0, 1]
 * @param options scaling, see {@link LabSplitOptions}
 * @returns `[L, ab]`: `[batch, height, width, 1]` and `[batch, height, width, 2]`
 * @throws ShapeError when `images` is not rank 4 float32 with 3 channels;
 *   ConfigError for an unknown `scale` or option.
 * @example
 * const [l, ab] = labSplit(images); // both in [−1, 1]
 */
export function labSplit(images: tf.Tensor4D, options: LabSplitOptions = {}): [tf.Tensor4D, tf.Tensor4D] {
  expectImageBatch('labSplit', 'images', images);
  expectChannels('labSplit', 'images', images, 3);
  const { scale } = parseOptions('labSplit', SPLIT_SCHEMA, options);
  return tf.tidy(() => {
    let lab = labOf(images);
    if (scale === 'cmc') {
      const ranges = [CMC_LAB_RANGES.L, CMC_LAB_RANGES.a, CMC_LAB_RANGES.b];
      const mid = tf.tensor1d(ranges.map(([lo, hi]) => (lo + hi) / 2));
      const half = tf.tensor1d(ranges.map(([lo, hi]) => (hi - lo) / 2));
      lab = tf.div(tf.sub(lab, mid), half);
    }
    return [selectChannels(lab, 0, 1), selectChannels(lab, 1, 2)];
  }) as [tf.Tensor4D, tf.Tensor4D];
}

function labOf(rgb: tf.Tensor4D): tf.Tensor4D {
  // pow() only ever sees arguments clamped into its own branch, so the branch not
  // taken stays finite and its zero weight in the gradient cannot turn into NaN.
  const linear = piecewise(rgb, 0.04045, tf.pow(tf.div(tf.add(atLeast(rgb, 0.04045), 0.055), 1.055), 2.4), tf.div(rgb, 12.92));
  const t = mixChannels(linear as tf.Tensor4D, LINEAR_TO_XYZ_OVER_WHITE);
  const eps = LAB_DELTA ** 3;
  const f = piecewise(t, eps, tf.pow(atLeast(t, eps), 1 / 3), tf.add(tf.div(t, 3 * LAB_DELTA ** 2), 4 / 29));
  return tf.sub(mixChannels(f as tf.Tensor4D, labFromF), tf.tensor1d([16, 0, 0]));
}

function rgbOf(lab: tf.Tensor4D): tf.Tensor4D {
  const f = mixChannels(tf.add(lab, tf.tensor1d([16, 0, 0])), fFromLab);
  const t = piecewise(f, LAB_DELTA, tf.mul(tf.square(f), f), tf.mul(3 * LAB_DELTA ** 2, tf.sub(f, 4 / 29)));
  const linear = mixChannels(t as tf.Tensor4D, XYZ_OVER_WHITE_TO_LINEAR);
  return piecewise(
    linear,
    0.0031308,
    tf.sub(tf.mul(1.055, tf.pow(atLeast(linear, 0.0031308), 1 / 2.4)), 0.055),
    tf.mul(linear, 12.92),
  ) as tf.Tensor4D;
}

/** max(x, low) through clipByValue, which is ~40× faster than maximum on wasm; same gradient. */
function atLeast(x: tf.Tensor, low: number): tf.Tensor {
  return tf.clipByValue(x, low, Number.MAX_VALUE);
}
