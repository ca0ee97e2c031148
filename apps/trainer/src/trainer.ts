/**
 * The training loop as a small object: it steps through the data, evaluates and
 * checkpoints on the config's schedule, and tells its callbacks (metrics files, the
 * progress line, plots, signal handling, user code) what happened. `infomax train`
 * builds one with the default callbacks; a program can build one with its own.
 */
import { Rng, type ScheduledOptimizer } from '@infomax/engine';
import { buildObjective, trainStepAsync, type GraphObjective, type Objective } from '@infomax/objectives';
import type { BatchSource } from './batch-source';
import { saveCheckpoint, type TrainingPosition } from './checkpoint';
import type { TrainConfig } from './config';
import { NumericError } from './errors';
import type { LoadedData } from './datasets';
import { evaluateEncoder, type EvaluationResult } from './evaluation';
import type { LoadedGraphs } from './graph-data';
import { evaluateGraphEncoder } from './graph-evaluation';
import type { MetricLine } from './plots';
import type { RunFolder } from './run-folder';
import { heldOutMetrics } from './internal/held-out';
import { withState } from './internal/state';
import { EMPTY_SHA256 } from './internal/checkpoint-format';

/**
 * Where a new run starts: step 0, the first epoch's seed drawn from the run's seed (the
 * generator's state after that draw is kept, as every checkpoint keeps it), no metrics yet.
 * @example
 * new Trainer({ ...parts, pos: startPosition(config.seed) });
 */
export function startPosition(seed: number): TrainingPosition {
  const rng = new Rng(seed);
  const epochSeed = rng.int(2 ** 31 - 1);
  return { step: 0, epoch: 0, position: 0, epochSeed, rng: rng.state(), metricsBytes: 0, metricsSha256: EMPTY_SHA256, elapsedMs: 0 };
}

/** How {@link Trainer.fit} ended: a limit was reached, or a stop was requested (after that step). */
export type Stop = 'done' | 'stopped';

/** What a step reports to {@link TrainerCallback.onStep}. */
export interface StepEvent {
  /** Steps taken so far (this one included). */
  step: number;
  epoch: number;
  /** The step's loss and MI estimates. */
  metrics: Record<string, number>;
  /** The learning rate the step used (the schedule's). */
  lr: number;
  /** Milliseconds the step itself took. */
  ms: number;
  /** Fraction of the run done by its binding limit, in [0, 1]. */
  fraction: number;
}

/** What an evaluation reports to {@link TrainerCallback.onEval}. */
export interface EvalEvent {
  step: number;
  /** The run's last evaluation (after the last step), which also probes the random-init encoder when `eval.randomInit`. */
  final: boolean;
  evaluation: EvaluationResult;
  randomInit?: EvaluationResult;
  /** The metrics line of this evaluation (held-out metrics and probe accuracies). */
  line: MetricLine;
  /** The final evaluation's test features (row-major, `dim` wide), for plots. */
  testFeatures?: { features: Float32Array; dim: number };
}

/**
 * Hooks a {@link Trainer} calls, in the order the callbacks were given; each may be async.
 * A hook that throws ends the run with that error.
 */
export interface TrainerCallback {
  /** Before the first step of {@link Trainer.fit}. */
  onFitStart?(trainer: Trainer): void | Promise<void>;
  /** After each step. */
  onStep?(event: StepEvent, trainer: Trainer): void | Promise<void>;
  /** After each evaluation, before the checkpoint of the same step (so its line is in it). */
  onEval?(event: EvalEvent, trainer: Trainer): void | Promise<void>;
  /** After each checkpoint is written. */
  onCheckpoint?(position: Readonly<TrainingPosition>, trainer: Trainer): void | Promise<void>;
  /** When {@link Trainer.fit} returns or throws (in a `finally`). */
  onFitEnd?(stop: Stop | 'failed', trainer: Trainer): void | Promise<void>;
}

/** What a {@link Trainer} trains. */
export interface TrainerParts {
  config: TrainConfig;
  objective: Objective;
  /** The optimizer; its `learningRate` is set before each step. */
  optimizer: ScheduledOptimizer;
  /** The learning rate of a step (the schedule's; a constant `() => lr` without one). */
  lrAt: (step: number) => number;
  /** Images (train/test) or graphs. */
  data: LoadedData | LoadedGraphs;
  /** The training batches of `data` (see `batchSource`). */
  source: BatchSource;
  run: RunFolder;
  /** Where training stands: a fresh position, or a checkpoint's. Advanced in place. */
  pos: TrainingPosition;
}

/**
 * Trains one objective on the run's data: `fit()` steps until a limit of `config.train`
 * (or {@link Trainer.requestStop}), evaluating every `eval.every` and checkpointing every
 * `checkpoint.every` steps; `finish()` then checkpoints and evaluates the end state.
 * @example
 * const trainer = new Trainer(parts, [{ onStep: (e) => console.log(e.step, e.metrics.loss) }]);
 * if ((await trainer.fit()) === 'done') await trainer.finish();
 */
export class Trainer {
  readonly config: TrainConfig;
  readonly objective: Objective;
  readonly optimizer: ScheduledOptimizer;
  readonly lrAt: (step: number) => number;
  readonly data: LoadedData | LoadedGraphs;
  readonly source: BatchSource;
  readonly run: RunFolder;
  readonly pos: TrainingPosition;
  private stopRequested = false;
  private savedAt: number;

  /**
   * @param parts what to train, and where
   * @param callbacks hooks, called in this order
   * @param savedAt step of the checkpoint `pos` came from (-1: none yet)
   */
  constructor(
    parts: TrainerParts,
    private readonly callbacks: TrainerCallback[] = [],
    savedAt = -1,
  ) {
    ({
      config: this.config,
      objective: this.objective,
      optimizer: this.optimizer,
      lrAt: this.lrAt,
      data: this.data,
      source: this.source,
      run: this.run,
      pos: this.pos,
    } = parts);
    this.savedAt = savedAt;
  }

  /** Ends {@link fit} after the current step (a callback may call it, e.g. on a signal). */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** Whether a stop was requested. */
  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Whether a limit of `config.train` holds (checked before each batch: the step after which one holds is the last). */
  limitReached(): boolean {
    const { steps, epochs, timeBudget } = this.config.train;
    const pos = this.pos;
    return (
      (steps !== null && pos.step >= steps) ||
      (timeBudget !== null && pos.elapsedMs >= timeBudget * 1000) ||
      (epochs !== null && (pos.epoch >= epochs || (pos.epoch === epochs - 1 && pos.position >= this.batchesPerEpoch())))
    );
  }

  /**
   * Steps until a limit is reached or a stop is requested, evaluating and checkpointing on schedule.
   * @throws NumericError (a non-finite loss, metric, gradient, optimizer slot or weight: the step is not kept), and whatever a callback throws
   */
  async fit(): Promise<Stop> {
    let ended: Stop | 'failed' = 'failed';
    await this.emit((c) => c.onFitStart?.(this));
    try {
      ended = await this.loop();
      return ended;
    } finally {
      await this.emit((c) => c.onFitEnd?.(ended, this));
    }
  }

  /**
   * Writes a checkpoint of the current position (nothing when one exists for this step).
   * @throws CheckpointError, file-system errors
   */
  async checkpoint(): Promise<void> {
    const { pos, run, objective, optimizer, config } = this;
    if (this.savedAt === pos.step) return;
    this.savedAt = pos.step;
    const metrics = await run.metricsDigest();
    pos.metricsBytes = metrics.bytes;
    pos.metricsSha256 = metrics.sha256;
    await withState(objective, optimizer, (groups) =>
      saveCheckpoint(run.checkpointsDir, { ...pos }, config, groups, objective.encoder.model, config.checkpoint.keep),
    );
    await this.emit((c) => c.onCheckpoint?.(pos, this));
  }

  /**
   * Probes the encoder now (held-out metrics, linear probe on `eval.layer`); `final` also
   * probes the same encoder at its random initialisation when `eval.randomInit`, and keeps the test features.
   */
  async evaluate(final = false): Promise<EvalEvent> {
    const { config, objective, data, pos } = this;
    let testFeatures: EvalEvent['testFeatures'];
    const onFeatures = final ? (features: Float32Array, dim: number) => (testFeatures = { features, dim }) : undefined;
    const options = { layer: config.eval.layer, probeEpochs: config.eval.probeEpochs, knn: config.eval.knn, seed: config.seed };
    // Graphs: the 10-fold cross-validated probe over every graph, no held-out loss (every graph trains).
    const probe = (o: Objective, features?: typeof onFeatures) =>
      'graphs' in data
        ? evaluateGraphEncoder(o as unknown as GraphObjective, data.graphs, {
            probeEpochs: config.eval.probeEpochs,
            seed: config.seed,
            onFeatures: features,
          })
        : evaluateEncoder(o, data.train, data.test, data.classes.length, { ...options, onTestFeatures: features });
    const heldOut = 'graphs' in data ? {} : await heldOutMetrics(objective, data.test, config.train.batchSize, pos.step, config.seed);
    const evaluation: EvaluationResult = await probe(objective, onFeatures);
    let randomInit: EvaluationResult | undefined;
    if (final && config.eval.randomInit) {
      const fresh = buildObjective(objective.config);
      try {
        randomInit = await probe(fresh);
      } finally {
        fresh.dispose();
      }
    }
    const line: MetricLine = {
      kind: 'eval',
      step: pos.step,
      epoch: pos.epoch,
      layer: evaluation.layer,
      ...Object.fromEntries(Object.entries(heldOut).map(([k, v]) => [`test_${k}`, v])),
      trainAccuracy: evaluation.trainAccuracy,
      testAccuracy: evaluation.testAccuracy,
      ...(evaluation.knnAccuracy === undefined ? {} : { knnAccuracy: evaluation.knnAccuracy }),
      ...('foldSd' in evaluation ? { foldSd: (evaluation as { foldSd: number }).foldSd } : {}),
      ...(randomInit ? { randomInitTestAccuracy: randomInit.testAccuracy } : {}),
    };
    const event: EvalEvent = { step: pos.step, final, evaluation, randomInit, line, testFeatures };
    await this.emit((c) => c.onEval?.(event, this));
    return event;
  }

  /**
   * The end of a run that reached its limit: the last checkpoint and the final evaluation.
   * The final evaluation stands in for an in-loop one at a step where one is due: its line then goes
   * before the last checkpoint, so a run later extended by --resume keeps it, as a longer run would have it.
   * Elsewhere it goes after, and a resume that extends the run drops it.
   */
  async finish(): Promise<EvalEvent> {
    const due = this.config.eval.every > 0 && this.pos.step % this.config.eval.every === 0;
    if (!due) await this.checkpoint();
    const event = await this.evaluate(true);
    if (due) await this.checkpoint();
    return event;
  }

  private batchesPerEpoch(): number {
    return this.source.batchesPerEpoch(this.config.train.batchSize);
  }

  private fraction(): number {
    const { steps, epochs, timeBudget } = this.config.train;
    const pos = this.pos;
    return Math.min(
      1,
      Math.max(
        steps === null ? 0 : pos.step / steps,
        timeBudget === null ? 0 : pos.elapsedMs / 1000 / timeBudget,
        epochs === null ? 0 : (pos.epoch + pos.position / this.batchesPerEpoch()) / epochs,
      ),
    );
  }

  private async emit(call: (c: TrainerCallback) => void | Promise<void>): Promise<void> {
    for (const c of this.callbacks) await call(c);
  }

  private async loop(): Promise<Stop> {
    const { config, objective, optimizer, source, pos } = this;
    const { batchSize } = config.train;
    // Epoch seeds come from the trainer's generator; its state after each draw is in every checkpoint.
    const currentRng = new Rng(pos.rng);
    let lastTick = performance.now();
    while (!this.limitReached()) {
      // Resuming mid-epoch: the same shuffled order, its first pos.position batches never built.
      const stream = source.epoch({ batchSize, seed: pos.epochSeed, startStep: pos.position });
      for await (const batch of stream) {
        if (this.limitReached() || this.stopRequested) {
          batch.dispose();
          await stream.return(undefined);
          return this.stopRequested ? 'stopped' : 'done';
        }
        const t0 = performance.now();
        let metrics: Record<string, number>;
        const lr = (optimizer.learningRate = this.lrAt(pos.step));
        try {
          metrics = await trainStepAsync(objective, optimizer, batch.input, pos.step);
        } catch (e) {
          if ((e as Error).name !== 'NonFiniteError') throw e;
          throw this.numericFailure((e as Error).message);
        } finally {
          batch.dispose();
        }
        const now = performance.now();
        pos.step += 1;
        pos.position += 1;
        // Wall time since the previous step (checkpoints and in-loop evaluations included), so a budget bounds the run.
        pos.elapsedMs += now - lastTick;
        lastTick = now;
        await this.emit((c) =>
          c.onStep?.({ step: pos.step, epoch: pos.epoch, metrics, lr, ms: now - t0, fraction: this.fraction() }, this),
        );
        // The last step's evaluation and checkpoint are finish()'s. An evaluation due at a checkpoint
        // step is written before the checkpoint, so a resume from it keeps the line.
        if (this.limitReached()) continue;
        if (config.eval.every > 0 && pos.step % config.eval.every === 0) await this.evaluate();
        if (config.checkpoint.every > 0 && pos.step % config.checkpoint.every === 0) await this.checkpoint();
      }
      pos.epoch += 1;
      pos.position = 0;
      pos.epochSeed = currentRng.int(2 ** 31 - 1);
      pos.rng = currentRng.state();
    }
    return this.stopRequested ? 'stopped' : 'done';
  }

  private numericFailure(what: string): NumericError {
    const { pos, run } = this;
    return new NumericError(
      `${what} at step ${pos.step + 1} (epoch ${pos.epoch}); stopped without saving this step. ` +
        `The last good checkpoint is in ${run.checkpointsDir} (--resume continues from it); try a lower train.learningRate`,
    );
  }
}
