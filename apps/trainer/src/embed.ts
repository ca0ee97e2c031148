/**
 * `infomax embed <run>`: the embeddings of one's own images under a run's frozen encoder,
 * one float32 row per image, as `.npy` (+ `.index.csv`), `.csv` or `.jsonl`.
 */
import * as path from 'path';
import type { ProbeLayer, TrainConfig } from './config';
import { loadEmbedInput } from './embed-input';
import { encoderFeatures } from './evaluation';
import { embedFormat, encodeEmbeddings } from './internal/embedding-files';
import { openRun } from './internal/open-run';
import { checkWritable, writeOutputs } from './internal/write-outputs';

/** Options of {@link embedRun}. */
export interface EmbedOptions {
  /** Image folder, IDX images file or dataset name; see `loadEmbedInput`. */
  input: string;
  /** Output file: `.npy`, `.csv` or `.jsonl`. */
  out: string;
  /** Encoder output: `code` (the objective's representation), `fc` or `conv`. Default 'code'. */
  layer?: ProbeLayer;
  /** Step of the checkpoint to use. Default: the latest. */
  checkpoint?: number;
  /** Backend. Default: the run's. */
  backend?: TrainConfig['backend'];
  /** Stretch and convert folder images to the encoder's input instead of refusing other sizes. Default false. */
  resize?: boolean;
}

/** What {@link embedRun} wrote. */
export interface EmbedResult {
  /** Images embedded. */
  rows: number;
  /** Values per row. */
  dim: number;
  layer: ProbeLayer;
  /** Step of the checkpoint used. */
  step: number;
  /** Files written (the output, and the index beside a `.npy`). */
  files: string[];
}

/**
 * Embeds every image of `input` with the encoder of a run's checkpoint (batched, in inference
 * mode, each batch freed) and writes one float32 row per image in input order.
 * @param target a run folder (or a checkpoint folder)
 * @throws ConfigError when `out` has another extension or the encoder lacks `layer`
 * @throws OutputError when the output folder cannot be written
 * @throws CheckpointError when the run or checkpoint is missing or corrupt
 * @throws DatasetError when the input is missing, empty or unreadable; ShapeError when its images do not fit the encoder
 * @example
 * const r = await embedRun('runs/quickstart', { input: 'photos/', out: 'emb.npy' }); // emb.npy [r.rows, r.dim] + emb.index.csv
 */
export async function embedRun(target: string, o: EmbedOptions): Promise<EmbedResult> {
  const format = embedFormat(o.out);
  await checkWritable('--out', path.dirname(path.resolve(o.out)), false);
  const layer = o.layer ?? 'code';
  const { objective, config, checkpoint } = await openRun(target, { checkpoint: o.checkpoint, backend: o.backend });
  try {
    const { dataset, sources } = await loadEmbedInput(o.input, {
      shape: objective.config.inputShape as number[],
      config,
      resize: o.resize,
    });
    const { features, dim } = await encoderFeatures(objective, dataset, layer);
    const files = await writeOutputs('--out', encodeEmbeddings(o.out, format, { values: features, dim, sources, labels: dataset.labels }));
    return { rows: dataset.count, dim, layer, step: checkpoint.step, files };
  } finally {
    objective.dispose();
  }
}
