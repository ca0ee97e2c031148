/**
 * The `optimizer` and `schedule` sections of the trainer's config: validated with every
 * default filled in, and turned into the engine's optimizer and the learning rate of each step.
 * The base learning rate stays `train.learningRate` (flag `--lr`) for every optimizer kind.
 */
import { z } from 'zod';
import {
  bool,
  byKind,
  checkSchedule,
  createOptimizer,
  finite,
  int,
  learningRateAt,
  list,
  nullish,
  object,
  oneOf,
  optional,
  reject,
  type CheckContext,
  type OptimizerKind,
  type ScheduledOptimizer,
  type ScheduleSpec,
} from '@infomax/engine';
import { ConfigError } from './errors';

/** The resolved `optimizer` section: its kind and every field that kind takes (see the engine's `createOptimizer`). */
export interface OptimizerConfig {
  /** `adam` (default), `adamw`, `sgd` or `lars`. */
  kind: OptimizerKind;
  /** adam, adamw: [β1, β2]. Default [0.9, 0.999]. */
  betas?: [number, number];
  /** adam, adamw: ε added to √v̂. Default: the backend's epsilon. */
  epsilon?: number;
  /** adamw: decoupled decay, default 0.01; sgd, lars: L2 decay in the gradient, default 0. */
  weightDecay?: number;
  /** sgd: default 0; lars: default 0.9. */
  momentum?: number;
  /** sgd, lars: Nesterov's direction. Default false. */
  nesterov?: boolean;
  /** lars: the trust coefficient η. Default 0.001. */
  trustCoefficient?: number;
  /** lars: leave biases and other 1-D weights out of decay and adaptation. Default true. */
  excludeBiases?: boolean;
  /** Every kind: clip the gradients to this global L2 norm. Default null (no clipping). */
  clipNorm: number | null;
}

/** The resolved `schedule` section (the engine's `ScheduleSpec`, every default filled in). */
export type ScheduleConfig = Required<Pick<ScheduleSpec, 'kind' | 'warmupSteps'>> & Omit<ScheduleSpec, 'kind' | 'warmupSteps'>;

/** `train.learningRate` when not given, by optimizer kind: DIM's Adam rate, and common SGD / LARS base rates. */
export const DEFAULT_LEARNING_RATE: Record<OptimizerKind, number> = { adam: 1e-4, adamw: 1e-4, sgd: 0.01, lars: 0.1 };

const unit = () => finite({ min: 0, below: 1 });
const clipNorm = nullish(finite({ above: 0 }), null).describe('Clip the gradients to this global L2 norm. Default none.');
const betas = optional(list(unit(), { length: 2 }), [0.9, 0.999]).describe('[β1, β2]. Default [0.9, 0.999].');
const epsilon = finite({ above: 0 }).optional().describe("ε added to √v̂. Default: the backend's epsilon.");
const nesterov = optional(bool(), false).describe("Nesterov's direction (needs momentum above 0).");

/** Nesterov's look-ahead needs a momentum to look ahead with. */
function nesterovNeedsMomentum<O extends { nesterov: boolean; momentum: number }>(o: O, ctx: CheckContext): O {
  return o.nesterov && o.momentum === 0
    ? reject(ctx, ['nesterov'], 'false while optimizer.momentum is 0 (Nesterov needs momentum)', o.nesterov)
    : o;
}

/** A section's `kind` when it gives none. */
function defaultKind(kind: string) {
  return (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) && !('kind' in v) ? { kind, ...v } : v);
}

/** The `optimizer` section: `{ kind: adam (default) | adamw | sgd | lars, ... }`, each kind's keys only. */
export const optimizerSchema = z
  .preprocess(
    (v, ctx) => {
      // The one key users carry over from other trainers: say where it lives, rather than "unknown key".
      if (v === null || typeof v !== 'object' || !('lr' in v)) return defaultKind('adam')(v);
      const { lr, ...rest } = v as Record<string, unknown>;
      reject(ctx, ['lr'], 'no lr here: the learning rate is train.learningRate (flag --lr), for every optimizer kind', lr);
      return defaultKind('adam')(rest);
    },
    byKind([
      object({ kind: oneOf(['adam'] as const), betas, epsilon, clipNorm }),
      object({ kind: oneOf(['adamw'] as const), betas, epsilon, weightDecay: optional(finite({ min: 0 }), 0.01), clipNorm }),
      object({
        kind: oneOf(['sgd'] as const),
        momentum: optional(unit(), 0),
        nesterov,
        weightDecay: optional(finite({ min: 0 }), 0),
        clipNorm,
      }).transform(nesterovNeedsMomentum),
      object({
        kind: oneOf(['lars'] as const),
        momentum: optional(unit(), 0.9),
        nesterov,
        weightDecay: optional(finite({ min: 0 }), 0),
        trustCoefficient: optional(finite({ above: 0 }), 0.001),
        excludeBiases: optional(bool(), true),
        clipNorm,
      }).transform(nesterovNeedsMomentum),
    ]),
  )
  .transform((o): OptimizerConfig => o as OptimizerConfig)
  .describe('The optimizer (default adam); its learning rate is train.learningRate.');

/** The `schedule` section: `{ kind: constant (default) | cosine | step, warmupSteps, ... }` (cosine's `minLr` is checked against the rate by the run config). */
export const scheduleSchema = z
  .preprocess(
    defaultKind('constant'),
    byKind([
      object({ kind: oneOf(['constant'] as const), warmupSteps: optional(int(0), 0) }),
      object({
        kind: oneOf(['cosine'] as const),
        warmupSteps: optional(int(0), 0),
        totalSteps: int(1).optional(),
        minLr: optional(finite({ min: 0 }), 0),
      }),
      object({
        kind: oneOf(['step'] as const),
        warmupSteps: optional(int(0), 0),
        every: int(1),
        gamma: optional(finite({ above: 0, max: 1 }), 0.1),
      }),
    ]),
  )
  .transform((v): ScheduleConfig => v)
  .describe('The learning-rate schedule (default constant), with a linear warm-up.');

/**
 * The schedule with cosine's `totalSteps` filled in: the run's step limit, or its epochs × batches
 * per epoch. A checkpoint records the result, so a resumed run follows the same curve.
 * @throws ConfigError naming `schedule.totalSteps` when a cosine run is limited by time only, or `schedule.warmupSteps` when it is not below totalSteps
 */
export function scheduleFor(
  schedule: ScheduleConfig,
  lr: number,
  limits: { steps: number | null; epochs: number | null },
  batchesPerEpoch: number,
): ScheduleConfig {
  if (schedule.kind !== 'cosine' || schedule.totalSteps !== undefined) return schedule;
  const totalSteps = limits.steps ?? (limits.epochs === null ? null : limits.epochs * batchesPerEpoch);
  if (totalSteps === null)
    throw new ConfigError('schedule.totalSteps', 'a cosine schedule of a run limited by train.timeBudget alone needs its length in steps');
  const out = { ...schedule, totalSteps };
  if (out.warmupSteps >= totalSteps)
    throw new ConfigError('schedule.warmupSteps', `is ${out.warmupSteps}, not below the ${totalSteps} steps of the cosine schedule`);
  checkSchedule(out, lr);
  return out;
}

/**
 * The engine optimizer of a resolved `optimizer` section, and the learning rate of each step.
 * @example
 * const { optimizer, lrAt } = buildOptimizer(config.optimizer, schedule, config.train.learningRate);
 * optimizer.learningRate = lrAt(step);
 */
export function buildOptimizer(
  o: OptimizerConfig,
  schedule: ScheduleConfig,
  lr: number,
): { optimizer: ScheduledOptimizer; lrAt: (step: number) => number } {
  const { clipNorm, ...rest } = o;
  const optimizer = createOptimizer({ ...rest, lr, ...(clipNorm === null ? {} : { clipNorm }) });
  return { optimizer, lrAt: (step) => learningRateAt(schedule, lr, step) };
}
