/**
 * Learning-rate schedules as pure functions of the step: a resumed run needs no state
 * beyond its step count to continue on the same curve.
 */
import type { z } from 'zod';
import { ConfigError } from './errors';
import { byKind, finite, int, object, oneOf, optional, reject, type CheckContext } from './schema/fields';
import { parseConfig } from './schema/parse-config';

/** Schedule kinds {@link learningRateAt} knows, declared once. */
export const SCHEDULE_KINDS = ['constant', 'cosine', 'step'] as const;
/** One of {@link SCHEDULE_KINDS}. */
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

/** A learning-rate schedule. Every field but `kind` is optional. */
export interface ScheduleSpec {
  /** `constant`: the base rate; `cosine`: half a cosine from the base rate down to `minLr`; `step`: ×`gamma` every `every` steps. */
  kind: ScheduleKind;
  /** Steps of linear warm-up from lr/warmupSteps to lr (step s < warmupSteps uses lr·(s+1)/warmupSteps). Default 0. */
  warmupSteps?: number;
  /** `cosine`: the step at which the curve reaches `minLr` (and stays). Required for `cosine`. */
  totalSteps?: number;
  /** `cosine`: the final rate, ≥ 0 and at most the base rate. Default 0. */
  minLr?: number;
  /** `step`: steps between decays (counted from step 0). Required for `step`. */
  every?: number;
  /** `step`: the factor of each decay, in (0, 1]. Default 0.1. */
  gamma?: number;
}

const warmupSteps = optional(int(0), 0).describe(
  'Steps of linear warm-up from lr/warmupSteps to lr (step s < warmupSteps uses lr·(s+1)/warmupSteps). Default 0.',
);
const minLr = optional(finite({ min: 0 }), 0).describe('cosine: the final rate, ≥ 0 and at most the base rate. Default 0.');
const every = int(1).describe('step: steps between decays (counted from step 0).');
const gamma = optional(finite({ above: 0, max: 1 }), 0.1).describe('step: the factor of each decay, in (0, 1]. Default 0.1.');
const totalSteps = int(1).describe('cosine: the step at which the curve reaches minLr (and stays).');
const STEP = int(0);

/** The cosine curve must have steps left after its warm-up. */
function warmupBeforeEnd<S extends { warmupSteps: number; totalSteps?: number }>(s: S, ctx: CheckContext): S {
  return s.totalSteps !== undefined && s.warmupSteps >= s.totalSteps
    ? reject(ctx, ['warmupSteps'], `an integer below totalSteps = ${s.totalSteps}`, s.warmupSteps)
    : s;
}

/** The three kinds' schemas (no `kind`: constant), cosine's length given by `length`. */
function scheduleKinds<T extends z.ZodType<number | undefined, number | undefined>>(length: T) {
  return byKind([
    object({ kind: optional(oneOf(['constant'] as const), 'constant'), warmupSteps }),
    object({ kind: oneOf(['cosine'] as const), warmupSteps, totalSteps: length, minLr }).transform(warmupBeforeEnd),
    object({ kind: oneOf(['step'] as const), warmupSteps, every, gamma }),
  ]);
}

/**
 * A {@link ScheduleSpec} as {@link learningRateAt} takes it: each kind's fields only (cosine
 * needs `totalSteps`, step needs `every`), every default filled in; its JSON Schema
 * (`jsonSchemaOf`) is a `oneOf` by kind. `minLr` ≤ the base rate is checked by {@link checkSchedule}.
 * @example
 * parseConfig(scheduleSpecSchema, { kind: 'step', every: 30 }, fail); // { kind: 'step', warmupSteps: 0, every: 30, gamma: 0.1 }
 */
export const scheduleSpecSchema = scheduleKinds(totalSteps);

/**
 * The same with cosine's `totalSteps` optional: a schedule section of a config file whose
 * runner fills in the length from the run's own (the `infomax` trainer's `schedule` section).
 * @example
 * parseConfig(scheduleConfigSchema, { kind: 'cosine', warmupSteps: 100 }, fail); // { kind: 'cosine', warmupSteps: 100, minLr: 0 }
 */
export const scheduleConfigSchema = scheduleKinds(totalSteps.optional().describe(`${totalSteps.description} Default: the run's length.`));

/** The schedule with its defaults, checked against its base rate. */
function parseSchedule(spec: ScheduleSpec, lr: number) {
  const withRate = scheduleSpecSchema.transform((s, ctx) =>
    s.kind === 'cosine' && s.minLr > lr ? reject(ctx, ['minLr'], `a number in [0, lr = ${lr}]`, s.minLr) : s,
  );
  return parseConfig(withRate, spec, (path, message) => new ConfigError(`${path === '' ? 'schedule' : `schedule.${path}`}: ${message}`));
}

/**
 * Checks a schedule against its base rate.
 * @throws ConfigError `schedule.<key>: expected <what>, got <value>` (`schedule.totalSteps` of a cosine schedule
 *   without one, `schedule.minLr` above `lr`, ...), or the unknown key and the kind's known ones
 * @example
 * checkSchedule({ kind: 'cosine', totalSteps: 1000, warmupSteps: 100 }, 1e-3);
 */
export function checkSchedule(spec: ScheduleSpec, lr: number): void {
  parseSchedule(spec, lr);
}

/**
 * The learning rate of step `step` (0-based: the rate the step-th update uses).
 *
 * - warm-up (s < W): lr·(s + 1)/W (Goyal et al. 2017, "Accurate, Large Minibatch SGD", arXiv:1706.02677);
 * - `cosine`: minLr + (lr − minLr)·(1 + cos(π·(s − W)/(T − W)))/2 for W ≤ s < T, minLr from T on
 *   (Loshchilov & Hutter 2017, "SGDR", arXiv:1608.03983, one cycle without restarts);
 * - `step`: lr·gamma^⌊s/every⌋;
 * - `constant`: lr.
 *
 * @param spec the schedule (checked, defaults filled in: see {@link checkSchedule})
 * @param lr the base learning rate (> 0)
 * @param step the step number, an integer ≥ 0
 * @returns the rate, a positive number (0 only for cosine with minLr 0 at s ≥ T)
 * @throws ConfigError for a bad schedule or step
 * @example
 * learningRateAt({ kind: 'cosine', warmupSteps: 10, totalSteps: 110 }, 0.1, 60); // 0.05
 */
export function learningRateAt(spec: ScheduleSpec, lr: number, step: number): number {
  return learningRates(spec, lr)(step);
}

/**
 * The schedule as a function of the step, checked once: what a training loop calls every
 * step (see {@link learningRateAt} for the formulas).
 * @param spec the schedule
 * @param lr the base learning rate (> 0)
 * @returns `step ↦` the rate of that step (an integer ≥ 0)
 * @throws ConfigError for a bad schedule now, for a bad step when called
 * @example
 * const lrAt = learningRates({ kind: 'cosine', warmupSteps: 10, totalSteps: 110 }, 0.1);
 * lrAt(60); // 0.05
 */
export function learningRates(spec: ScheduleSpec, lr: number): (step: number) => number {
  const s = parseSchedule(spec, lr);
  const warmup = s.warmupSteps;
  return (step) => {
    if (!Number.isInteger(step) || step < 0)
      parseConfig(STEP, step, (_, message) => new ConfigError(`learningRateAt: argument step: ${message}`));
    if (step < warmup) return (lr * (step + 1)) / warmup;
    switch (s.kind) {
      case 'constant':
        return lr;
      case 'step':
        return lr * s.gamma ** Math.floor(step / s.every);
      case 'cosine': {
        if (step >= s.totalSteps) return s.minLr;
        return s.minLr + ((lr - s.minLr) * (1 + Math.cos((Math.PI * (step - warmup)) / (s.totalSteps - warmup)))) / 2;
      }
    }
  };
}
