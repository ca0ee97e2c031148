/**
 * Frozen-encoder evaluation on graphs, the protocol of the graph-classification papers
 * (Xu et al. 2019, GIN, https://arxiv.org/abs/1810.00826; Sun et al. 2020, InfoGraph,
 * https://arxiv.org/abs/1908.01000): embed every graph, then score the embeddings by
 * stratified k-fold cross-validation of a classifier whose penalty is chosen inside each
 * training part. Here the classifier is the tuned linear probe (softmax regression on
 * standardised features) where the papers fit an SVM.
 */
import * as tf from '@tensorflow/tfjs';
import { graphBatchStream, stratifiedFolds, type GraphDataset } from '@infomax/data';
import type { GraphObjective } from '@infomax/objectives';
import { tunedLinearProbe } from '@infomax/eval';
import type { EvaluationResult } from './evaluation';

/** Penalties the probe chooses from in each training part: the image probe's grid and one decade more (graph vectors are few and wide). */
export const GRAPH_PROBE_WEIGHT_DECAYS: readonly number[] = [1e-4, 1e-3, 1e-2, 1e-1, 1];

/** Graphs per forward pass when embedding. */
const EMBED_BATCH = 512;

/**
 * Every graph's embedding (the objective's `embed`, inference mode), in dataset order.
 * @param probed the objective (InfoGraph: the GIN's sum-pooled layers, concatenated)
 * @param graphs the dataset
 * @returns `features` `[count, dim]` row-major, and `dim`
 * @example
 * const { features, dim } = await embedGraphs(objective, mutag); // [188, 160]
 */
export async function embedGraphs(
  probed: Pick<GraphObjective, 'embed'>,
  graphs: GraphDataset,
): Promise<{ features: Float32Array; dim: number }> {
  const parts: Float32Array[] = [];
  let dim = 0;
  for (const batch of graphBatchStream(graphs, { batchSize: EMBED_BATCH, shuffle: false })) {
    const e = probed.embed!(batch);
    tf.dispose(batch);
    dim = e.shape[1];
    // Read back asynchronously: the one read that works on every backend (webgpu too).
    parts.push((await e.data().finally(() => e.dispose())) as Float32Array);
  }
  const features = new Float32Array(graphs.count * dim);
  let at = 0;
  for (const p of parts) {
    features.set(p, at);
    at += p.length;
  }
  return { features, dim };
}

/** Options of {@link crossValidatedProbe}. */
export interface CrossValidationOptions {
  /** `[count, dim]` row-major features. */
  features: Float32Array;
  dim: number;
  /** `[count]` class of each row, 0-based. */
  labels: Int32Array;
  classes: number;
  /** Outer folds (stratified). Default 10, the papers'. */
  folds?: number;
  /** Folds inside each training part that choose the penalty; 0 holds out 10% of it instead. Default 5. */
  innerFolds?: number;
  /** Epochs of each probe fit. Default 100. */
  probeEpochs?: number;
  /** Candidate penalties. Default {@link GRAPH_PROBE_WEIGHT_DECAYS}. */
  weightDecays?: readonly number[];
  /** Seed of the folds and of the probe's shuffles. Default 0. */
  seed?: number;
}

/** One outer fold's result. */
export interface FoldScore {
  /** Accuracy on the held-out fold, in [0, 1]. */
  testAccuracy: number;
  /** Accuracy on the fold's training part. */
  trainAccuracy: number;
  /** The chosen penalty's accuracy on the inner validation rows (inside the training part: never the test fold). */
  validationAccuracy: number;
  /** The chosen penalty. */
  weightDecay: number;
}

/** What {@link crossValidatedProbe} measured. */
export interface CrossValidation {
  /** Mean test accuracy over the folds. */
  accuracy: number;
  /** Sample standard deviation of the folds' test accuracies. */
  foldSd: number;
  /** Mean training accuracy over the folds. */
  trainAccuracy: number;
  /** Every fold, in order. */
  folds: FoldScore[];
}

/**
 * Stratified k-fold cross-validation of the tuned linear probe: in each fold the probe
 * chooses its L2 penalty by cross-validation inside the training part only, refits there
 * with it and scores the held-out fold. The test folds are read by those final fits alone.
 * @param options see {@link CrossValidationOptions}
 * @throws ConfigError (from the probe or the folds) for a fold count past the rows or a bad grid
 * @example
 * const cv = await crossValidatedProbe({ features, dim: 160, labels: mutag.labels, classes: 2 });
 * console.log(`${(100 * cv.accuracy).toFixed(2)} ± ${(100 * cv.foldSd).toFixed(2)}`);
 */
export async function crossValidatedProbe(options: CrossValidationOptions): Promise<CrossValidation> {
  const {
    features,
    dim,
    labels,
    classes,
    folds = 10,
    innerFolds = 5,
    probeEpochs = 100,
    weightDecays = GRAPH_PROBE_WEIGHT_DECAYS,
    seed = 0,
  } = options;
  const scores: FoldScore[] = [];
  for (const { train, test } of stratifiedFolds(labels, { folds, seed })) {
    const r = await tunedLinearProbe({
      trainFeatures: rows(features, dim, train),
      trainLabels: Int32Array.from(train, (i) => labels[i]),
      testFeatures: rows(features, dim, test),
      testLabels: Int32Array.from(test, (i) => labels[i]),
      dim,
      classes,
      epochs: probeEpochs,
      ...(innerFolds > 0 ? { folds: innerFolds } : { validationFraction: 0.1 }),
      weightDecays,
      seed,
    });
    const validationAccuracy = r.validation.find((v) => v.weightDecay === r.weightDecay)!.accuracy;
    scores.push({ testAccuracy: r.testAccuracy, trainAccuracy: r.trainAccuracy, validationAccuracy, weightDecay: r.weightDecay });
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const accuracy = mean(scores.map((s) => s.testAccuracy));
  const foldSd = Math.sqrt(scores.reduce((a, s) => a + (s.testAccuracy - accuracy) ** 2, 0) / (scores.length - 1));
  return { accuracy, foldSd, trainAccuracy: mean(scores.map((s) => s.trainAccuracy)), folds: scores };
}

/** The given rows of a row-major matrix. */
function rows(features: Float32Array, dim: number, indices: Int32Array): Float32Array {
  const out = new Float32Array(indices.length * dim);
  indices.forEach((r, i) => out.set(features.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

/** What {@link evaluateGraphEncoder} measured: the run's evaluation, with the folds' spread. */
export interface GraphEvaluationResult extends EvaluationResult {
  /** Standard deviation of the folds' test accuracies. */
  foldSd: number;
}

/**
 * Probes a frozen graph encoder: every graph embedded, then {@link crossValidatedProbe}
 * (10 stratified folds, the penalty chosen by 5-fold cross-validation inside each training part).
 * `testAccuracy` is the mean over the folds, `trainAccuracy` the mean on their training parts.
 * @param probed the objective (not modified)
 * @param graphs every graph, labelled
 * @param options probe epochs, seed (folds and probe), and a receiver of the embeddings (for the PCA plot)
 * @example
 * const r = await evaluateGraphEncoder(objective, mutag, { probeEpochs: 100, seed: 0 });
 */
export async function evaluateGraphEncoder(
  probed: Pick<GraphObjective, 'embed'>,
  graphs: GraphDataset,
  options: { probeEpochs: number; seed: number; onFeatures?: (features: Float32Array, dim: number) => void },
): Promise<GraphEvaluationResult> {
  const start = Date.now();
  const { features, dim } = await embedGraphs(probed, graphs);
  options.onFeatures?.(features, dim);
  const cv = await crossValidatedProbe({
    features,
    dim,
    labels: graphs.labels,
    classes: graphs.classes.length,
    probeEpochs: options.probeEpochs,
    seed: options.seed,
  });
  return {
    layer: 'code',
    probe: 'linear',
    dim,
    trainAccuracy: cv.trainAccuracy,
    testAccuracy: cv.accuracy,
    foldSd: cv.foldSd,
    seconds: (Date.now() - start) / 1000,
  };
}
