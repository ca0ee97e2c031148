/**
 * The callbacks `infomax train` gives its {@link Trainer}: the metrics record (and the
 * loggers fed from it), the progress line, the plots, and stopping on a signal.
 */
import * as path from 'path';
import { EXIT } from './errors';
import { project } from './evaluation';
import { plotMetrics, plotPca } from './plots';
import type { Progress } from './progress';
import type { RunFolder } from './run-folder';
import type { Trainer, TrainerCallback } from './trainer';

/**
 * Appends a line to `metrics.jsonl` (and so to the run's CSV / TensorBoard loggers) every
 * `every` steps and at each evaluation.
 * @example
 * new Trainer(parts, [metricsRecord(run, 20)]);
 */
export function metricsRecord(run: RunFolder, every: number): TrainerCallback {
  return {
    onStep: (e) => {
      if (e.step % every === 0)
        run.append({ kind: 'step', step: e.step, epoch: e.epoch, ...e.metrics, lr: e.lr, ms: Math.round(e.ms * 10) / 10 });
    },
    onEval: (e) => {
      run.append(e.line);
    },
  };
}

/**
 * The progress line: steps/s over the last 20 steps, the fraction done, the last metrics;
 * a message per in-loop evaluation.
 */
export function progressLine(log: Progress, batchSize: number): TrainerCallback {
  const window: number[] = [];
  return {
    onStep: (e) => {
      window.push(e.ms);
      if (window.length > 20) window.shift();
      log.update({
        step: e.step,
        epoch: e.epoch,
        fraction: e.fraction,
        batchSize,
        stepsPerSecond: 1000 / (window.reduce((a, b) => a + b, 0) / window.length),
        metrics: e.metrics,
      });
    },
    onEval: (e, t) => {
      if (!e.final)
        log.message(`infomax: step ${e.step}: linear probe ${t.config.eval.layer} ${(100 * e.evaluation.testAccuracy).toFixed(1)}%`);
    },
    onFitEnd: () => log.done(),
  };
}

/**
 * The run's plots: metrics curves and the PCA of the test codes after the final evaluation;
 * the curves alone when a run is stopped early (never failing the stop for them).
 */
export function runPlots(log: Progress): TrainerCallback {
  return {
    onEval: async (e, t) => {
      if (!e.final) return;
      await plotMetrics(await t.run.readMetrics(), t.run.plotsDir);
      if (e.testFeatures) {
        const { features, dim } = e.testFeatures;
        // Graphs: every graph's embedding (the probe's folds cover them all); images: the test part's.
        const shown = 'graphs' in t.data ? t.data.graphs : t.data.test;
        const p = await project(features, dim, shown.count, 2000);
        await plotPca(
          p.points,
          Int32Array.from(p.rows, (r) => shown.labels[r]),
          t.data.classes,
          p.explained,
          path.join(t.run.plotsDir, 'pca.png'),
          t.config.eval.layer,
        );
      }
    },
    onFitEnd: async (stop, t) => {
      if (stop !== 'stopped') return;
      try {
        await plotMetrics(await t.run.readMetrics(), t.run.plotsDir);
      } catch (e) {
        log.message(`infomax: could not draw the plots: ${(e as Error).message.split('\n')[0]}`);
      }
    },
  };
}

/** SIGINT / SIGTERM end the run after the current step (a second one exits at once, code 130). */
export function stopOnSignal(): TrainerCallback {
  let handler: (() => void) | null = null;
  return {
    onFitStart: (t: Trainer) => {
      handler = () => {
        if (t.stopping) process.exit(EXIT.interrupted);
        t.requestStop();
      };
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
    },
    onFitEnd: () => {
      if (handler === null) return;
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      handler = null;
    },
  };
}
