/**
 * `infomax evaluate <run>`: loads a run's trained encoder (latest checkpoint),
 * freezes it, and reports linear-probe and kNN (k=20, cosine) test accuracy of
 * one of its outputs; writes `eval.json`.
 */
import * as path from 'path';
import { initEngine } from '@infomax/engine';
import { Encoder } from '@infomax/encoders';
import { loadCheckpoint } from './checkpoint';
import { resolveConfig, type ProbeLayer, type TrainConfig } from './config';
import { loadData } from './datasets';
import { CheckpointError } from './errors';
import { evaluateEncoder, type EvaluationResult } from './evaluation';
import { loadModel, writeFileAtomic } from './internal/engine-node';

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
  let encoder: Encoder;
  try {
    encoder = Encoder.fromModel(await loadModel(path.join(ckpt.dir, 'encoder')));
  } catch (e) {
    throw new CheckpointError(`cannot load the encoder of '${ckpt.dir}': ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    const data = await loadData(config.data, config.seed);
    const result = await evaluateEncoder(encoder, data.train, data.test, data.classes.length, {
      layer: o.layer ?? config.eval.layer, probeEpochs: o.probeEpochs, knn: true, seed: config.seed,
    });
    const runDir = path.dirname(path.dirname(ckpt.dir));
    const output = o.output ?? path.join(runDir, 'eval.json');
    const record: RunEvaluation = { ...result, checkpoint: ckpt.dir, step: ckpt.step, dataset: data.test.name, output };
    await writeFileAtomic(output, `${JSON.stringify(record, null, 2)}\n`);
    return record;
  } finally {
    encoder.dispose();
  }
}
