/**
 * `infomax train`: locks the run folder, builds the objective a config describes,
 * trains it on a dataset with Adam, logs metrics, checkpoints atomically, resumes
 * bit for bit, evaluates with a linear probe and draws the plots.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { adam, initEngine, Rng } from '@infomax/engine';
import { batchStream, type ImageDataset } from '@infomax/data';
import { buildObjective, trainStepAsync, type Objective } from '@infomax/objectives';
import { loadCheckpoint, saveCheckpoint, type LoadedCheckpoint, type TrainingPosition } from './checkpoint';
import type { TrainConfig } from './config';
import { ConfigError, EXIT, NumericError } from './errors';
import { loadData, type LoadedData } from './datasets';
import { evaluateEncoder, project, type EvaluationResult } from './evaluation';
import { plotMetrics, plotPca } from './plots';
import { Progress } from './progress';
import { RunFolder } from './run-folder';
import { RunLock } from './run-lock';
import { canonicalJson, EMPTY_SHA256 } from './internal/checkpoint-format';
import { restoreState, withState } from './internal/state';
import { heldOutMetrics } from './internal/held-out';
import { writeFileAtomic, type ExampleParallel } from './internal/engine-node';
import { resolveThreads, startThreads } from './internal/threads';

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
  let optimizer: tf.Optimizer | null = null;
  let parallel: ExampleParallel | null = null;
  try {
    let resumed: LoadedCheckpoint | null = null;
    if (options.resume) {
      resumed = await loadCheckpoint(run.dir);
      const saved = (resumed.config as TrainConfig).objective;
      if (canonicalJson(saved) !== canonicalJson(config.objective)) {
        throw new ConfigError('objective', `differs from the one of the checkpoint in '${resumed.dir}': a resumed run keeps its objective`);
      }
    } else if (run.exists() && !options.overwrite) {
      throw new ConfigError('out', `'${run.dir}' already holds a run: pass --resume to continue it, --overwrite to start again, or choose another --out`);
    }
    const engine = await initEngine({ backend: config.backend, log: null });
    log.message(engine.reason);
    const data = await loadData(config.data, config.seed);
    log.message(`infomax: data ${data.summary}`);
    const { train: trainSet } = data;
    if (trainSet.count < config.train.batchSize) {
      throw new ConfigError('train.batchSize', `is ${config.train.batchSize}, more than the ${trainSet.count} training images: not one step can be taken`);
    }
    const inputShape = [trainSet.height, trainSet.width, trainSet.channels];
    objective = buildObjective({ seed: config.seed, inputShape, ...config.objective });
    // The filled-in objective config is what a checkpoint needs to rebuild the same objective.
    config = { ...config, objective: objective.config as TrainConfig['objective'] };
    optimizer = adam(config.train.learningRate);
    const rng = new Rng(config.seed);
    let pos: TrainingPosition = { step: 0, epoch: 0, position: 0, epochSeed: rng.int(2 ** 31 - 1), rng: rng.state(), metricsBytes: 0, metricsSha256: EMPTY_SHA256, elapsedMs: 0 };
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
    const threads = resolveThreads(config, objective, tf.getBackend());
    parallel = await startThreads(threads, objective, tf.getBackend());
    await writeFileAtomic(run.configFile, `${JSON.stringify(config, null, 2)}\n`);
    const ctx: RunContext = { config, objective, optimizer, parallel, data, run, pos, log, savedAt: resumed ? pos.step : -1, onStep: () => (keep = true) };
    if (!resumed) await checkpoint(ctx);
    log.message(`infomax: training ${objective.config.kind} on ${trainSet.name} (${trainSet.count} images ${inputShape.join('×')}), ` +
      `batch ${config.train.batchSize}, ${limitText(config)}, ${threads} thread${threads > 1 ? 's' : ''}; run folder ${run.dir}`);

    const stopped = await loop(ctx);
    if (stopped === 'signal') {
      await checkpoint(ctx);
      await plotsAnyway(ctx);
      log.message(`infomax: interrupted at step ${pos.step}; checkpoint saved in ${run.checkpointsDir} (continue with --resume)`);
      return { code: EXIT.interrupted, step: pos.step };
    }
    return await finish(ctx);
  } catch (e) {
    // Nothing of a run that never took a step is worth keeping, and it would block the corrected command.
    if (!keep) await discard(run, created);
    throw e;
  } finally {
    objective?.dispose();
    optimizer?.dispose();
    await parallel?.dispose();
    lock.release();
  }
}

/** Everything one run's loop, checkpoints and evaluations share. */
interface RunContext {
  config: TrainConfig;
  objective: Objective;
  optimizer: tf.Optimizer;
  /** The other threads of the step (null: one thread). */
  parallel: ExampleParallel | null;
  data: LoadedData;
  run: RunFolder;
  pos: TrainingPosition;
  log: Progress;
  /** Step of the last checkpoint written (-1: none yet). */
  savedAt: number;
  /** Called once a step has completed. */
  onStep: () => void;
}

async function discard(run: RunFolder, created: string | null): Promise<void> {
  await run.clear();
  if (created !== null) await fsp.rm(created, { recursive: true, force: true });
}

async function checkpoint(ctx: RunContext): Promise<void> {
  const { pos, run, objective, optimizer, config } = ctx;
  if (ctx.savedAt === pos.step) return;
  ctx.savedAt = pos.step;
  const metrics = await run.metricsDigest();
  pos.metricsBytes = metrics.bytes;
  pos.metricsSha256 = metrics.sha256;
  await withState(objective, optimizer, (groups) =>
    saveCheckpoint(run.checkpointsDir, { ...pos }, config, groups, objective.encoder.model, config.checkpoint.keep));
}

/** Plots of a run that stops early (interrupted): worth having, never worth failing the stop for. */
async function plotsAnyway(ctx: RunContext): Promise<void> {
  try {
    await plotMetrics(await ctx.run.readMetrics(), ctx.run.plotsDir);
  } catch (e) {
    ctx.log.message(`infomax: could not draw the plots: ${(e as Error).message.split('\n')[0]}`);
  }
}

function limitText(c: TrainConfig): string {
  const parts = [];
  if (c.train.steps !== null) parts.push(`${c.train.steps} steps`);
  if (c.train.epochs !== null) parts.push(`${c.train.epochs} epochs`);
  if (c.train.timeBudget !== null) parts.push(`${c.train.timeBudget} s budget`);
  return parts.join(' or ');
}

type Stop = 'done' | 'signal';

async function loop(ctx: RunContext): Promise<Stop> {
  const { config, objective, optimizer, parallel, data, run, pos, log } = ctx;
  const trainSet = data.train;
  const { steps, epochs, timeBudget, batchSize } = config.train;
  const batchesPerEpoch = Math.floor(trainSet.count / batchSize);
  let signalled = false;
  const onSignal = () => {
    if (signalled) process.exit(EXIT.interrupted);
    signalled = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The limits, checked before each batch; a step after which one holds is the last one.
  const reached = () => (steps !== null && pos.step >= steps) || (timeBudget !== null && pos.elapsedMs >= timeBudget * 1000) ||
    (epochs !== null && (pos.epoch >= epochs || (pos.epoch === epochs - 1 && pos.position >= batchesPerEpoch)));
  // Epoch seeds come from the trainer's generator; its state after each draw is in every checkpoint.
  const currentRng = new Rng(pos.rng);
  const window: number[] = [];
  let lastTick = performance.now();
  try {
    while (!reached()) {
      // Resuming mid-epoch: the same shuffled order, its first pos.position batches never built.
      const stream = batchStream(trainSet, { batchSize, seed: pos.epochSeed, epochs: 1, dropLast: true, startStep: pos.position });
      for await (const batch of stream) {
        if (reached() || signalled) {
          tf.dispose([batch.images, batch.labels]);
          await stream.return(undefined);
          return signalled ? 'signal' : 'done';
        }
        const t0 = performance.now();
        let metrics: Record<string, number>;
        try {
          metrics = await trainStepAsync(objective, optimizer, { images: batch.images }, pos.step, { parallel: parallel ?? undefined });
        } catch (e) {
          if ((e as Error).name !== 'NonFiniteError') throw e;
          throw numericFailure((e as Error).message, pos, run);
        } finally {
          tf.dispose([batch.images, batch.labels]);
        }
        const now = performance.now();
        const ms = now - t0;
        pos.step += 1;
        pos.position += 1;
        ctx.onStep();
        // Wall time since the previous step (checkpoints and in-loop evaluations included), so a budget bounds the run.
        pos.elapsedMs += now - lastTick;
        lastTick = now;
        window.push(ms);
        if (window.length > 20) window.shift();
        if (pos.step % config.log.every === 0) run.append({ kind: 'step', step: pos.step, epoch: pos.epoch, ...metrics, ms: Math.round(ms * 10) / 10 });
        const fraction = Math.max(
          steps === null ? 0 : pos.step / steps,
          timeBudget === null ? 0 : pos.elapsedMs / 1000 / timeBudget,
          epochs === null ? 0 : (pos.epoch + pos.position / batchesPerEpoch) / epochs,
        );
        log.update({ step: pos.step, epoch: pos.epoch, fraction: Math.min(1, fraction), batchSize,
          stepsPerSecond: 1000 / (window.reduce((a, b) => a + b, 0) / window.length), metrics });
        // The last step's evaluation and checkpoint are finish()'s. An evaluation due at a checkpoint
        // step is written before the checkpoint, so a resume from it keeps the line.
        if (reached()) continue;
        if (config.eval.every > 0 && pos.step % config.eval.every === 0) {
          const r = await evaluateAt(config, objective, data, data.test, pos);
          run.append(r.line);
          log.message(`infomax: step ${pos.step}: linear probe ${config.eval.layer} ${(100 * r.evaluation.testAccuracy).toFixed(1)}%`);
        }
        if (config.checkpoint.every > 0 && pos.step % config.checkpoint.every === 0) await checkpoint(ctx);
      }
      pos.epoch += 1;
      pos.position = 0;
      pos.epochSeed = currentRng.int(2 ** 31 - 1);
      pos.rng = currentRng.state();
    }
    return signalled ? 'signal' : 'done';
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    log.done();
  }
}

function numericFailure(what: string, pos: TrainingPosition, run: RunFolder): NumericError {
  return new NumericError(`${what} at step ${pos.step + 1} (epoch ${pos.epoch}); stopped without saving this step. ` +
    `The last good checkpoint is in ${run.checkpointsDir} (--resume continues from it); try a lower train.learningRate`);
}

async function evaluateAt(config: TrainConfig, objective: Objective, data: LoadedData, testSet: ImageDataset, pos: TrainingPosition,
  onTestFeatures?: (f: Float32Array, dim: number) => void) {
  const heldOut = await heldOutMetrics(objective, testSet, config.train.batchSize, pos.step, config.seed);
  const evaluation = await evaluateEncoder(objective, data.train, data.test, data.classes.length, {
    layer: config.eval.layer, probeEpochs: config.eval.probeEpochs, knn: config.eval.knn, seed: config.seed, onTestFeatures,
  });
  const line = {
    kind: 'eval' as const, step: pos.step, epoch: pos.epoch, layer: evaluation.layer,
    ...Object.fromEntries(Object.entries(heldOut).map(([k, v]) => [`test_${k}`, v])),
    trainAccuracy: evaluation.trainAccuracy, testAccuracy: evaluation.testAccuracy,
    ...(evaluation.knnAccuracy === undefined ? {} : { knnAccuracy: evaluation.knnAccuracy }),
  };
  return { evaluation, line };
}

async function finish(ctx: RunContext): Promise<TrainResult> {
  const { config, objective, data, run, pos, log } = ctx;
  // The final evaluation stands in for an in-loop one at a step where one is due: its line then goes
  // before the last checkpoint, so a run later extended by --resume keeps it, as a longer run would have it.
  // Elsewhere it goes after, and a resume that extends the run drops it.
  const due = config.eval.every > 0 && pos.step % config.eval.every === 0;
  if (!due) await checkpoint(ctx);
  log.message(`infomax: trained ${pos.step} steps in ${(pos.elapsedMs / 1000).toFixed(0)} s; evaluating the ${config.eval.layer} features`);
  let testFeatures: { f: Float32Array; dim: number } | null = null;
  const { evaluation, line } = await evaluateAt(config, objective, data, data.test, pos, (f, dim) => (testFeatures = { f, dim }));
  let randomInit: EvaluationResult | undefined;
  if (config.eval.randomInit) {
    const fresh = buildObjective(objective.config);
    try {
      randomInit = await evaluateEncoder(fresh, data.train, data.test, data.classes.length,
        { layer: config.eval.layer, probeEpochs: config.eval.probeEpochs, knn: config.eval.knn, seed: config.seed });
    } finally {
      fresh.dispose();
    }
  }
  run.append({ ...line, ...(randomInit ? { randomInitTestAccuracy: randomInit.testAccuracy } : {}) });
  if (due) await checkpoint(ctx);
  await plotMetrics(await run.readMetrics(), run.plotsDir);
  const feats = testFeatures as { f: Float32Array; dim: number } | null;
  if (feats) {
    const p = await project(feats.f, feats.dim, data.test.count, 2000);
    await plotPca(p.points, Int32Array.from(p.rows, (r) => data.test.labels[r]), data.classes, p.explained, path.join(run.plotsDir, 'pca.png'), config.eval.layer);
  }
  log.message(`infomax: probes took ${evaluation.seconds.toFixed(0)} s (trained)${randomInit ? ` + ${randomInit.seconds.toFixed(0)} s (random init)` : ''}; plots in ${run.plotsDir}`);
  const pct = (r: EvaluationResult) => `${(100 * r.testAccuracy).toFixed(1)}%`;
  const summary = `linear probe, ${evaluation.dim}-d ${evaluation.layer}: ${pct(evaluation)}` + (randomInit ? ` (random-init encoder: ${pct(randomInit)})` : '');
  return { code: EXIT.ok, step: pos.step, evaluation, randomInit, summary };
}
