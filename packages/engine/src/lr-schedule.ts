/**
 * Learning-rate schedules as pure functions of the step: a resumed run needs no state
 * beyond its step count to continue on the same curve.
 */
import { ConfigError } from './errors';

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

/**
 * Checks a schedule against its base rate.
 * @throws ConfigError naming the field (`schedule.totalSteps`, ...) and what was expected
 * @example
 * checkSchedule({ kind: 'cosine', totalSteps: 1000, warmupSteps: 100 }, 1e-3);
 */
export function checkSchedule(spec: ScheduleSpec, lr: number): void {
  const fail = (key: string, want: string, got: unknown): never => {
    throw new ConfigError(`schedule.${key} must be ${want}, got ${JSON.stringify(got)}`);
  };
  if (!(SCHEDULE_KINDS as readonly string[]).includes(spec.kind)) fail('kind', `one of ${SCHEDULE_KINDS.join(', ')}`, spec.kind);
  const int = (key: 'warmupSteps' | 'totalSteps' | 'every', min: number) => {
    const v = spec[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) fail(key, `an integer ≥ ${min}`, v);
  };
  int('warmupSteps', 0);
  int('totalSteps', 1);
  int('every', 1);
  if (spec.minLr !== undefined && !(Number.isFinite(spec.minLr) && spec.minLr >= 0 && spec.minLr <= lr))
    fail('minLr', `in [0, lr = ${lr}]`, spec.minLr);
  if (spec.gamma !== undefined && !(Number.isFinite(spec.gamma) && spec.gamma > 0 && spec.gamma <= 1))
    fail('gamma', 'in (0, 1]', spec.gamma);
  if (spec.kind === 'cosine') {
    if (spec.totalSteps === undefined) fail('totalSteps', 'given for a cosine schedule (the step where it ends)', undefined);
    if ((spec.warmupSteps ?? 0) >= spec.totalSteps!)
      fail('warmupSteps', `below schedule.totalSteps = ${spec.totalSteps}`, spec.warmupSteps);
  }
  if (spec.kind === 'step' && spec.every === undefined) fail('every', 'given for a step schedule (steps between decays)', undefined);
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
 * @param spec the schedule (checked: see {@link checkSchedule})
 * @param lr the base learning rate (> 0)
 * @param step the step number, an integer ≥ 0
 * @returns the rate, a positive number (0 only for cosine with minLr 0 at s ≥ T)
 * @throws ConfigError for a bad schedule or step
 * @example
 * learningRateAt({ kind: 'cosine', warmupSteps: 10, totalSteps: 110 }, 0.1, 60); // 0.05
 */
export function learningRateAt(spec: ScheduleSpec, lr: number, step: number): number {
  checkSchedule(spec, lr);
  if (!(Number.isInteger(step) && step >= 0)) throw new ConfigError(`learningRateAt: step must be an integer ≥ 0, got ${step}`);
  const warmup = spec.warmupSteps ?? 0;
  if (step < warmup) return (lr * (step + 1)) / warmup;
  switch (spec.kind) {
    case 'constant':
      return lr;
    case 'step':
      return lr * (spec.gamma ?? 0.1) ** Math.floor(step / spec.every!);
    case 'cosine': {
      const minLr = spec.minLr ?? 0;
      const total = spec.totalSteps!;
      if (step >= total) return minLr;
      return minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * (step - warmup)) / (total - warmup)))) / 2;
    }
  }
}
