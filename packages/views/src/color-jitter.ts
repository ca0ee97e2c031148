/**
 * Random brightness, contrast, saturation and hue changes, per image.
 */
import * as tf from '@tensorflow/tfjs';
import { expectImageBatch, expectNumber, ShapeError } from './errors';
import { invert3, type ColourMatrix } from './internal/mix-channels';
import { lumaOf, perImage, uniforms } from './internal/per-image';
import { resolveRng, type SeedOrRng } from './internal/seed';

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
 * by 2π·h: a linear stand-in for torchvision's HSV hue shift (they agree on the
 * direction and magnitude of the shift, not exactly on the colours). Differentiable
 * with respect to the images where not clipped.
 *
 * Chen, Kornblith, Norouzi, Hinton (2020), "A Simple Framework for Contrastive
 * Learning of Visual Representations" (SimCLR), https://arxiv.org/abs/2002.05709
 * (brightness = contrast = saturation = 0.8·s, hue = 0.2·s).
 *
 * @param images `[batch, height, width, channels]` in [0, 1]; 1 or 3 channels
 * @param options generator and strengths, see {@link ColorJitterOptions}
 * @returns `[batch, height, width, channels]` in [0, 1]
 * @throws ShapeError when `images` is not rank 4 float32, or saturation/hue are asked
 *   of an image without 3 channels; ConfigError for a bad `rng` or strength.
 * @example
 * const jittered = colorJitter(images, { rng, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
 */
export function colorJitter(images: tf.Tensor4D, options: ColorJitterOptions): tf.Tensor4D {
  expectImageBatch('colorJitter', 'images', images);
  const rng = resolveRng('colorJitter', options?.rng);
  const brightness = expectNumber('colorJitter', 'brightness', options.brightness ?? 0, 0);
  const contrast = expectNumber('colorJitter', 'contrast', options.contrast ?? 0, 0);
  const saturation = expectNumber('colorJitter', 'saturation', options.saturation ?? 0, 0);
  const hue = expectNumber('colorJitter', 'hue', options.hue ?? 0, 0, 0.5);
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
    if (draws.saturation) x = blend(lumaOf(x), x, perImage(draws.saturation));
    if (draws.hue) x = clip01(rotateHue(x, draws.hue));
    return x;
  });
}

/** clip(base + factor·(x − base)): factor 0 gives base, 1 gives x. */
function blend(base: tf.Tensor, x: tf.Tensor4D, factor: tf.Tensor4D): tf.Tensor4D {
  return clip01(tf.add(base, tf.mul(factor, tf.sub(x, base))));
}

function clip01(x: tf.Tensor): tf.Tensor4D {
  return tf.clipByValue(x, 0, 1) as tf.Tensor4D;
}

/**
 * Rotate the (I, Q) chroma of every pixel by 2π·turns[b], keeping Y: one 3×3 RGB
 * matrix per image, YIQ⁻¹ · rotation · YIQ, applied as a batched matmul.
 */
function rotateHue(x: tf.Tensor4D, turns: number[]): tf.Tensor4D {
  const [batch, height, width] = x.shape;
  const matrices = turns.map((t) => {
    const [c, s] = [Math.cos(2 * Math.PI * t), Math.sin(2 * Math.PI * t)];
    const rotation = [
      [1, 0, 0],
      [0, c, -s],
      [0, s, c],
    ];
    return matmul3(YIQ_TO_RGB, matmul3(rotation, RGB_TO_YIQ));
  });
  // Pixels are rows, so each image's matrix is applied transposed.
  const transposed = tf.tensor3d(matrices.map((m) => [0, 1, 2].map((i) => [m[0][i], m[1][i], m[2][i]])));
  const pixels = tf.reshape(x, [batch, height * width, 3]);
  return tf.reshape(tf.matMul(pixels, transposed), [batch, height, width, 3]);
}

function matmul3(a: ColourMatrix, b: ColourMatrix): number[][] {
  return [0, 1, 2].map((i) => [0, 1, 2].map((j) => a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j]));
}
