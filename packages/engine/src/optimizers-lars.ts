/**
 * LARS: SGD with momentum whose step for each weight tensor is scaled by a trust ratio
 * η·‖w‖ / (‖g‖ + λ·‖w‖ + ε) (You, Gitman & Ginsburg 2017, "Large Batch Training of
 * Convolutional Networks", arXiv:1708.03888), the optimizer of SimCLR and BYOL. Biases and
 * other 1-D weights (batch-norm scales) are excluded by default: they get plain momentum
 * SGD, with neither decay nor trust ratio, as in SimCLR's and solo-learn's LARS.
 */
import * as tf from '@tensorflow/tfjs';
import { globalNorm } from './gradient-clip';
import { object } from './schema/fields';
import { MomentumSgd, SGD_FIELDS, type SgdDirection, type SgdOptions } from './optimizers-sgd';
import {
  excludeBiases,
  larsEpsilon,
  larsMomentum,
  learningRate,
  nesterovNeedsMomentum,
  parseOptimizerOptions,
  trustCoefficient,
} from './optimizer-fields';

/** Options of {@link lars}. */
export interface LarsOptions extends SgdOptions {
  /** The trust coefficient η, > 0. Default 0.001 (You et al.). */
  trustCoefficient?: number;
  /** ε of the trust ratio's denominator, ≥ 0. Default 1e-8. */
  epsilon?: number;
  /** Leave weights of rank ≤ 1 (biases, batch-norm parameters) out of decay and adaptation. Default true. */
  excludeBiases?: boolean;
}

/** LARS with the fused SGD update; construct with {@link lars}. */
export class Lars extends MomentumSgd {
  static override className = 'InfomaxLars';
  readonly trustCoefficient: number;
  readonly epsilon: number;
  readonly excludeBiases: boolean;

  constructor(sgdPart: ConstructorParameters<typeof MomentumSgd>[0], trustCoefficient: number, epsilon: number, excludeBiases: boolean) {
    super(sgdPart);
    this.trustCoefficient = trustCoefficient;
    this.epsilon = epsilon;
    this.excludeBiases = excludeBiases;
  }

  /**
   * (g + λ·w)·η‖w‖/(‖g‖ + λ‖w‖ + ε) where both norms are non-zero, g unchanged otherwise. Where the
   * backend reads synchronously the two norms come back as numbers and the SGD kernel applies the
   * factor in its one pass; elsewhere it is tensor math (no read-back).
   */
  protected override direction(w: tf.Variable, g: tf.Tensor, readable: boolean): SgdDirection {
    if (this.excludeBiases && w.rank <= 1) return { gradient: g, weightDecay: 0, scale: 1 };
    const norms = tf.stack([globalNorm([w]), globalNorm([g])]);
    if (readable) {
      const [wNorm, gNorm] = norms.dataSync();
      if (!(wNorm > 0 && gNorm > 0)) return { gradient: g, weightDecay: 0, scale: 1 };
      return {
        gradient: g,
        weightDecay: this.weightDecay,
        scale: (this.trustCoefficient * wNorm) / (gNorm + this.weightDecay * wNorm + this.epsilon),
      };
    }
    const [wNorm, gNorm] = tf.unstack(norms);
    const adapt = tf.logicalAnd(tf.greater(wNorm, 0), tf.greater(gNorm, 0));
    const trust = tf.div(tf.mul(wNorm, this.trustCoefficient), tf.add(tf.add(gNorm, tf.mul(wNorm, this.weightDecay)), this.epsilon));
    const scale = tf.where(adapt, trust, tf.onesLike(trust));
    const decay = tf.where(adapt, tf.fill([], this.weightDecay), tf.zerosLike(trust));
    return { gradient: tf.mul(tf.add(g, tf.mul(w, decay)), scale), weightDecay: 0, scale: 1 };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), trustCoefficient: this.trustCoefficient, epsilon: this.epsilon, excludeBiases: this.excludeBiases };
  }
}

/** {@link lars}' options: SGD's with LARS' learning rate and momentum, and the trust ratio's. */
const LARS_OPTIONS = object({
  ...SGD_FIELDS,
  learningRate: learningRate(0.1),
  momentum: larsMomentum,
  trustCoefficient,
  epsilon: larsEpsilon,
  excludeBiases,
}).transform(nesterovNeedsMomentum);

/**
 * LARS (layer-wise adaptive rate scaling) over the fused momentum-SGD step: per weight tensor,
 * g ← (g + λ·w)·η‖w‖/(‖g‖ + λ‖w‖ + ε), then b ← μ·b + g, w ← w − lr·b (Nesterov's direction
 * optional). You et al. 2017, "Large Batch Training of Convolutional Networks", arXiv:1708.03888.
 * @param options see {@link LarsOptions}; momentum defaults to 0.9, learningRate to 0.1
 * @throws ConfigError `lars: option '<key>': expected <what>, got <value>` (nesterov without momentum too)
 * @example
 * const optimizer = lars({ learningRate: 0.3, weightDecay: 1e-6 });
 */
export function lars(options: LarsOptions = {}): Lars {
  const o = parseOptimizerOptions('lars', LARS_OPTIONS, options);
  return new Lars(o, o.trustCoefficient, o.epsilon, o.excludeBiases);
}
