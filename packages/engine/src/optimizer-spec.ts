/**
 * An optimizer described by plain JSON (`{ kind, lr, ... }`), as configs, checkpoints and
 * worker threads carry it, and the one function that builds it.
 */
import type * as tf from '@tensorflow/tfjs';
import { ConfigError } from './errors';
import { adam, adamw, type FusedAdam } from './optimizers';
import { sgd, type MomentumSgd } from './optimizers-sgd';
import { lars } from './optimizers-lars';

/** Optimizer kinds {@link createOptimizer} builds, declared once. */
export const OPTIMIZER_KINDS = ['adam', 'adamw', 'sgd', 'lars'] as const;
/** One of {@link OPTIMIZER_KINDS}. */
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

/** An optimizer as JSON; which fields a kind takes is {@link OPTIMIZER_KEYS}. */
export interface OptimizerSpec {
  kind: OptimizerKind;
  /** Learning rate (the base rate of a schedule), > 0. */
  lr: number;
  /** adamw: decoupled decay; sgd, lars: L2 decay added to the gradient. ≥ 0. */
  weightDecay?: number;
  /** sgd, lars: μ in [0, 1). */
  momentum?: number;
  /** sgd, lars: Nesterov's direction. */
  nesterov?: boolean;
  /** adam, adamw: [β1, β2], each in [0, 1). */
  betas?: [number, number];
  /** adam, adamw: ε added to √v̂. */
  epsilon?: number;
  /** lars: the trust coefficient η. */
  trustCoefficient?: number;
  /** lars: leave rank ≤ 1 weights out of decay and adaptation. */
  excludeBiases?: boolean;
  /** Every kind: clip the gradients to this global L2 norm first. */
  clipNorm?: number;
}

/** The fields each kind accepts besides `kind` and `lr`, declared once (configs check keys against it). */
export const OPTIMIZER_KEYS: Record<OptimizerKind, readonly (keyof OptimizerSpec)[]> = {
  adam: ['betas', 'epsilon', 'clipNorm'],
  adamw: ['betas', 'epsilon', 'weightDecay', 'clipNorm'],
  sgd: ['momentum', 'nesterov', 'weightDecay', 'clipNorm'],
  lars: ['momentum', 'nesterov', 'weightDecay', 'trustCoefficient', 'excludeBiases', 'clipNorm'],
};

/** What {@link createOptimizer} returns: a tfjs optimizer whose `learningRate` a schedule may set before each step. */
export type ScheduledOptimizer = tf.Optimizer & { learningRate: number };

/**
 * Builds the optimizer a spec describes: `adam`/`adamw` ({@link FusedAdam}), `sgd` or `lars`
 * ({@link MomentumSgd}), each with `getWeights`/`setWeights` that resume bit for bit.
 * @param spec see {@link OptimizerSpec}
 * @returns the optimizer (the caller disposes it)
 * @throws ConfigError for an unknown kind, a field the kind does not take, or a value out of range, naming it
 * @example
 * const optimizer = createOptimizer({ kind: 'lars', lr: 0.3, momentum: 0.9, weightDecay: 1e-6, clipNorm: 5 });
 * optimizer.learningRate = learningRateAt({ kind: 'cosine', totalSteps: 1000 }, 0.3, step);
 */
export function createOptimizer(spec: OptimizerSpec): ScheduledOptimizer {
  if (!(OPTIMIZER_KINDS as readonly string[]).includes(spec.kind)) {
    throw new ConfigError(`createOptimizer: 'kind' must be one of ${OPTIMIZER_KINDS.join(', ')}, got ${JSON.stringify(spec.kind)}`);
  }
  const allowed = new Set<string>(['kind', 'lr', ...OPTIMIZER_KEYS[spec.kind]]);
  for (const [key, value] of Object.entries(spec)) {
    if (value !== undefined && !allowed.has(key))
      throw new ConfigError(`createOptimizer: ${spec.kind} takes no '${key}' (it takes ${[...allowed].join(', ')})`);
  }
  const { lr: learningRate, betas, epsilon, weightDecay, momentum, nesterov, clipNorm } = spec;
  if (betas !== undefined && !(Array.isArray(betas) && betas.length === 2))
    throw new ConfigError(`createOptimizer: 'betas' must be [β1, β2], got ${JSON.stringify(betas)}`);
  const [beta1, beta2] = betas ?? [undefined, undefined];
  let made: FusedAdam | MomentumSgd;
  switch (spec.kind) {
    case 'adam':
      made = adam({ learningRate, beta1, beta2, epsilon, clipNorm });
      break;
    case 'adamw':
      made = adamw({ learningRate, beta1, beta2, epsilon, weightDecay, clipNorm });
      break;
    case 'sgd':
      made = sgd({ learningRate, momentum, nesterov, weightDecay, clipNorm });
      break;
    case 'lars':
      made = lars({
        learningRate,
        momentum,
        nesterov,
        weightDecay,
        clipNorm,
        trustCoefficient: spec.trustCoefficient,
        excludeBiases: spec.excludeBiases,
      });
      break;
  }
  return made;
}
