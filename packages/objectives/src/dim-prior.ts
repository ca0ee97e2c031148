/**
 * DIM's prior matching: a discriminator D tells samples of a prior from the
 * (squashed) global codes; the encoder is trained to fool it. Its own variables
 * and Adam optimizer, stepped after the main step.
 *
 * Hjelm et al. 2019, "Learning deep representations by mutual information
 * estimation and maximization", §3.3, https://arxiv.org/abs/1808.06670
 */
import * as tf from '@tensorflow/tfjs';
import { adam, Rng } from '@infomax/engine';
import { Mlp } from './internal/mlp';

/** Priors the codes can be matched to, declared once. */
export const PRIOR_DISTRIBUTIONS = ['uniform', 'gaussian'] as const;
/** One of {@link PRIOR_DISTRIBUTIONS}. */
export type PriorDistribution = (typeof PRIOR_DISTRIBUTIONS)[number];

/** Settings of the prior-matching term (part of a DIM config). */
export type PriorConfig = {
  /** `'uniform'` on [0, 1]^D (codes go through a sigmoid first, as in DIM) or standard `'gaussian'` (codes as they are). Default 'uniform'. */
  distribution: PriorDistribution;
  /** Hidden layer sizes of the discriminator. Default [1000, 200] (DIM's). */
  hidden: number[];
  /** Learning rate of the discriminator's Adam. Default 1e-4. */
  learningRate: number;
};

/** The discriminator, its optimizer and its prior sampler. */
export class PriorMatcher {
  readonly optimizer: tf.Optimizer;
  private readonly net: Mlp;
  /** Draws the prior samples (its state is the objective's `prior_rng` buffer). */
  readonly rng: Rng;

  constructor(
    readonly codeSize: number,
    readonly config: PriorConfig,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.net = new Mlp([codeSize, ...config.hidden, 1], this.rng.fork());
    this.optimizer = adam(config.learningRate);
  }

  get variables(): tf.Variable[] {
    return this.net.variables;
  }

  /** Codes `[B, D]` as the discriminator sees them (sigmoid for the uniform prior). */
  squash(code: tf.Tensor2D): tf.Tensor2D {
    return this.config.distribution === 'uniform' ? tf.sigmoid(code) : code;
  }

  /** The encoder's (non-saturating) adversarial term −E log σ(D(z)): scalar. Plain tensor math. */
  generatorLoss(code: tf.Tensor2D): tf.Scalar {
    return tf.mean(tf.softplus(tf.neg(this.net.apply(this.squash(code))))) as tf.Scalar;
  }

  /**
   * One discriminator step on codes `[B, D]` (treated as constants) against as many
   * prior samples: minimises −E_prior log σ(D) − E_codes log(1 − σ(D)).
   * @returns the discriminator loss and its accuracy (½·(share of prior samples called
   *   prior + share of codes called codes); 0.5 when it cannot tell them apart), as
   *   scalars the caller disposes.
   */
  step(code: tf.Tensor2D): { prior_disc_loss: tf.Scalar; prior_accuracy: tf.Scalar } {
    const [b, d] = code.shape;
    const sample =
      this.config.distribution === 'uniform'
        ? tf.randomUniform([b, d], 0, 1, 'float32', this.rng.tfSeed())
        : tf.randomNormal([b, d], 0, 1, 'float32', this.rng.tfSeed());
    const fake = tf.tidy(() => this.squash(code));
    // Filled inside minimize (whose forward pass is a tidy): kept so it can be read after.
    const held: { accuracy?: tf.Scalar } = {};
    const loss = this.optimizer.minimize(
      () => {
        const real = this.net.apply(sample as tf.Tensor2D);
        const other = this.net.apply(fake);
        const hits = tf.add(tf.mean(tf.cast(tf.greater(real, 0), 'float32')), tf.mean(tf.cast(tf.less(other, 0), 'float32')));
        held.accuracy = tf.keep(tf.mul(0.5, hits) as tf.Scalar);
        return tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(other))) as tf.Scalar;
      },
      true,
      this.variables,
    ) as tf.Scalar;
    tf.dispose([sample, fake]);
    return { prior_disc_loss: loss, prior_accuracy: held.accuracy as tf.Scalar };
  }

  dispose(): void {
    this.net.dispose();
    this.optimizer.dispose();
  }
}
