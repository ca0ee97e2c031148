/**
 * Frozen-encoder evaluation: features of one encoder output for every train and
 * test image, then a linear probe (softmax regression on standardised features)
 * or an MLP probe, and optionally kNN (k=20, cosine), as every paper in the field reports it.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Objective } from '@infomax/objectives';
import { extractFeatures, knn, linearProbe, mlpProbe, pca } from '@infomax/eval';
import type { ImageDataset } from '@infomax/data';
import type { ProbeLayer } from './config';
import { ConfigError } from './errors';

/** Probes `evaluate --probe` can fit: softmax regression, or one hidden ReLU layer (`mlpProbe`'s defaults). */
export const PROBE_KINDS = ['linear', 'mlp'] as const;
/** One of {@link PROBE_KINDS}. */
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** What {@link evaluateEncoder} measured. */
export interface EvaluationResult {
  /** The encoder output probed. */
  layer: ProbeLayer;
  /** The probe fitted. */
  probe: ProbeKind;
  /** Feature size of that output. */
  dim: number;
  /** Probe accuracy on the training part (the MLP probe: the rows it fitted), in [0, 1]. */
  trainAccuracy: number;
  /** Probe accuracy on the test part, in [0, 1]. */
  testAccuracy: number;
  /** kNN (k=20, cosine) test accuracy, when asked for. */
  knnAccuracy?: number;
  /** Seconds the whole evaluation took. */
  seconds: number;
}

/** Options of {@link evaluateEncoder}. */
export interface EvaluationOptions {
  /** Encoder output to read. */
  layer: ProbeLayer;
  /** Epochs of the linear probe (the MLP probe stops early, by validation accuracy). */
  probeEpochs: number;
  /** Which probe. Default 'linear'. */
  probe?: ProbeKind;
  /** Also run kNN. */
  knn: boolean;
  /** Seed of the probe's shuffles. */
  seed: number;
  /** Receives the test features (for the PCA plot). */
  onTestFeatures?: (features: Float32Array, dim: number) => void;
}

/** Images per forward pass when extracting features. */
const EXTRACT_BATCH = 250;

/** What a probe reads: the objective's encoder and, when it has one, its `embed` (its own views first). */
export type Probed = Pick<Objective, 'encoder' | 'embed'>;

/**
 * The features of one output for every image of a dataset: `code` is the objective's
 * `embed` when it has one (CMC's Lab split, CPC's patch grid), else the encoder's tap.
 * @returns `[count, dim]` row-major, and dim
 * @throws ConfigError when the encoder has no output named `layer`, or takes other inputs than whole images
 * @example
 * const { features, dim } = await encoderFeatures(objective, test, 'code');
 */
export async function encoderFeatures(
  probed: Probed,
  data: ImageDataset,
  layer: ProbeLayer,
): Promise<{ features: Float32Array; dim: number }> {
  const { encoder } = probed;
  let predict: (x: tf.Tensor4D) => tf.Tensor;
  if (layer === 'code' && probed.embed) {
    predict = (x) => probed.embed!(x);
  } else {
    if (!encoder.taps.includes(layer)) {
      throw new ConfigError(
        'eval.layer',
        `the encoder has no output '${layer}'; it has ${encoder.taps.filter((t) => t !== 'local' && t !== 'global').join(', ')}`,
      );
    }
    const shape = encoder.inputShape;
    if (shape.length !== 3 || shape[0] !== data.height || shape[1] !== data.width || shape[2] !== data.channels) {
      throw new ConfigError(
        'eval.layer',
        `'${layer}' needs an encoder of whole ${data.height}×${data.width}×${data.channels} images; this one takes [${shape}] (probe 'code')`,
      );
    }
    predict = (x) => encoder.encode(x, { training: false }).taps[layer];
  }
  const features = await extractFeatures(predict, data.images, [data.count, data.height, data.width, data.channels], EXTRACT_BATCH);
  return { features, dim: features.length / data.count };
}

/**
 * Probes a frozen encoder: a linear or MLP probe (and kNN) trained on `train`, scored on `test`.
 * @param probed the objective (its encoder is not modified)
 * @param train labelled images `[n, height, width, channels]`
 * @param test labelled images
 * @param classes number of classes
 * @param options see {@link EvaluationOptions}
 * @example
 * const r = await evaluateEncoder(objective, train, test, 10, { layer: 'code', probeEpochs: 30, knn: false, seed: 0 });
 */
export async function evaluateEncoder(
  probed: Probed,
  train: ImageDataset,
  test: ImageDataset,
  classes: number,
  options: EvaluationOptions,
): Promise<EvaluationResult> {
  const start = Date.now();
  const tr = await encoderFeatures(probed, train, options.layer);
  const te = await encoderFeatures(probed, test, options.layer);
  options.onTestFeatures?.(te.features, te.dim);
  const common = {
    trainFeatures: tr.features,
    trainLabels: train.labels,
    testFeatures: te.features,
    testLabels: test.labels,
    dim: tr.dim,
    classes,
  };
  const kind = options.probe ?? 'linear';
  const probe =
    kind === 'mlp'
      ? await mlpProbe({ ...common, seed: options.seed })
      : await linearProbe({ ...common, epochs: options.probeEpochs, seed: options.seed });
  const result: EvaluationResult = {
    layer: options.layer,
    probe: kind,
    dim: tr.dim,
    trainAccuracy: probe.trainAccuracy,
    testAccuracy: probe.testAccuracy,
    seconds: 0,
  };
  if (options.knn) result.knnAccuracy = (await knn({ ...common, k: 20, metric: 'cosine' })).testAccuracy;
  result.seconds = (Date.now() - start) / 1000;
  return result;
}

/**
 * The 2-D PCA projection of at most `max` rows, taken at an even stride so that datasets
 * stored class by class keep every class. A single row sits at the origin.
 * @param features `[n, dim]` row-major (dim ≥ 2)
 * @returns projected points `[m, 2]`, the variance fraction of each axis, and the rows used (their indices)
 * @example
 * const { points, explained, rows } = await project(features, 64, 2000, 2000);
 */
export async function project(
  features: Float32Array,
  dim: number,
  n: number,
  max: number,
): Promise<{ points: Float32Array; explained: [number, number]; rows: Int32Array }> {
  const m = Math.min(n, max);
  const rows = Int32Array.from({ length: m }, (_, i) => Math.floor((i * n) / m));
  const picked = new Float32Array(m * dim);
  rows.forEach((r, i) => picked.set(features.subarray(r * dim, (r + 1) * dim), i * dim));
  if (m < 2) return { points: new Float32Array(2 * m), explained: [0, 0], rows };
  const { points, explainedVarianceRatio: r } = await pca(picked, dim, { k: 2 });
  return { points, explained: [r[0], r[1]], rows };
}
