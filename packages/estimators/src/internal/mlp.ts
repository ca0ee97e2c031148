/**
 * A multi-layer perceptron on plain tf.Variables, initialised from our Rng so that a
 * seed fixes every weight on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/engine';
import type { CriticActivation } from '../critics/types';

/** Glorot-uniform weights [fanIn, fanOut] (Glorot & Bengio 2010). */
export function glorotVariable(rng: Rng, fanIn: number, fanOut: number): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < values.length; i++) values[i] = (2 * rng.uniform() - 1) * limit;
  // tf.variable keeps the data, not the tensor: tidy frees the initial value's handle.
  return tf.tidy(() => tf.variable(tf.tensor2d(values, [fanIn, fanOut])));
}

/** A zero-initialised bias [size]. */
export function biasVariable(size: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zeros([size])));
}

/** The hidden-layer nonlinearity. */
export function activate(x: tf.Tensor, activation: CriticActivation): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'elu':
      return tf.elu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'linear':
      return x;
  }
}

/** Dense layers sizes[0] → sizes[1] → … → sizes[n]; the last layer has no activation. */
export class Mlp {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];

  constructor(
    sizes: number[],
    private readonly activation: CriticActivation,
    rng: Rng,
  ) {
    for (let i = 0; i + 1 < sizes.length; i++) {
      this.weights.push(glorotVariable(rng, sizes[i], sizes[i + 1]));
      this.biases.push(biasVariable(sizes[i + 1]));
    }
  }

  /** [N, sizes[0]] → [N, sizes[last]]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h: tf.Tensor2D = x;
    for (let i = 0; i < this.weights.length; i++) {
      const pre = tf.add(tf.matMul(h, this.weights[i]), this.biases[i]);
      h = (i + 1 < this.weights.length ? activate(pre, this.activation) : pre) as tf.Tensor2D;
    }
    return h;
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** Rows scaled to unit L2 norm (a small floor keeps zero rows finite). */
export function normalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-12))) as tf.Tensor2D;
}
