/**
 * `infomax train`: locks the run folder, builds the objective a config describes,
 * restores a checkpoint to resume from, and hands them to a {@link Trainer} with the
 * command's callbacks (metrics record, progress line, plots, stop on a signal).
 */
import { promises as fsp } from 'fs';
import { ConfigError as OptionError, initEngine, type ScheduledOptimizer } from '@infomax/engine';
import { buildObjective, type Objective } from '@infomax/objectives';
import { loadCheckpoint, type LoadedCheckpoint } from './checkpoint';
import type { TrainConfig } from './config';
import { ConfigError, EXIT } from './errors';
import { loadData } from './datasets';
import { batchSource } from './batch-source';
import { loadGraphData } from './graph-data';
import type { EvaluationResult } from './evaluation';
import { Progress } from './progress';
import { RunFolder } from './run-folder';
import { RunLock } from './run-lock';
import { startPosition, Trainer } from './trainer';
import { metricsRecord, progressLine, runPlots, stopOnSignal } from './callbacks';
import { canonicalJson } from './internal/checkpoint-format';
import { restoreState } from './internal/state';
import { buildOptimizer, scheduleFor } from './optimizer-config';
import { writeFileAtomic } from './internal/engine-node';
import { checkThreads, resolveThreads } from './internal/threads';
import { openLoggers } from './loggers/logger';

/** Options of {@link train} beyond the config. */
export interface TrainOptions {
  /** Continue the run in `config.out` from its latest checkpoint. */
  resume: boolean;
  /** Start afresh even if `config.out` holds a run. */
  overwrite: boolean;
  /** Where progress and log lines go. Default `process.stderr`. */
  log?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/** What a finished (or interrupted) run reports. */
export interface TrainResult {
  /** Exit code: 0, or 130 when a signal stopped it (after checkpointing). */
  code: number;
  step: number;
  /** Final evaluation of the trained encoder (absent when interrupted). */
  evaluation?: EvaluationResult;
  /** The same encoder at its random initialisation. */
  randomInit?: EvaluationResult;
  /** The one-line summary printed last. */
  summary?: string;
}

/**
 * Trains, checkpoints and evaluates one run. The run folder is locked first, before
 * anything is loaded or written; a run that fails before its first step leaves nothing behind.
 * @param config resolved config (see `resolveConfig`); on resume, the checkpoint's config with any overrides (its objective must be the checkpoint's)
 * @throws ConfigError (bad objective config, unusable out folder, existing run without --resume/--overwrite), RunBusyError (another live run holds the folder),
 *   DatasetError, NumericError (a non-finite loss, metric, gradient, optimizer slot or weight), CheckpointError
 * @example
 * const r = await train(resolveConfig({ train: { steps: 100 } }), { resume: false, overwrite: true });
 */
export async function train(config: TrainConfig, options: TrainOptions): Promise<TrainResult> {
  const log = new Progress(options.log ?? process.stderr, config.log.every);
  const run = new RunFolder(config.out);
  const created = await run.prepare();
  let lock: RunLock;
  try {
    lock = RunLock.acquire(run.dir, 'infomax train');
  } catch (e) {
    if (created !== null) await fsp.rm(created, { recursive: true, force: true });
    throw e;
  }
  // Whether the folder holds something to keep if this run fails: someone's run (until --overwrite
  // clears it), or this run once it has taken a step.
  let keep = run.exists();
  let objective: Objective | null = null;
  let optimizer: ScheduledOptimizer | null = null;
  try {
    let resumed: LoadedCheckpoint | null = null;
    if (options.resume) {
      resumed = await loadCheckpoint(run.dir);
      const saved = (resumed.config as TrainConfig).objective;
      if (canonicalJson(saved) !== canonicalJson(config.objective)) {
        throw new ConfigError('objective', `differs from the one of the checkpoint in '${resumed.dir}': a resumed run keeps its objective`);
      }
      const savedKind = (resumed.config as Partial<TrainConfig>).optimizer?.kind ?? 'adam';
      if (savedKind !== config.optimizer.kind) {
        throw new ConfigError(
          'optimizer.kind',
          `is ${config.optimizer.kind}, the checkpoint in '${resumed.dir}' holds ${savedKind}'s state: a resumed run keeps its optimizer`,
        );
      }
    } else if (run.exists() && !options.overwrite) {
      throw new ConfigError(
        'out',
        `'${run.dir}' already holds a run: pass --resume to continue it, --overwrite to start again, or choose another --out`,
      );
    }
    const engine = await initEngine({ backend: config.backend, threads: resolveThreads(config), log: null });
    checkThreads(config, engine);
    log.message(engine.reason);
    const data = config.data.dataset === 'tu' ? await loadGraphData(config.data) : await loadData(config.data, config.seed);
    log.message(`infomax: data ${data.summary}`);
    if ('graphs' in data)
      log.message(
        'infomax: no held-out metrics for graphs: every graph trains (as InfoGraph does), and the probe cross-validates over them',
      );
    const source = batchSource(data);
    if (source.count < config.train.batchSize) {
      throw new ConfigError(
        'train.batchSize',
        `is ${config.train.batchSize}, more than the ${source.count} training ${source.unit}: not one step can be taken`,
      );
    }
    objective = objectiveOf({ seed: config.seed, ...source.shape, ...config.objective });
    // The filled-in objective config is what a checkpoint needs to rebuild the same objective.
    config = { ...config, objective: objective.config as TrainConfig['objective'] };
    const schedule = scheduleFor(config.schedule, config.train.learningRate, config.train, source.batchesPerEpoch(config.train.batchSize));
    config = { ...config, schedule };
    const built = buildOptimizer(config.optimizer, schedule, config.train.learningRate);
    optimizer = built.optimizer;
    let pos = startPosition(config.seed);
    if (resumed) {
      await restoreState(objective, optimizer, resumed.groups, resumed.dir);
      await run.truncateMetrics(resumed.metricsBytes, resumed.metricsSha256);
      const { dir: _dir, config: _config, groups: _groups, ...position } = resumed;
      pos = position;
      log.message(`infomax: resumed ${resumed.dir} at step ${pos.step} (epoch ${pos.epoch}, batch ${pos.position})`);
    } else {
      await run.clear();
      keep = false;
    }
    await writeFileAtomic(run.configFile, `${JSON.stringify(config, null, 2)}\n`);
    run.attach(await openLoggers(run.dir, config.log.loggers, await run.readMetrics()));
    const threads = engine.threads;
    const trainer = new Trainer(
      { config, objective, optimizer, lrAt: built.lrAt, data, source, run, pos },
      [
        { onStep: () => void (keep = true) },
        metricsRecord(run, config.log.every),
        progressLine(log, config.train.batchSize),
        runPlots(log),
        stopOnSignal(),
      ],
      resumed ? pos.step : -1,
    );
    if (!resumed) await trainer.checkpoint();
    log.message(
      `infomax: training ${objective.config.kind} on ${'graphs' in data ? data.graphs.name : data.train.name} (${source.description}), ` +
        `batch ${config.train.batchSize}, ${limitText(config)}, ${threads} thread${threads > 1 ? 's' : ''}; run folder ${run.dir}`,
    );

    if ((await trainer.fit()) === 'stopped') {
      await trainer.checkpoint();
      log.message(`infomax: interrupted at step ${pos.step}; checkpoint saved in ${run.checkpointsDir} (continue with --resume)`);
      return { code: EXIT.interrupted, step: pos.step };
    }
    log.message(
      `infomax: trained ${pos.step} steps in ${(pos.elapsedMs / 1000).toFixed(0)} s; evaluating the ${config.eval.layer} features`,
    );
    const { evaluation, randomInit } = await trainer.finish();
    log.message(
      `infomax: probes took ${evaluation.seconds.toFixed(0)} s (trained)${randomInit ? ` + ${randomInit.seconds.toFixed(0)} s (random init)` : ''}; plots in ${run.plotsDir}`,
    );
    const pct = (r: EvaluationResult) => `${(100 * r.testAccuracy).toFixed(1)}%`;
    const probe = 'graphs' in data ? '10-fold cross-validated linear probe' : 'linear probe';
    const summary =
      `${probe}, ${evaluation.dim}-d ${evaluation.layer}: ${pct(evaluation)}` +
      (randomInit ? ` (random-init encoder: ${pct(randomInit)})` : '');
    return { code: EXIT.ok, step: pos.step, evaluation, randomInit, summary };
  } catch (e) {
    // Nothing of a run that never took a step is worth keeping, and it would block the corrected command.
    if (!keep) await discard(run, created);
    throw e;
  } finally {
    objective?.dispose();
    optimizer?.dispose();
    lock.release();
  }
}

async function discard(run: RunFolder, created: string | null): Promise<void> {
  await run.clear();
  if (created !== null) await fsp.rm(created, { recursive: true, force: true });
}

function limitText(c: TrainConfig): string {
  const parts = [];
  if (c.train.steps !== null) parts.push(`${c.train.steps} steps`);
  if (c.train.epochs !== null) parts.push(`${c.train.epochs} epochs`);
  if (c.train.timeBudget !== null) parts.push(`${c.train.timeBudget} s budget`);
  return parts.join(' or ');
}

/**
 * The run's objective; a bad key of the objective config is reported by its path in the
 * run file (`config 'objective.augment[1].p': expected …`), not inside `buildObjective`'s.
 */
function objectiveOf(config: Parameters<typeof buildObjective>[0]): Objective {
  try {
    return buildObjective(config);
  } catch (e) {
    if (e instanceof OptionError && e.key)
      throw new ConfigError(e.key.path === '' ? 'objective' : `objective.${e.key.path}`, e.key.problem);
    throw e;
  }
}
