/**
 * The `optimizer` and `schedule` sections of the trainer's config: validated with every
 * default filled in, and turned into the engine's optimizer and the learning rate of each step.
 * The base learning rate stays `train.learningRate` (flag `--lr`) for every optimizer kind.
 */
import { checkSchedule, createOptimizer, learningRateAt, OPTIMIZER_KEYS, OPTIMIZER_KINDS, SCHEDULE_KINDS,
  type OptimizerKind, type ScheduledOptimizer, type ScheduleSpec } from '@infomax/engine';
import { ConfigError } from './errors';
import { bool, fail, int, oneOf, opt, positive, section, type Raw } from './internal/validate';

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

const DEFAULTS: Record<OptimizerKind, Omit<OptimizerConfig, 'kind' | 'clipNorm'>> = {
  adam: { betas: [0.9, 0.999] },
  adamw: { betas: [0.9, 0.999], weightDecay: 0.01 },
  sgd: { momentum: 0, nesterov: false, weightDecay: 0 },
  lars: { momentum: 0.9, nesterov: false, weightDecay: 0, trustCoefficient: 0.001, excludeBiases: true },
};

/**
 * Validates the `optimizer` section.
 * @throws ConfigError naming the key (`optimizer.momentum`: a key the kind does not take, or a value out of range)
 * @example
 * resolveOptimizer({ kind: 'sgd', momentum: 0.9 }); // { kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 0, clipNorm: null }
 */
export function resolveOptimizer(raw: unknown): OptimizerConfig {
  const kind = opt((raw as Raw | undefined)?.kind, 'adam' as OptimizerKind, (v) => oneOf('optimizer.kind', v, OPTIMIZER_KINDS));
  if ((raw as Raw | undefined)?.lr !== undefined) throw new ConfigError('optimizer.lr', 'the learning rate is train.learningRate (flag --lr), for every optimizer kind');
  const known = ['kind', ...OPTIMIZER_KEYS[kind]];
  for (const key of Object.keys((raw as Raw | undefined) ?? {})) {
    if (!known.includes(key)) throw new ConfigError(`optimizer.${key}`, `not a key of optimizer kind '${kind}'; its keys: ${known.join(', ')}`);
  }
  const o = section('optimizer', raw, known);
  const unit = (key: string) => (v: unknown) => (typeof v === 'number' && v >= 0 && v < 1 ? v : fail(`optimizer.${key}`, 'a number in [0, 1)', v));
  const d = DEFAULTS[kind];
  const out: OptimizerConfig = { kind, ...d, clipNorm: opt(o.clipNorm, null, (v) => positive('optimizer.clipNorm', v)) };
  if (o.betas !== undefined) {
    if (!Array.isArray(o.betas) || o.betas.length !== 2) fail('optimizer.betas', '[β1, β2]', o.betas);
    out.betas = [unit('betas[0]')(o.betas[0]), unit('betas[1]')(o.betas[1])];
  }
  if (o.epsilon !== undefined) out.epsilon = positive('optimizer.epsilon', o.epsilon);
  out.weightDecay = opt(o.weightDecay, d.weightDecay, (v) => (typeof v === 'number' && v >= 0 && Number.isFinite(v) ? v : fail('optimizer.weightDecay', 'a finite number ≥ 0', v)));
  out.momentum = opt(o.momentum, d.momentum, unit('momentum'));
  out.nesterov = opt(o.nesterov, d.nesterov, (v) => bool('optimizer.nesterov', v));
  if (out.nesterov && out.momentum === 0) throw new ConfigError('optimizer.nesterov', 'needs optimizer.momentum above 0');
  out.trustCoefficient = opt(o.trustCoefficient, d.trustCoefficient, (v) => positive('optimizer.trustCoefficient', v));
  out.excludeBiases = opt(o.excludeBiases, d.excludeBiases, (v) => bool('optimizer.excludeBiases', v));
  for (const key of Object.keys(out) as (keyof OptimizerConfig)[]) if (out[key] === undefined) delete out[key];
  return out;
}

/**
 * Validates the `schedule` section against the base rate; cosine's `totalSteps` may stay
 * unset here (see {@link scheduleFor}).
 * @throws ConfigError naming the key (`schedule.every`, ...)
 * @example
 * resolveSchedule({ kind: 'cosine', warmupSteps: 500 }, 1e-3); // { kind: 'cosine', warmupSteps: 500, minLr: 0 }
 */
export function resolveSchedule(raw: unknown, lr: number): ScheduleConfig {
  const kind = opt((raw as Raw | undefined)?.kind, 'constant' as const, (v) => oneOf('schedule.kind', v, SCHEDULE_KINDS));
  const keys = { constant: [], cosine: ['totalSteps', 'minLr'], step: ['every', 'gamma'] }[kind];
  const s = section('schedule', raw, ['kind', 'warmupSteps', ...keys]);
  const out: ScheduleConfig = { kind, warmupSteps: opt(s.warmupSteps, 0, (v) => int('schedule.warmupSteps', v, 0)) };
  if (kind === 'cosine') {
    if (s.totalSteps !== undefined) out.totalSteps = int('schedule.totalSteps', s.totalSteps, 1);
    out.minLr = opt(s.minLr, 0, (v) => (typeof v === 'number' && v >= 0 && v <= lr ? v : fail('schedule.minLr', `a number in [0, train.learningRate = ${lr}]`, v)));
  }
  if (kind === 'step') {
    if (s.every === undefined) throw new ConfigError('schedule.every', 'a step schedule needs the steps between decays');
    out.every = int('schedule.every', s.every, 1);
    out.gamma = opt(s.gamma, 0.1, (v) => (typeof v === 'number' && v > 0 && v <= 1 ? v : fail('schedule.gamma', 'a number in (0, 1]', v)));
  }
  return out;
}

/**
 * The schedule with cosine's `totalSteps` filled in: the run's step limit, or its epochs × batches
 * per epoch. A checkpoint records the result, so a resumed run follows the same curve.
 * @throws ConfigError naming `schedule.totalSteps` when a cosine run is limited by time only, or `schedule.warmupSteps` when it is not below totalSteps
 */
export function scheduleFor(schedule: ScheduleConfig, lr: number, limits: { steps: number | null; epochs: number | null }, batchesPerEpoch: number): ScheduleConfig {
  if (schedule.kind !== 'cosine' || schedule.totalSteps !== undefined) return schedule;
  const totalSteps = limits.steps ?? (limits.epochs === null ? null : limits.epochs * batchesPerEpoch);
  if (totalSteps === null) throw new ConfigError('schedule.totalSteps', 'a cosine schedule of a run limited by train.timeBudget alone needs its length in steps');
  const out = { ...schedule, totalSteps };
  if (out.warmupSteps >= totalSteps) throw new ConfigError('schedule.warmupSteps', `is ${out.warmupSteps}, not below the ${totalSteps} steps of the cosine schedule`);
  checkSchedule(out, lr);
  return out;
}

/**
 * The engine optimizer of a resolved `optimizer` section, and the learning rate of each step.
 * @example
 * const { optimizer, lrAt } = buildOptimizer(config.optimizer, schedule, config.train.learningRate);
 * optimizer.learningRate = lrAt(step);
 */
export function buildOptimizer(o: OptimizerConfig, schedule: ScheduleConfig, lr: number): { optimizer: ScheduledOptimizer; lrAt: (step: number) => number } {
  const { clipNorm, ...rest } = o;
  const optimizer = createOptimizer({ ...rest, lr, ...(clipNorm === null ? {} : { clipNorm }) });
  return { optimizer, lrAt: (step) => learningRateAt(schedule, lr, step) };
}
