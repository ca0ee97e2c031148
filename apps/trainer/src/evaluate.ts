/**
 * `infomax evaluate <run>`: rebuilds a run's objective with the weights of its latest (or a
 * chosen) checkpoint, freezes the encoder, and reports linear- or MLP-probe and kNN (k=20,
 * cosine) test accuracy of one of its outputs (a run on graphs: the 10-fold cross-validated
 * linear probe of the graph vector); writes `eval.json`.
 */
import * as path from 'path';
import type { GraphObjective } from '@infomax/objectives';
import type { ProbeLayer, TrainConfig } from './config';
import { loadData } from './datasets';
import { ConfigError } from './errors';
import { evaluateEncoder, type EvaluationResult, type ProbeKind } from './evaluation';
import { loadGraphData } from './graph-data';
import { evaluateGraphEncoder } from './graph-evaluation';
import { writeFileAtomic } from './internal/engine-node';
import { heldOutMetrics } from './internal/held-out';
import { openRun } from './internal/open-run';

/** Options of {@link evaluateRun}. */
export interface EvaluateOptions {
  /** Encoder output to probe. Default: the run's `eval.layer`. */
  layer?: ProbeLayer;
  /** Linear probe epochs. Default 100. */
  probeEpochs: number;
  /** Probe to fit. Default 'linear'. */
  probe?: ProbeKind;
  /** Step of the checkpoint to evaluate. Default: the latest. */
  checkpoint?: number;
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
 * const r = await evaluateRun('runs/quickstart', { layer: 'fc', probeEpochs: 100, probe: 'mlp' });
 */
export async function evaluateRun(target: string, o: EvaluateOptions): Promise<RunEvaluation> {
  const { objective, config, checkpoint: ckpt, runDir } = await openRun(target, { checkpoint: o.checkpoint, backend: o.backend });
  try {
    const output = o.output ?? path.join(runDir, 'eval.json');
    const at = { checkpoint: ckpt.dir, step: ckpt.step, output };
    let record: RunEvaluation;
    if (config.data.dataset === 'tu') {
      if (o.layer !== undefined && o.layer !== 'code')
        throw new ConfigError('layer', `must be 'code' for a run on graphs (the graph vector), got '${o.layer}'`);
      if (o.probe !== undefined && o.probe !== 'linear')
        throw new ConfigError('probe', `must be 'linear' for a run on graphs (the cross-validated probe), got '${o.probe}'`);
      const { graphs } = await loadGraphData(config.data);
      // Graphs: the training run's cross-validated probe; no held-out loss (every graph trained).
      const result = await evaluateGraphEncoder(objective as unknown as GraphObjective, graphs, {
        probeEpochs: o.probeEpochs,
        seed: config.seed,
      });
      record = { ...result, probe: 'linear', heldOut: {}, dataset: graphs.name, ...at };
    } else {
      const data = await loadData(config.data, config.seed);
      const result = await evaluateEncoder(objective, data.train, data.test, data.classes.length, {
        layer: o.layer ?? config.eval.layer,
        probeEpochs: o.probeEpochs,
        probe: o.probe,
        knn: true,
        seed: config.seed,
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
