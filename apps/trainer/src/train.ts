/**
 * `infomax train`: builds the objective a config describes, trains it on a
 * dataset with Adam, logs metrics, checkpoints atomically, resumes exactly,
 * evaluates with a linear probe and draws the plots.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { adam, initEngine, Rng } from '@infomax/engine';
import { batchStream, type ImageDataset } from '@infomax/data';
import { buildObjective, trainStepAsync, type Objective } from '@infomax/objectives';
import { loadCheckpoint, saveCheckpoint, type TrainingPosition } from './checkpoint';
import type { TrainConfig } from './config';
import { ConfigError, EXIT, NumericError } from './errors';
import { loadData, type LoadedData } from './datasets';
import { evaluateEncoder, project, type EvaluationResult } from './evaluation';
import { plotMetrics, plotPca } from './plots';
import { Progress } from './progress';
import { RunFolder } from './run-folder';
import { restoreState, withState } from './internal/state';
import { heldOutMetrics } from './internal/held-out';
import { writeFileAtomic } from './internal/engine-node';

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
 * Trains, checkpoints and evaluates one run.
 * @param config resolved config (see `resolveConfig`); on resume, the run's `config.json` with any overrides (its objective must be the checkpoint's)
 * @throws ConfigError (bad objective config, existing run without --resume/--overwrite), DatasetError, NumericError (NaN/Inf loss), CheckpointError
 * @example
 * const r = await train(resolveConfig({ train: { steps: 100 } }), { resume: false, overwrite: true });
 */
export async function train(config: TrainConfig, options: TrainOptions): Promise<TrainResult> {
  const log = new Progress(options.log ?? process.stderr, config.log.every);
  const run = new RunFolder(config.out);
  let resumed: Awaited<ReturnType<typeof loadCheckpoint>> | null = null;
  if (options.resume) {
    resumed = await loadCheckpoint(run.dir);
    const saved = (resumed.config as TrainConfig).objective;
    if (JSON.stringify(saved) !== JSON.stringify(config.objective)) {
      throw new ConfigError('objective', `differs from the one of the checkpoint in '${resumed.dir}': a resumed run keeps its objective`);
    }
  } else if (run.exists()) {
    if (!options.overwrite) throw new ConfigError('out', `'${run.dir}' already holds a run: pass --resume to continue it, --overwrite to start again, or choose another --out`);
    await run.clear();
  }
  const engine = await initEngine({ backend: config.backend, log: null });
  log.message(engine.reason);
  const data = await loadData(config.data, config.seed);
  const { train: trainSet, test: testSet } = data;
  const inputShape = [trainSet.height, trainSet.width, trainSet.channels];
  const objective = buildObjective({ seed: config.seed, inputShape, ...config.objective });
  // The filled-in objective config is what a checkpoint needs to rebuild the same objective.
  config = { ...config, objective: objective.config as TrainConfig['objective'] };
  const optimizer = adam(config.train.learningRate);
  const rng = new Rng(config.seed);
  let pos: TrainingPosition = { step: 0, epoch: 0, position: 0, epochSeed: rng.int(2 ** 31 - 1), rng: rng.state(), metricsBytes: 0, elapsedMs: 0 };
  try {
    if (resumed) {
      await restoreState(objective, optimizer, resumed.groups, resumed.dir);
      await run.truncateMetrics(resumed.metricsBytes);
      const { step, epoch, position, epochSeed, rng: rngState, metricsBytes, elapsedMs } = resumed;
      pos = { step, epoch, position, epochSeed, rng: rngState, metricsBytes, elapsedMs };
      log.message(`infomax: resumed ${resumed.dir} at step ${pos.step} (epoch ${pos.epoch}, batch ${pos.position})`);
    } else {
      await fsp.mkdir(run.dir, { recursive: true });
    }
    await writeFileAtomic(run.configFile, `${JSON.stringify(config, null, 2)}\n`);
    let savedAt = resumed ? pos.step : -1;
    const checkpoint = async () => {
      if (savedAt === pos.step) return;
      savedAt = pos.step;
      pos.metricsBytes = run.metricsBytes();
      await withState(objective, optimizer, (groups) =>
        saveCheckpoint(run.checkpointsDir, { ...pos }, config, groups, objective.encoder.model, config.checkpoint.keep));
    };
    if (!resumed) await checkpoint();
    log.message(`infomax: training ${objective.config.kind} on ${trainSet.name} (${trainSet.count} images ${inputShape.join('×')}), ` +
      `batch ${config.train.batchSize}, ${limitText(config)}; run folder ${run.dir}`);

    const stopped = await loop(config, objective, optimizer, trainSet, testSet, data, run, pos, log, checkpoint);
    await checkpoint();
    if (stopped === 'signal') {
      log.message(`infomax: interrupted at step ${pos.step}; checkpoint saved in ${run.checkpointsDir} (continue with --resume)`);
      return { code: EXIT.interrupted, step: pos.step };
    }
    return await finish(config, objective, data, run, pos, log);
  } finally {
    objective.dispose();
    optimizer.dispose();
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

async function loop(
  config: TrainConfig, objective: Objective, optimizer: tf.Optimizer, trainSet: ImageDataset, testSet: ImageDataset,
  data: LoadedData, run: RunFolder, pos: TrainingPosition, log: Progress, checkpoint: () => Promise<void>,
): Promise<Stop> {
  const { steps, epochs, timeBudget, batchSize } = config.train;
  let signalled = false;
  const onSignal = () => {
    if (signalled) process.exit(EXIT.interrupted);
    signalled = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Epoch seeds come from the trainer's generator; its state after each draw is in every checkpoint.
  const currentRng = new Rng(pos.rng);
  const window: number[] = [];
  let lastTick = performance.now();
  try {
    for (; epochs === null || pos.epoch < epochs; ) {
      // Resuming mid-epoch: the same shuffled order, its first pos.position batches never built.
      const stream = batchStream(trainSet, { batchSize, seed: pos.epochSeed, epochs: 1, dropLast: true, startStep: pos.position });
      for await (const batch of stream) {
        if ((steps !== null && pos.step >= steps) || (timeBudget !== null && pos.elapsedMs >= timeBudget * 1000) || signalled) {
          tf.dispose([batch.images, batch.labels]);
          await stream.return(undefined);
          return signalled ? 'signal' : 'done';
        }
        const t0 = performance.now();
        let metrics: Record<string, number>;
        try {
          metrics = await trainStepAsync(objective, optimizer, { images: batch.images }, pos.step);
        } catch (e) {
          if ((e as Error).name !== 'NonFiniteError') throw e;
          throw numericFailure((e as Error).message, pos, run);
        } finally {
          tf.dispose([batch.images, batch.labels]);
        }
        const now = performance.now();
        const ms = now - t0;
        const bad = Object.entries(metrics).find(([, v]) => !Number.isFinite(v));
        if (bad) throw numericFailure(`${bad[0]} is ${bad[1]}`, pos, run);
        pos.step += 1;
        pos.position += 1;
        // Wall time since the previous step (checkpoints and in-loop evaluations included), so a budget bounds the run.
        pos.elapsedMs += now - lastTick;
        lastTick = now;
        window.push(ms);
        if (window.length > 20) window.shift();
        if (pos.step % config.log.every === 0) run.append({ kind: 'step', step: pos.step, epoch: pos.epoch, ...metrics, ms: Math.round(ms * 10) / 10 });
        const fraction = Math.max(
          steps === null ? 0 : pos.step / steps,
          timeBudget === null ? 0 : pos.elapsedMs / 1000 / timeBudget,
          epochs === null ? 0 : (pos.epoch + pos.position / Math.floor(trainSet.count / batchSize)) / epochs,
        );
        log.update({ step: pos.step, epoch: pos.epoch, fraction: Math.min(1, fraction), batchSize,
          stepsPerSecond: 1000 / (window.reduce((a, b) => a + b, 0) / window.length), metrics });
        if (config.checkpoint.every > 0 && pos.step % config.checkpoint.every === 0) await checkpoint();
        if (config.eval.every > 0 && pos.step % config.eval.every === 0) {
          const r = await evaluateAt(config, objective, data, testSet, pos);
          run.append(r.line);
          log.message(`infomax: step ${pos.step}: linear probe ${config.eval.layer} ${(100 * r.evaluation.testAccuracy).toFixed(1)}%`);
        }
      }
      pos.epoch += 1;
      pos.position = 0;
      pos.epochSeed = currentRng.int(2 ** 31 - 1);
      pos.rng = currentRng.state();
    }
    return 'done';
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

async function finish(config: TrainConfig, objective: Objective, data: LoadedData, run: RunFolder, pos: TrainingPosition, log: Progress): Promise<TrainResult> {
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
