/**
 * Random brightness, contrast, saturation and hue changes, per image.
 */
import * as tf from '@tensorflow/tfjs';
import { finite, nullish, object } from '@infomax/engine';
import { expectImageBatch, ShapeError } from './errors';
import { invert3, mixChannels, type ColourMatrix } from './internal/mix-channels';
import { LUMA, lumaOf, perImage, uniforms } from './internal/per-image';
import { randomOptions, type SeedOrRng } from './internal/seed';

/** Options of {@link colorJitter}; a strength of 0 leaves that property alone. */
export interface ColorJitterOptions {
  /** Generator to draw from (advances), or a seed (the same jitter on every call). Required. */
  rng: SeedOrRng;
  /** Brightness factor drawn from [max(0, 1 − x), 1 + x]; x ≥ 0. Default 0. */
  brightness?: number;
  /** Contrast factor drawn from [max(0, 1 − x), 1 + x], around the image's mean luma; x ≥ 0. Default 0. */
  contrast?: number;
  /** Saturation factor drawn from [max(0, 1 − x), 1 + x], around each pixel's luma; x ≥ 0. 3 channels only. Default 0. */
  saturation?: number;
  /** Hue rotation drawn from [−x, x] turns; x in [0, 0.5]. 3 channels only. Default 0. */
  hue?: number;
}

/**
 * The options of {@link colorJitter} but `rng`: their ranges and defaults, and no other
 * key; null means the default.
 * @example
 * parseConfig(COLOR_JITTER_SCHEMA, { hue: 0.7 }, fail); // hue: expected a number in [0, 0.5], got 0.7
 */
export const COLOR_JITTER_SCHEMA = object({
  brightness: nullish(finite({ min: 0 }), 0).describe('Brightness factor drawn from [max(0, 1 − x), 1 + x]; 0: unchanged.'),
  contrast: nullish(finite({ min: 0 }), 0).describe("Contrast factor drawn from [max(0, 1 − x), 1 + x], around the image's mean luma."),
  saturation: nullish(finite({ min: 0 }), 0).describe(
    "Saturation factor drawn from [max(0, 1 − x), 1 + x], around each pixel's luma (RGB only).",
  ),
  hue: nullish(finite({ min: 0, max: 0.5 }), 0).describe('Hue rotation drawn from [−x, x] turns (RGB only).'),
});

/** The RGB → YIQ matrix (NTSC); Y is the luma, I and Q carry the hue as an angle. */
const RGB_TO_YIQ = [
  [0.299, 0.587, 0.114],
  [0.595716, -0.274453, -0.321263],
  [0.211456, -0.522591, 0.311135],
] as const;
const YIQ_TO_RGB = invert3(RGB_TO_YIQ);

/**
 * Jitter colours like torchvision's ColorJitter, with one factor per image and
 * property, applied in a fixed order — brightness, contrast, saturation, hue — each
 * followed by clipping to [0, 1] (torchvision shuffles the order per call).
 * Brightness scales the pixels; contrast blends each image with its mean luma;
 * saturation blends each pixel with its luma. Hue rotates the chroma plane of YIQ
 * by 2π·h: a linear stand-in for torchvision's HSV hue shift, turning the same way
 * (h > 0 moves red towards yellow) by roughly the same angle; the colours differ
 * somewhat because YIQ angles are not HSV hues. Differentiable with respect to the
 * images where not clipped.
 *
 * Chen, Kornblith, Norouzi, Hinton (2020), "A Simple Framework for Contrastive
 * Learning of Visual Representations" (SimCLR), https://arxiv.org/abs/2002.05709
 * (brightness = contrast = saturation = 0.8·s, hue = 0.2·s).
 *
 * @param images `[batch, height, width, channels]` in [0, 1]; 1 or 3 channels
 * @param options generator and strengths, see {@link ColorJitterOptions}
 * @returns `[batch, height, width, channels]` in [0, 1]
 * @throws ShapeError when `images` is not rank 4 float32, or saturation/hue are asked
 *   of an image without 3 channels; ConfigError for a bad `rng` or strength
 *   (`colorJitter: option 'hue': expected a number in [0, 0.5], got 0.7`) or an unknown option.
 * @example
 * const jittered = colorJitter(images, { rng, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
 */
export function colorJitter(images: tf.Tensor4D, options: ColorJitterOptions): tf.Tensor4D {
  expectImageBatch('colorJitter', 'images', images);
  const { rng, resolved } = randomOptions('colorJitter', COLOR_JITTER_SCHEMA, options);
  const { brightness, contrast, saturation, hue } = resolved;
  const channels = images.shape[3];
  if (channels !== 1 && channels !== 3) {
    throw new ShapeError(`colorJitter: argument 'images' must have 1 or 3 channels; got ${channels} in [${images.shape}]`);
  }
  if (channels !== 3 && (saturation > 0 || hue > 0)) {
    throw new ShapeError(
      `colorJitter: options 'saturation' and 'hue' need 3-channel images; argument 'images' [${images.shape}] has ${channels}`,
    );
  }
  const batch = images.shape[0];
  const factors = (x: number) => uniforms(rng, batch, Math.max(0, 1 - x), 1 + x);
  // Draw in a fixed order, only for the properties that are on, so a seed pins the result.
  const draws = {
    brightness: brightness > 0 ? factors(brightness) : null,
    contrast: contrast > 0 ? factors(contrast) : null,
    saturation: saturation > 0 ? factors(saturation) : null,
    hue: hue > 0 ? uniforms(rng, batch, -hue, hue) : null,
  };
  return tf.tidy(() => {
    let x: tf.Tensor4D = images;
    if (draws.brightness) x = clip01(tf.mul(x, perImage(draws.brightness)));
    if (draws.contrast) x = blend(tf.mean(lumaOf(x), [1, 2, 3], true), x, perImage(draws.contrast));
    if (draws.saturation) x = blend(mixChannels(x, [LUMA, LUMA, LUMA]), x, perImage(draws.saturation));
    if (draws.hue) x = clip01(rotateHue(x, draws.hue));
    // All strengths 0: still a new tensor, so disposing the result never frees the input.
    return x === images ? tf.clone(x) : x;
  });
}

/** clip(factor·x + (1 − factor)·base): factor 0 gives base, 1 gives x. */
function blend(base: tf.Tensor, x: tf.Tensor4D, factor: tf.Tensor4D): tf.Tensor4D {
  return clip01(tf.add(tf.mul(factor, x), tf.mul(tf.sub(1, factor), base)));
}

function clip01(x: tf.Tensor): tf.Tensor4D {
  return tf.clipByValue(x, 0, 1) as tf.Tensor4D;
}

/**
 * Rotating (I, Q) by θ in YIQ is, in RGB, K₀ + cos θ·K_c + sin θ·K_s with three
 * fixed matrices: YIQ⁻¹·P·YIQ for P = diag(1, 0, 0), diag(0, 1, 1) and the 90°
 * rotation of the IQ plane. Three shared 3×3 products and per-image scalars are
 * ~5× faster on wasm than one batched matmul with a matrix per image.
 */
const HUE_BASIS = [
  [
    [1, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ],
  [
    [0, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  [
    [0, 0, 0],
    [0, 0, -1],
    [0, 1, 0],
  ],
].map((p) => matmul3(YIQ_TO_RGB, matmul3(p, RGB_TO_YIQ)));

/**
 * Rotate the (I, Q) chroma of every pixel by −2π·turns[b], keeping Y. The minus
 * sign: red → yellow → green runs clockwise in the IQ plane, and HSV hue grows
 * along it.
 */
function rotateHue(x: tf.Tensor4D, turns: number[]): tf.Tensor4D {
  const [keep, cosPart, sinPart] = HUE_BASIS.map((m) => mixChannels(x, m));
  const cos = perImage(turns.map((t) => Math.cos(-2 * Math.PI * t)));
  const sin = perImage(turns.map((t) => Math.sin(-2 * Math.PI * t)));
  return tf.add(keep, tf.add(tf.mul(cos, cosPart), tf.mul(sin, sinPart))) as tf.Tensor4D;
}

function matmul3(a: ColourMatrix, b: ColourMatrix): number[][] {
  return [0, 1, 2].map((i) => [0, 1, 2].map((j) => a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j]));
}
