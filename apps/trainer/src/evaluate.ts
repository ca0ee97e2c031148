/**
 * `infomax evaluate <run>`: rebuilds a run's objective with the weights of its latest (or a
 * chosen) checkpoint, freezes the encoder, and reports linear- or MLP-probe and kNN (k=20,
 * cosine) test accuracy of one of its outputs; writes `eval.json`.
 */
import * as path from 'path';
import type { ProbeLayer, TrainConfig } from './config';
import { loadData } from './datasets';
import { evaluateEncoder, type EvaluationResult, type ProbeKind } from './evaluation';
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
    const data = await loadData(config.data, config.seed);
    const result = await evaluateEncoder(objective, data.train, data.test, data.classes.length, {
      layer: o.layer ?? config.eval.layer, probeEpochs: o.probeEpochs, probe: o.probe, knn: true, seed: config.seed,
    });
    const output = o.output ?? path.join(runDir, 'eval.json');
    const heldOut = await heldOutMetrics(objective, data.test, config.train.batchSize, ckpt.step, config.seed);
    const record: RunEvaluation = { ...result, heldOut, checkpoint: ckpt.dir, step: ckpt.step, dataset: data.test.name, output };
    await writeFileAtomic(output, `${JSON.stringify(record, null, 2)}\n`);
    return record;
  } finally {
    objective.dispose();
  }
}
