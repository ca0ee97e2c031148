/**
 * `infomax evaluate <run>`: rebuilds a run's objective with the weights of its latest
 * checkpoint, freezes the encoder, and reports linear-probe and kNN (k=20, cosine) test accuracy of
 * one of its outputs (a run on graphs: the 10-fold cross-validated probe of the graph vector); writes `eval.json`.
 */
import * as path from 'path';
import { initEngine } from '@infomax/engine';
import { buildObjective, type GraphObjective } from '@infomax/objectives';
import { loadCheckpoint } from './checkpoint';
import { resolveConfig, type ProbeLayer, type TrainConfig } from './config';
import { loadData } from './datasets';
import { ConfigError } from './errors';
import { evaluateEncoder, type EvaluationResult } from './evaluation';
import { loadGraphData } from './graph-data';
import { evaluateGraphEncoder } from './graph-evaluation';
import { writeFileAtomic } from './internal/engine-node';
import { heldOutMetrics } from './internal/held-out';
import { restoreVariables } from './internal/state';

/** Options of {@link evaluateRun}. */
export interface EvaluateOptions {
  /** Encoder output to probe. Default: the run's `eval.layer`. */
  layer?: ProbeLayer;
  /** Probe epochs. Default 100. */
  probeEpochs: number;
  /** Backend. Default: the run's. */
  backend?: TrainConfig['backend'];
  /** Where to write the JSON. Default `<run>/eval.json`. */
  output?: string;
}

/** What {@link evaluateRun} writes. */
export interface RunEvaluation extends EvaluationResult {
  checkpoint: string;
  step: number;
  dataset: string;
  output: string;
  /** The objective's loss and MI estimates on held-out batches (evaluation mode), beside the accuracies. */
  heldOut: Record<string, number>;
}

/**
 * Evaluates the encoder of a run's latest checkpoint (or of the checkpoint folder given).
 * @throws CheckpointError when the checkpoint or its encoder is missing or corrupt; DatasetError when the run's dataset cannot be loaded
 * @example
 * const r = await evaluateRun('runs/quickstart', { layer: 'fc', probeEpochs: 100 });
 */
export async function evaluateRun(target: string, o: EvaluateOptions): Promise<RunEvaluation> {
  const ckpt = await loadCheckpoint(target);
  const config = resolveConfig(ckpt.config);
  await initEngine({ backend: o.backend ?? config.backend, log: null });
  // The objective rebuilt from its config, with the checkpoint's weights: `code` then goes through its own views (CMC, CPC).
  const objective = buildObjective(config.objective);
  try {
    restoreVariables(objective, ckpt.groups, ckpt.dir);
    const runDir = path.dirname(path.dirname(ckpt.dir));
    const output = o.output ?? path.join(runDir, 'eval.json');
    const at = { checkpoint: ckpt.dir, step: ckpt.step, output };
    let record: RunEvaluation;
    if (config.data.dataset === 'tu') {
      if (o.layer !== undefined && o.layer !== 'code') throw new ConfigError('layer', `must be 'code' for a run on graphs (the graph vector), got '${o.layer}'`);
      const { graphs } = await loadGraphData(config.data);
      // Graphs: the training run's cross-validated probe; no held-out loss (every graph trained).
      const result = await evaluateGraphEncoder(objective as unknown as GraphObjective, graphs, { probeEpochs: o.probeEpochs, seed: config.seed });
      record = { ...result, heldOut: {}, dataset: graphs.name, ...at };
    } else {
      const data = await loadData(config.data, config.seed);
      const result = await evaluateEncoder(objective, data.train, data.test, data.classes.length, {
        layer: o.layer ?? config.eval.layer, probeEpochs: o.probeEpochs, knn: true, seed: config.seed,
      });
      const heldOut = await heldOutMetrics(objective, data.test, config.train.batchSize, ckpt.step, config.seed);
      record = { ...result, heldOut, dataset: data.test.name, ...at };
    }
    await writeFileAtomic(output, `${JSON.stringify(record, null, 2)}\n`);
    return record;
  } finally {
    objective.dispose();
  }
}
