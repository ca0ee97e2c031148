/**
 * An optimizer described by plain JSON (`{ kind, lr, ... }`), as configs, checkpoints and
 * worker threads carry it, and the one function that builds it.
 */
import type * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import { byKind, object, oneOf, optional } from './schema/fields';
import { adam, adamw, type FusedAdam } from './optimizers';
import { sgd, type MomentumSgd } from './optimizers-sgd';
import { lars } from './optimizers-lars';
import {
  adamEpsilon,
  adamwWeightDecay,
  betas,
  clipNormOrNull,
  excludeBiases,
  l2Decay,
  larsMomentum,
  lr,
  nesterov,
  nesterovNeedsMomentum,
  parseOptimizerOptions,
  sgdMomentum,
  trustCoefficient,
} from './optimizer-fields';

/** Optimizer kinds {@link createOptimizer} builds, declared once. */
export const OPTIMIZER_KINDS = ['adam', 'adamw', 'sgd', 'lars'] as const;
/** One of {@link OPTIMIZER_KINDS}. */
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

/** An optimizer as JSON; which fields a kind takes is {@link OPTIMIZER_KEYS} ({@link optimizerSpecSchema} checks them). */
export interface OptimizerSpec {
  /** Which optimizer (JSON without a kind is `adam`). */
  kind: OptimizerKind;
  /** Learning rate (the base rate of a schedule), > 0. */
  lr: number;
  /** adamw: decoupled decay (default 0.01); sgd, lars: L2 decay added to the gradient (default 0). ≥ 0. */
  weightDecay?: number;
  /** sgd, lars: μ in [0, 1). Default 0 (sgd), 0.9 (lars). */
  momentum?: number;
  /** sgd, lars: Nesterov's direction. Default false. */
  nesterov?: boolean;
  /** adam, adamw: [β1, β2], each in [0, 1). Default [0.9, 0.999]. */
  betas?: [number, number];
  /** adam, adamw: ε added to √v̂, > 0. Default: the backend's epsilon. */
  epsilon?: number;
  /** lars: the trust coefficient η, > 0. Default 0.001. */
  trustCoefficient?: number;
  /** lars: leave rank ≤ 1 weights out of decay and adaptation. Default true. */
  excludeBiases?: boolean;
  /** Every kind: clip the gradients to this global L2 norm first, > 0. Default: no clipping (JSON's null says the same). */
  clipNorm?: number;
}

/** Each kind's fields besides `kind` and `lr`: ranges, defaults and descriptions. */
const KIND_FIELDS = {
  adam: { betas, epsilon: adamEpsilon, clipNorm: clipNormOrNull },
  adamw: { betas, epsilon: adamEpsilon, weightDecay: adamwWeightDecay, clipNorm: clipNormOrNull },
  sgd: { momentum: sgdMomentum, nesterov, weightDecay: l2Decay, clipNorm: clipNormOrNull },
  lars: { momentum: larsMomentum, nesterov, weightDecay: l2Decay, trustCoefficient, excludeBiases, clipNorm: clipNormOrNull },
} satisfies Record<OptimizerKind, z.ZodRawShape>;

/** The fields each kind accepts besides `kind` and `lr` (from the schemas' declaration). */
export const OPTIMIZER_KEYS: Record<OptimizerKind, readonly (keyof OptimizerSpec)[]> = {
  adam: keysOf(KIND_FIELDS.adam),
  adamw: keysOf(KIND_FIELDS.adamw),
  sgd: keysOf(KIND_FIELDS.sgd),
  lars: keysOf(KIND_FIELDS.lars),
};

function keysOf(fields: z.ZodRawShape): (keyof OptimizerSpec)[] {
  return Object.keys(fields) as (keyof OptimizerSpec)[];
}

/** The four kinds' schemas (no `kind`: adam), each with the fields `rate` adds. */
function optimizerKinds<R extends z.ZodRawShape>(rate: R) {
  return byKind([
    object({ kind: optional(oneOf(['adam'] as const), 'adam'), ...rate, ...KIND_FIELDS.adam }),
    object({ kind: oneOf(['adamw'] as const), ...rate, ...KIND_FIELDS.adamw }),
    object({ kind: oneOf(['sgd'] as const), ...rate, ...KIND_FIELDS.sgd }).transform(nesterovNeedsMomentum),
    object({ kind: oneOf(['lars'] as const), ...rate, ...KIND_FIELDS.lars }).transform(nesterovNeedsMomentum),
  ]);
}

/**
 * An {@link OptimizerSpec} as {@link createOptimizer} takes it: `{ kind, lr, ... }`, each kind's
 * fields only, every default filled in; its JSON Schema (`jsonSchemaOf`) is a `oneOf` by kind.
 * @example
 * parseConfig(optimizerSpecSchema, { kind: 'sgd', lr: 0.1 }, fail); // { kind: 'sgd', lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0, clipNorm: null }
 */
export const optimizerSpecSchema = optimizerKinds({ lr });

/**
 * The same without `lr`: an optimizer section of a config file whose learning rate is set
 * elsewhere (and may follow a schedule), as the `infomax` trainer's `optimizer` section.
 * @example
 * parseConfig(optimizerConfigSchema, { kind: 'lars' }, fail).trustCoefficient; // 0.001
 */
export const optimizerConfigSchema = optimizerKinds({});

/** What {@link createOptimizer} returns: a tfjs optimizer whose `learningRate` a schedule may set before each step. */
export type ScheduledOptimizer = tf.Optimizer & { learningRate: number };

/**
 * Builds the optimizer a spec describes: `adam`/`adamw` ({@link FusedAdam}), `sgd` or `lars`
 * ({@link MomentumSgd}), each with `getWeights`/`setWeights` that resume bit for bit.
 * @param spec see {@link OptimizerSpec}
 * @returns the optimizer (the caller disposes it)
 * @throws ConfigError `createOptimizer: option '<key>': expected <what>, got <value>` for an unknown kind, a value out
 *   of range, or `…: unknown key; known keys: …` for a field the kind does not take
 * @example
 * const optimizer = createOptimizer({ kind: 'lars', lr: 0.3, momentum: 0.9, weightDecay: 1e-6, clipNorm: 5 });
 * optimizer.learningRate = learningRateAt({ kind: 'cosine', totalSteps: 1000 }, 0.3, step);
 */
export function createOptimizer(spec: OptimizerSpec): ScheduledOptimizer {
  const o = parseOptimizerOptions('createOptimizer', optimizerSpecSchema, spec);
  const learningRate = o.lr;
  const clipNorm = o.clipNorm ?? undefined;
  let made: FusedAdam | MomentumSgd;
  switch (o.kind) {
    case 'adam':
      made = adam({ learningRate, beta1: o.betas[0], beta2: o.betas[1], epsilon: o.epsilon, clipNorm });
      break;
    case 'adamw':
      made = adamw({ learningRate, beta1: o.betas[0], beta2: o.betas[1], epsilon: o.epsilon, weightDecay: o.weightDecay, clipNorm });
      break;
    case 'sgd':
      made = sgd({ learningRate, momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay, clipNorm });
      break;
    case 'lars':
      made = lars({
        learningRate,
        momentum: o.momentum,
        nesterov: o.nesterov,
        weightDecay: o.weightDecay,
        trustCoefficient: o.trustCoefficient,
        excludeBiases: o.excludeBiases,
        clipNorm,
      });
      break;
  }
  return made;
}
