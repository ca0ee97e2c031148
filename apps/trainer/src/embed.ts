/**
 * `infomax embed <run>`: the embeddings of one's own images under a run's frozen encoder,
 * one float32 row per image, as `.npy` (+ `.index.csv`), `.csv` or `.jsonl`; optionally
 * reduced to k principal components (`--pca k`, or a saved fit with `--pca-from`).
 */
import * as path from 'path';
import type { ProbeLayer, TrainConfig } from './config';
import { ConfigError } from './errors';
import { loadEmbedInput } from './embed-input';
import { encoderFeatures } from './evaluation';
import { applyEmbeddingPca, fitEmbeddingPca, readEmbeddingPca, type PcaFile } from './internal/embed-pca';
import { embedFormat, encodeEmbeddings, pcaPath } from './internal/embedding-files';
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
  /**
   * Write each row's coordinates on the k leading principal axes of all the embedded rows
   * (fitted on them) instead of the row, and the fit to `<out>.pca.json`. Default: no reduction.
   */
  pca?: number;
  /** Project on a fit saved by an earlier `pca` (its `.pca.json`) instead. Not with `pca`. */
  pcaFrom?: string;
}

/** What {@link embedRun} wrote. */
export interface EmbedResult {
  /** Images embedded. */
  rows: number;
  /** Values per row written (k after a PCA step). */
  dim: number;
  layer: ProbeLayer;
  /** The PCA step: the encoder's values per row, and the share of their variance the k axes kept (in the fitted rows). Null without one. */
  pca: { fromDim: number; kept: number } | null;
  /** Step of the checkpoint used. */
  step: number;
  /** Files written (the output, the index beside a `.npy`, the fit after `pca`). */
  files: string[];
}

/**
 * Embeds every image of `input` with the encoder of a run's checkpoint (batched, in inference
 * mode, each batch freed) and writes one float32 row per image in input order, after the
 * PCA step when `pca` or `pcaFrom` asks for one.
 * @param target a run folder (or a checkpoint folder)
 * @throws ConfigError when `out` has another extension, the encoder lacks `layer`, both `pca` and `pcaFrom`
 *   are given, `pca` exceeds min(images, values per row), or the `pcaFrom` file is unreadable or of another width
 * @throws OutputError when the output folder cannot be written
 * @throws CheckpointError when the run or checkpoint is missing or corrupt
 * @throws DatasetError when the input is missing, empty or unreadable; ShapeError when its images do not fit the encoder
 * @example
 * const r = await embedRun('runs/quickstart', { input: 'photos/', out: 'emb.npy' }); // emb.npy [r.rows, r.dim] + emb.index.csv
 * await embedRun('runs/quickstart', { input: 'train/', out: 'train.npy', pca: 16 }); // train.npy [rows, 16] + train.pca.json
 * await embedRun('runs/quickstart', { input: 'query/', out: 'query.npy', pcaFrom: 'train.pca.json' }); // the same 16 axes
 */
export async function embedRun(target: string, o: EmbedOptions): Promise<EmbedResult> {
  const format = embedFormat(o.out);
  await checkWritable('--out', path.dirname(path.resolve(o.out)), false);
  if (o.pca !== undefined && o.pcaFrom !== undefined) throw new ConfigError('', '--pca and --pca-from: expected one of them, got both');
  const saved = o.pcaFrom === undefined ? null : await readEmbeddingPca(o.pcaFrom);
  const layer = o.layer ?? 'code';
  const { objective, config, checkpoint } = await openRun(target, { checkpoint: o.checkpoint, backend: o.backend });
  try {
    const { dataset, sources } = await loadEmbedInput(o.input, {
      shape: objective.config.inputShape as number[],
      config,
      resize: o.resize,
    });
    const { features, dim } = await encoderFeatures(objective, dataset, layer);
    let rows = { values: features, dim };
    let fit: PcaFile | null = saved;
    if (o.pca !== undefined) {
      const reduced = await fitEmbeddingPca(features, dim, o.pca, { layer, step: checkpoint.step });
      rows = { values: reduced.values, dim: o.pca };
      fit = reduced.fit;
    } else if (saved !== null && o.pcaFrom !== undefined) {
      rows = { values: await applyEmbeddingPca(features, dim, saved, o.pcaFrom), dim: saved.k };
    }
    const outputs = encodeEmbeddings(o.out, format, { ...rows, sources, labels: dataset.labels });
    if (o.pca !== undefined) outputs[pcaPath(o.out)] = Buffer.from(`${JSON.stringify(fit)}\n`);
    const files = await writeOutputs('--out', outputs);
    const pca = fit === null ? null : { fromDim: dim, kept: fit.explainedVarianceRatio.reduce((a, b) => a + b, 0) };
    return { rows: dataset.count, dim: rows.dim, layer, step: checkpoint.step, pca, files };
  } finally {
    objective.dispose();
  }
}
