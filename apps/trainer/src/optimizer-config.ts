/**
 * The `optimizer` and `schedule` sections of the trainer's config: validated with every
 * default filled in, and turned into the engine's optimizer and the learning rate of each step.
 * The base learning rate stays `train.learningRate` (flag `--lr`) for every optimizer kind.
 */
import { z } from 'zod';
import {
  checkSchedule,
  createOptimizer,
  learningRates,
  optimizerConfigSchema,
  reject,
  scheduleConfigSchema,
  type Infer,
  type OptimizerKind,
  type ScheduledOptimizer,
} from '@infomax/engine';
import { ConfigError } from './errors';

/** `train.learningRate` when not given, by optimizer kind: DIM's Adam rate, and common SGD / LARS base rates. */
export const DEFAULT_LEARNING_RATE: Record<OptimizerKind, number> = { adam: 1e-4, adamw: 1e-4, sgd: 0.01, lars: 0.1 };

/**
 * The `optimizer` section: the engine's optimizer config, `{ kind: adam (default) | adamw | sgd | lars, ... }`
 * with each kind's keys only; its learning rate is `train.learningRate`.
 */
export const optimizerSchema = z
  .preprocess((v, ctx) => {
    // The one key users carry over from other trainers: say where it lives, rather than "unknown key".
    if (v === null || typeof v !== 'object' || !('lr' in v)) return v;
    const { lr, ...rest } = v as Record<string, unknown>;
    reject(ctx, ['lr'], 'no lr here: the learning rate is train.learningRate (flag --lr), for every optimizer kind', lr);
    return rest;
  }, optimizerConfigSchema)
  .describe('The optimizer (default adam); its learning rate is train.learningRate.');

/**
 * The `schedule` section: the engine's schedule config, `{ kind: constant (default) | cosine | step, warmupSteps, ... }`
 * (cosine's `minLr` is checked against the rate by the run config, its `totalSteps` filled in by {@link scheduleFor}).
 */
export const scheduleSchema = scheduleConfigSchema.describe('The learning-rate schedule (default constant), with a linear warm-up.');

/** The resolved `optimizer` section: its kind and every field that kind takes, defaults filled in. */
export type OptimizerConfig = Infer<typeof optimizerSchema>;

/** The resolved `schedule` section: its kind and every field that kind takes, defaults filled in. */
export type ScheduleConfig = Infer<typeof scheduleSchema>;

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
  return { optimizer, lrAt: learningRates(schedule, lr) };
}
