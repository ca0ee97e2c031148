/**
 * The `optimizer` and `schedule` sections of the trainer's config: validated with every
 * default filled in, and turned into the engine's optimizer and the learning rate of each step.
 * The base learning rate stays `train.learningRate` (flag `--lr`) for every optimizer kind.
 */
import { z } from 'zod';
import {
  bool,
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
  OPTIMIZER_KINDS,
  reject,
  SCHEDULE_KINDS,
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

/** Each optimizer kind's keys, their ranges and defaults. */
const OPTIMIZER_SCHEMAS = {
  adam: object({ kind: oneOf(['adam'] as const), betas, epsilon, clipNorm }),
  adamw: object({ kind: oneOf(['adamw'] as const), betas, epsilon, weightDecay: optional(finite({ min: 0 }), 0.01), clipNorm }),
  sgd: object({
    kind: oneOf(['sgd'] as const),
    momentum: optional(unit(), 0),
    nesterov,
    weightDecay: optional(finite({ min: 0 }), 0),
    clipNorm,
  }),
  lars: object({
    kind: oneOf(['lars'] as const),
    momentum: optional(unit(), 0.9),
    nesterov,
    weightDecay: optional(finite({ min: 0 }), 0),
    trustCoefficient: optional(finite({ above: 0 }), 0.001),
    excludeBiases: optional(bool(), true),
    clipNorm,
  }),
};

/** Each schedule kind's keys, their ranges and defaults (cosine's `minLr` is checked against the rate by the run config). */
const SCHEDULE_SCHEMAS = {
  constant: object({ kind: oneOf(['constant'] as const), warmupSteps: optional(int(0), 0) }),
  cosine: object({
    kind: oneOf(['cosine'] as const),
    warmupSteps: optional(int(0), 0),
    totalSteps: int(1).optional(),
    minLr: optional(finite({ min: 0 }), 0),
  }),
  step: object({
    kind: oneOf(['step'] as const),
    warmupSteps: optional(int(0), 0),
    every: int(1),
    gamma: optional(finite({ above: 0, max: 1 }), 0.1),
  }),
};

/**
 * A section whose keys depend on its `kind` (default `fallback`): the kind's schema parses it,
 * its issues reported under the section's path; `check` may refuse it first (returning true).
 */
function byKind<K extends string, S extends Record<K, z.ZodType>>(
  kinds: readonly K[],
  schemas: S,
  fallback: K,
  check?: (raw: Record<string, unknown>, ctx: CheckContext) => boolean,
) {
  return z.unknown().transform((raw, ctx): z.output<S[K]> => {
    const given = raw ?? {};
    if (typeof given !== 'object' || Array.isArray(given)) return reject(ctx, [], 'an object with a kind', raw);
    const section = given as Record<string, unknown>;
    const kind = section.kind ?? fallback;
    if (!(kinds as readonly unknown[]).includes(kind)) return reject(ctx, ['kind'], `one of ${kinds.join(', ')}`, kind);
    if (check?.(section, ctx)) return z.NEVER;
    const parsed = schemas[kind as K].safeParse({ ...section, kind }, { reportInput: true });
    if (parsed.success) return parsed.data as z.output<S[K]>;
    for (const issue of parsed.error.issues) ctx.issues.push(issue as never);
    return z.NEVER;
  });
}

/** The `optimizer` section: `{ kind: adam | adamw | sgd | lars, ... }`, each kind's keys only. */
export const optimizerSchema = byKind(OPTIMIZER_KINDS, OPTIMIZER_SCHEMAS, 'adam', (raw, ctx) => {
  if (raw.lr === undefined) return false;
  reject(ctx, ['lr'], 'no lr here: the learning rate is train.learningRate (flag --lr), for every optimizer kind', raw.lr);
  return true;
})
  .transform((o, ctx): OptimizerConfig =>
    'nesterov' in o && o.nesterov && o.momentum === 0
      ? reject(ctx, ['nesterov'], 'false while optimizer.momentum is 0 (Nesterov needs momentum)', o.nesterov)
      : (o as OptimizerConfig),
  )
  .describe(
    'The optimizer: { kind: adam (default) | adamw | sgd | lars, betas, epsilon, weightDecay, momentum, nesterov, trustCoefficient, excludeBiases, clipNorm }; its learning rate is train.learningRate.',
  );

/** The `schedule` section: `{ kind: constant | cosine | step, warmupSteps, ... }`. */
export const scheduleSchema = byKind(SCHEDULE_KINDS, SCHEDULE_SCHEMAS, 'constant')
  .transform((v): ScheduleConfig => v)
  .describe('The learning-rate schedule: { kind: constant (default) | cosine (totalSteps, minLr) | step (every, gamma), warmupSteps }.');

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
