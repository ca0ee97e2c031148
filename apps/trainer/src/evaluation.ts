/**
 * Frozen-encoder evaluation: features of one encoder output for every train and
 * test image, then a linear probe (softmax regression on standardised features)
 * and optionally kNN (k=20, cosine), as every paper in the field reports it.
 */
import type { Encoder } from '@infomax/encoders';
import { extractFeatures, knn, linearProbe, pca2d } from '@infomax/eval';
import type { ImageDataset } from '@infomax/data';
import type { ProbeLayer } from './config';
import { ConfigError } from './errors';

/** What {@link evaluateEncoder} measured. */
export interface EvaluationResult {
  /** The encoder output probed. */
  layer: ProbeLayer;
  /** Feature size of that output. */
  dim: number;
  /** Linear probe accuracy on the training part, in [0, 1]. */
  trainAccuracy: number;
  /** Linear probe accuracy on the test part, in [0, 1]. */
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
  /** Probe epochs. */
  probeEpochs: number;
  /** Also run kNN. */
  knn: boolean;
  /** Seed of the probe's shuffles. */
  seed: number;
  /** Receives the test features (for the PCA plot). */
  onTestFeatures?: (features: Float32Array, dim: number) => void;
}

/** Images per forward pass when extracting features. */
const EXTRACT_BATCH = 250;

/**
 * The features of one encoder output for every image of a dataset.
 * @returns `[count, dim]` row-major, and dim
 * @throws ConfigError when the encoder has no output named `layer`
 * @example
 * const { features, dim } = encoderFeatures(objective.encoder, test, 'code');
 */
export function encoderFeatures(encoder: Encoder, data: ImageDataset, layer: ProbeLayer): { features: Float32Array; dim: number } {
  if (!encoder.taps.includes(layer)) {
    throw new ConfigError('eval.layer', `the encoder has no output '${layer}'; it has ${encoder.taps.filter((t) => t !== 'local' && t !== 'global').join(', ')}`);
  }
  const features = extractFeatures(
    (x) => {
      const out = encoder.encode(x, { training: false });
      return out.taps[layer];
    },
    data.images,
    [data.count, data.height, data.width, data.channels],
    EXTRACT_BATCH,
  );
  return { features, dim: features.length / data.count };
}

/**
 * Probes a frozen encoder: linear probe (and kNN) trained on `train`, scored on `test`.
 * @param encoder the encoder (not modified)
 * @param train labelled images `[n, height, width, channels]`
 * @param test labelled images
 * @param classes number of classes
 * @param options see {@link EvaluationOptions}
 * @example
 * const r = await evaluateEncoder(objective.encoder, train, test, 10, { layer: 'code', probeEpochs: 30, knn: false, seed: 0 });
 */
export async function evaluateEncoder(encoder: Encoder, train: ImageDataset, test: ImageDataset, classes: number, options: EvaluationOptions): Promise<EvaluationResult> {
  const start = Date.now();
  const tr = encoderFeatures(encoder, train, options.layer);
  const te = encoderFeatures(encoder, test, options.layer);
  options.onTestFeatures?.(te.features, te.dim);
  const common = { trainFeatures: tr.features, trainLabels: train.labels, testFeatures: te.features, testLabels: test.labels, dim: tr.dim, classes };
  const probe = await linearProbe({ ...common, epochs: options.probeEpochs, seed: options.seed });
  const result: EvaluationResult = { layer: options.layer, dim: tr.dim, trainAccuracy: probe.trainAccuracy, testAccuracy: probe.testAccuracy, seconds: 0 };
  if (options.knn) result.knnAccuracy = knn({ ...common, k: 20, metric: 'cosine' }).testAccuracy;
  result.seconds = (Date.now() - start) / 1000;
  return result;
}

/**
 * The 2-D PCA projection of features (first `max` rows).
 * @example
 * const { points, explained } = project(features, 64, 2000, 2000);
 */
export function project(features: Float32Array, dim: number, n: number, max: number): { points: Float32Array; explained: [number, number]; n: number } {
  const m = Math.min(n, max);
  const { points, explained } = pca2d(features.subarray(0, m * dim), dim, m);
  return { points, explained, n: m };
}
