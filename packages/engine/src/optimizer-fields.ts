/**
 * Every optimizer option's range, default and description, declared once on the schema kit:
 * the functions' options (`adam`, `sgd`, `lars`) and the JSON specs (`createOptimizer`, config
 * files) take their fields from here, so a value is refused in the same words wherever it is
 * given: `<fn>: option '<key>': expected <what>, got <value>`.
 */
import { bool, finite, list, nullish, optional, reject, type CheckContext, type Infer, type Schema } from './schema/fields';
import { optionFailure, parseConfig } from './schema/parse-config';
import { ConfigError } from './errors';
import { clipNormSchema } from './gradient-clip';

/** Adam's default decays [β1, β2] (Kingma & Ba 2015). */
const BETAS = [0.9, 0.999] as const;

const unit = () => finite({ min: 0, below: 1 });
const decay = (fallback: number, what: string) => optional(finite({ min: 0 }), fallback).describe(`${what}, ≥ 0. Default ${fallback}.`);

/** A function's learning rate, > 0, with its default. */
export const learningRate = (fallback: number) =>
  optional(finite({ above: 0 }), fallback).describe(`Step size, > 0. Default ${fallback}; a schedule may change it between steps.`);
/** A spec's learning rate, > 0 (no default: the base rate of a schedule is the caller's choice). */
export const lr = finite({ above: 0 }).describe('Learning rate (the base rate of a schedule), > 0.');
/** Adam's β1. */
export const beta1 = optional(unit(), BETAS[0]).describe(`Decay of the first moment, in [0, 1). Default ${BETAS[0]}.`);
/** Adam's β2. */
export const beta2 = optional(unit(), BETAS[1]).describe(`Decay of the second moment, in [0, 1). Default ${BETAS[1]}.`);
/** Adam's [β1, β2], as a spec writes them. */
export const betas = optional(list(unit(), { length: 2 }), [...BETAS])
  // The list has length 2 once parsed: say so to the types.
  .transform((b) => b as [number, number])
  .describe(`[β1, β2], each in [0, 1). Default [${BETAS.join(', ')}].`);
/** Adam's ε. */
export const adamEpsilon = finite({ above: 0 }).optional().describe("ε added to √v̂, > 0. Default: the backend's epsilon.");
/** AdamW's decoupled weight decay. */
export const adamwWeightDecay = decay(0.01, 'Decoupled weight decay λ: each step first scales every weight by 1 − lr·λ');
/** Adam's decoupled weight decay (0: plain Adam). */
export const adamWeightDecay = decay(0, 'Decoupled weight decay λ: each step first scales every weight by 1 − lr·λ');
/** SGD's and LARS' L2 decay. */
export const l2Decay = decay(0, 'L2 decay λ added to every gradient (g + λ·w)');
/** SGD's momentum μ (0: plain SGD). */
export const sgdMomentum = optional(unit(), 0).describe('Momentum μ, in [0, 1). Default 0 (plain SGD).');
/** LARS' momentum μ. */
export const larsMomentum = optional(unit(), 0.9).describe('Momentum μ, in [0, 1). Default 0.9.');
/** Nesterov's direction. */
export const nesterov = optional(bool(), false).describe(
  "Nesterov's direction g + μ·b instead of b (needs momentum above 0). Default false.",
);
/** LARS' trust coefficient η. */
export const trustCoefficient = optional(finite({ above: 0 }), 0.001).describe('The trust coefficient η, > 0. Default 0.001 (You et al.).');
/** LARS' ε in the trust ratio's denominator. */
export const larsEpsilon = optional(finite({ min: 0 }), 1e-8).describe("ε of the trust ratio's denominator, ≥ 0. Default 1e-8.");
/** LARS' choice to leave rank ≤ 1 weights alone. */
export const excludeBiases = optional(bool(), true).describe(
  'Leave weights of rank ≤ 1 (biases, batch-norm parameters) out of decay and adaptation. Default true.',
);
/** A function's clipNorm: absent, no clipping. */
export const clipNorm = clipNormSchema.optional().describe('Clip the gradients to this global L2 norm first. Default: no clipping.');
/** A spec's clipNorm: absent or null (JSON's "none"), no clipping. */
export const clipNormOrNull = nullish(clipNormSchema, null).describe(
  'Clip the gradients to this global L2 norm first. Default null (no clipping).',
);

/**
 * Nesterov's look-ahead needs a momentum to look ahead with: the check across fields of SGD
 * and LARS (a `.transform()` of their options).
 */
export function nesterovNeedsMomentum<O>(o: O, ctx: CheckContext): O {
  // Typed loosely so that schemas built over a generic shape take it too; both keys are SGD's.
  const { nesterov, momentum } = o as { nesterov: boolean; momentum: number };
  return nesterov && momentum === 0 ? reject(ctx, ['nesterov'], 'false while momentum is 0 (Nesterov needs momentum)', nesterov) : o;
}

/**
 * An optimizer function's options, validated, with every default filled in.
 * @param fn the function, named in the message (`adam`, `createOptimizer`)
 * @throws ConfigError `<fn>: option '<key>': expected <what>, got <value>` (or the unknown key and the known ones)
 */
export function parseOptimizerOptions<S extends Schema>(fn: string, schema: S, options: unknown): Infer<S> {
  return parseConfig(
    schema,
    options,
    optionFailure(fn, (m) => new ConfigError(m)),
  );
}
