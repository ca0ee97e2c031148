/**
 * The initialiser DIM gives the linear shortcut of its MI heads: a small uniform
 * noise, U(-0.01, 0.01), with ones on the diagonal, so at the start the shortcut
 * is (nearly) a copy of its input and the head starts close to the identity.
 * Hjelm et al. 2019, "Learning deep representations by mutual information
 * estimation and maximization", https://arxiv.org/abs/1808.06670 (their
 * `MI1x1ConvNet` / `MIFCNet`).
 */
import * as tf from '@tensorflow/tfjs';

/** What tfjs-layers calls an initializer, as far as this class needs it. */
interface InitializerLike extends tf.serialization.Serializable {
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor;
}

// tfjs-layers checks `instanceof Initializer` but does not export that class at
// run time; every built-in initializer extends it directly, so take it from one.
const InitializerBase = Object.getPrototypeOf(tf.initializers.zeros().constructor) as new () => InitializerLike;

/** Kernel initialiser: ones on the diagonal of the last two axes plus U(-0.01, 0.01) noise. */
export class NoisyIdentity extends InitializerBase {
  /** Name in saved model configs. */
  static readonly className = 'InfomaxNoisyIdentity';
  readonly seed: number;

  constructor(args: { seed: number }) {
    super();
    this.seed = args.seed;
  }

  override apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    return tf.tidy(() => {
      const rows = shape[shape.length - 2];
      const cols = shape[shape.length - 1];
      const noise = tf.randomUniform(shape, -0.01, 0.01, dtype ?? 'float32', this.seed);
      const eye = tf.eye(rows, cols).reshape(shape);
      return tf.where(tf.cast(eye, 'bool'), tf.onesLike(noise), noise);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { seed: this.seed };
  }
}

/** The type tfjs layer constructors accept for `kernelInitializer`. */
export type KernelInitializer = NonNullable<Parameters<typeof tf.layers.dense>[0]['kernelInitializer']>;

/** A seeded {@link NoisyIdentity}, typed as tfjs layers expect it. */
export function noisyIdentity(seed: number): KernelInitializer {
  return new NoisyIdentity({ seed }) as unknown as KernelInitializer;
}
