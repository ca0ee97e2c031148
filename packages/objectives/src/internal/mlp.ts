/**
 * A seeded multilayer perceptron on plain tf.Variables: the small trainable
 * pieces objectives add around the encoders (DIM's prior discriminator, CPC's
 * predictors). Plain tensor math; callers own `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/engine';

/** Glorot-uniform weights `[fanIn, fanOut]` drawn from `rng`. */
export function glorot(rng: Rng, shape: number[], fanIn: number, fanOut: number): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  // Unnamed: tfjs names must be unique process-wide, and two objectives may coexist. The
  // tidy frees the initial value (a variable keeps its own reference to the data).
  return tf.tidy(() => tf.variable(tf.randomUniform(shape, -limit, limit, 'float32', rng.tfSeed())));
}

/** A trainable vector of zeros `[size]` (a bias). */
export function zerosVariable(size: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zeros([size])));
}

/**
 * Dense layers `sizes[0] → … → sizes[n]`, ReLU between, linear last layer; with
 * `shortcut`, plus a linear map of the input straight to the output (DIM's heads).
 */
export class Mlp {
  private readonly weights: tf.Variable[] = [];
  private readonly biases: tf.Variable[] = [];
  private readonly shortcut: tf.Variable | null = null;

  constructor(sizes: number[], rng: Rng, { bias = true, shortcut = false } = {}) {
    for (let i = 0; i + 1 < sizes.length; i++) {
      this.weights.push(glorot(rng, [sizes[i], sizes[i + 1]], sizes[i], sizes[i + 1]));
      if (bias) this.biases.push(zerosVariable(sizes[i + 1]));
    }
    const [first, last] = [sizes[0], sizes[sizes.length - 1]];
    if (shortcut) this.shortcut = glorot(rng, [first, last], first, last);
  }

  /** `x` [N, sizes[0]] → [N, sizes[n]]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    this.weights.forEach((w, i) => {
      h = tf.matMul(h, w as tf.Tensor2D);
      if (this.biases.length > 0) h = tf.add(h, this.biases[i]);
      if (i + 1 < this.weights.length) h = tf.relu(h);
    });
    return this.shortcut ? tf.add(h, tf.matMul(x, this.shortcut as tf.Tensor2D)) : h;
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases, ...(this.shortcut ? [this.shortcut] : [])];
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
