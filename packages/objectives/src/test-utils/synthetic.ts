/**
 * Synthetic images whose views share information: each image is a smooth pattern
 * driven by a few latent numbers (every region and every colour channel depends on
 * all of them), so halves, Lab channels, crops, patch rows and the local map all
 * carry information about each other.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';

/** A seeded stream of `[batch, size, size, channels]` images in [0, 1] driven by `latents` numbers each. */
export class LatentImages {
  private readonly rng: Rng;
  private readonly basis: tf.Tensor2D; // [latents, size·size·channels]

  constructor(
    readonly size: number,
    readonly channels: number,
    readonly latents = 4,
    seed = 0,
  ) {
    this.rng = new Rng(seed);
    const pixels = size * size * channels;
    const values = new Float32Array(latents * pixels);
    for (let j = 0; j < latents; j++) {
      // Low-frequency waves with random phase per channel: smooth, global patterns.
      const fy = 1 + this.rng.int(2);
      const fx = 1 + this.rng.int(2);
      for (let c = 0; c < channels; c++) {
        const phase = this.rng.uniform() * 2 * Math.PI;
        for (let y = 0; y < size; y++) {
          for (let x = 0; x < size; x++) {
            values[j * pixels + (y * size + x) * channels + c] = Math.sin((2 * Math.PI * (fy * y + fx * x)) / size + phase);
          }
        }
      }
    }
    this.basis = tf.tensor2d(values, [latents, pixels]);
  }

  /** The next batch (the caller owns it). */
  next(batch: number): tf.Tensor4D {
    return tf.tidy(() => {
      const u = tf.randomNormal([batch, this.latents], 0, 1, 'float32', this.rng.tfSeed());
      return tf.sigmoid(tf.matMul(u, this.basis)).reshape([batch, this.size, this.size, this.channels]) as tf.Tensor4D;
    });
  }

  dispose(): void {
    this.basis.dispose();
  }
}

/**
 * Median of the first and of the last `n` entries: NWJ/DV estimates from one batch have
 * rare large negative outliers (an exp of a large negative-pair score), which a mean
 * would let decide the comparison.
 */
export function firstLast(values: number[], n: number): [number, number] {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  return [median(values.slice(0, n)), median(values.slice(-n))];
}
