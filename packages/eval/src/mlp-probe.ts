/**
 * The MLP probe: one hidden ReLU layer on frozen features, the non-linear evaluation some
 * papers report beside the linear one (e.g. Bachman et al. 2019, AMDIM,
 * https://arxiv.org/abs/1906.00910: "MLP evaluation" with one hidden layer; Hjelm et al. 2019,
 * DIM, https://arxiv.org/abs/1808.06670, Table 1's "MLP" columns). It tells whether the
 * classes are present in a representation but not linearly separable.
 */
import * as tf from '@tensorflow/tfjs';
import { FusedAdam, Rng } from '@infomax/engine';
import { ConfigError } from './errors';
import { countCorrect } from './internal/accuracy';
import type { LinearProbeResult } from './linear-probe';
import { gatherRows } from './internal/rows';
import { checkInt, checkNumber, checkSplits, type LabelledSplits } from './internal/validate';
import { standardize } from './standardize';

/** Inputs and hyper-parameters of {@link mlpProbe}; every default is the value listed. */
export interface MlpProbeOptions extends LabelledSplits {
  /** Units of the hidden ReLU layer. Default 256. */
  hiddenUnits?: number;
  /** Most passes over the fitted rows. Default 200. */
  maxEpochs?: number;
  /** Stop after this many epochs without a better validation accuracy. Default 10. */
  patience?: number;
  /** Fraction of the training rows held out (seeded) for early stopping, in (0, 1). Default 0.1. */
  validationFraction?: number;
  /** Rows per Adam step. Default 128. */
  batchSize?: number;
  /** Adam step size. Default 1e-3. */
  learningRate?: number;
  /** L2 penalty `weightDecay/2 · (‖W₁‖² + ‖W₂‖²)` on the weights (not the biases). Default 1e-4. */
  weightDecay?: number;
  /** Seed of the held-out rows, the initial weights and the shuffles. Default 0. */
  seed?: number;
  /** Standardise features with the fitted rows' statistics first (see `standardize`). Default true. */
  standardize?: boolean;
  /** Called after each epoch with its 1-based index, mean training loss and validation accuracy. */
  onEpoch?: (epoch: number, loss: number, validationAccuracy: number) => void;
}

/**
 * What {@link mlpProbe} measured, with the weights of its best validation epoch: the linear
 * probe's fields (`trainAccuracy` over the rows it fitted, the held-out ones excluded; `epochs`
 * run, at most `maxEpochs`) and the early stopping's.
 */
export interface MlpProbeResult extends LinearProbeResult {
  /** Accuracy on the held-out training rows, in [0, 1]. */
  validationAccuracy: number;
  /** The 1-based epoch whose weights were kept. */
  bestEpoch: number;
}

type Resolved = Required<Omit<MlpProbeOptions, 'onEpoch'>> & Pick<MlpProbeOptions, 'onEpoch'>;

function resolve(options: MlpProbeOptions): Resolved & { nTrain: number; held: number } {
  const fn = 'mlpProbe';
  const o: Resolved = {
    hiddenUnits: 256,
    maxEpochs: 200,
    patience: 10,
    validationFraction: 0.1,
    batchSize: 128,
    learningRate: 1e-3,
    weightDecay: 1e-4,
    seed: 0,
    standardize: true,
    ...options,
  };
  const { nTrain } = checkSplits(fn, o);
  checkInt(fn, 'hiddenUnits', o.hiddenUnits, 1);
  checkInt(fn, 'maxEpochs', o.maxEpochs, 1);
  checkInt(fn, 'patience', o.patience, 1);
  checkInt(fn, 'batchSize', o.batchSize, 1);
  checkNumber(fn, 'learningRate', o.learningRate, 0, true);
  checkNumber(fn, 'weightDecay', o.weightDecay, 0, false);
  checkNumber(fn, 'seed', o.seed, -Infinity, false);
  const held = Math.round(o.validationFraction * nTrain);
  if (!(o.validationFraction > 0 && o.validationFraction < 1) || held < 1 || held >= nTrain) {
    throw new ConfigError(
      `${fn}: validationFraction must be in (0, 1) and leave at least one row on each side of ${nTrain}, got ${o.validationFraction}`,
    );
  }
  return { ...o, nTrain, held };
}

/** A trainable variable from values (the initial tensor is freed: the variable keeps its own). */
function variableOf(values: Float32Array, shape: number[]): tf.Variable {
  const initial = tf.tensor(values, shape);
  const v = tf.variable(initial);
  initial.dispose();
  return v;
}

/**
 * Holds out a seeded `validationFraction` of the training rows, trains
 * `logits = ReLU(x·W₁ + b₁)·W₂ + b₂` with Adam on the rest (He-initialised from the seed,
 * seeded shuffles), scores the held-out rows after every epoch, stops once `patience` epochs
 * bring no better score, and keeps the weights of the best epoch for the final train and test
 * accuracies. The test split is read only at the end. The same seed and backend give the same
 * numbers. Every tensor it makes is disposed.
 *
 * @param options features `[n, dim]`, labels `[n]`, hyper-parameters; see {@link MlpProbeOptions}.
 * @returns accuracies in [0, 1], epochs run, the epoch kept, last-epoch loss, seconds.
 * @throws ShapeError when a features array is not n×dim or labels and rows differ in count.
 * @throws LabelError when a label is outside `[0, classes)`.
 * @throws NonFiniteError when a feature is NaN or ±Infinity.
 * @throws ConfigError when an option is out of range or the validation fraction leaves an empty side.
 * @example
 * const r = await mlpProbe({ trainFeatures, trainLabels, testFeatures, testLabels, dim: 64, classes: 10 });
 * console.log(`MLP probe: ${(100 * r.testAccuracy).toFixed(1)}% (epoch ${r.bestEpoch} of ${r.epochs})`);
 */
export async function mlpProbe(options: MlpProbeOptions): Promise<MlpProbeResult> {
  const o = resolve(options);
  const start = performance.now();
  const { dim, classes, hiddenUnits: h } = o;
  const rng = new Rng(o.seed);
  const order = rng.permutation(o.nTrain);
  const fit = gatherRows(o.trainFeatures, o.trainLabels, order.subarray(o.held), dim);
  const val = gatherRows(o.trainFeatures, o.trainLabels, order.subarray(0, o.held), dim);
  const heldOut = new Float32Array(val.x.length + o.testFeatures.length);
  heldOut.set(val.x);
  heldOut.set(o.testFeatures, val.x.length);
  const scaled = o.standardize ? standardize(fit.x, heldOut, dim) : { train: fit.x, test: heldOut };
  const fitX = scaled.train;
  const valX = scaled.test.subarray(0, val.x.length);
  const testX = scaled.test.subarray(val.x.length);
  const nFit = fit.y.length;

  // He initialisation for the ReLU layer, LeCun for the output layer (PyTorch's Linear uses a uniform of the same scale).
  const normals = (count: number, std: number) => Float32Array.from({ length: count }, () => std * rng.normal());
  const params = [
    variableOf(normals(dim * h, Math.sqrt(2 / dim)), [dim, h]),
    variableOf(new Float32Array(h), [h]),
    variableOf(normals(h * classes, Math.sqrt(1 / h)), [h, classes]),
    variableOf(new Float32Array(classes), [classes]),
  ];
  const [w1, b1, w2, b2] = params;
  const logits = (x: tf.Tensor2D) =>
    tf
      .relu(x.matMul(w1 as tf.Tensor2D).add(b1))
      .matMul(w2 as tf.Tensor2D)
      .add(b2) as tf.Tensor2D;
  const optimizer = new FusedAdam(o.learningRate, 0.9, 0.999);
  let best: tf.Tensor[] = [];
  let bestScore = -1;
  let bestEpoch = 0;
  let loss = NaN;
  let epoch = 0;
  try {
    while (epoch < o.maxEpochs && epoch - bestEpoch < o.patience) {
      epoch++;
      const shuffled = rng.permutation(nFit);
      let lossSum = 0;
      for (let first = 0; first < nFit; first += o.batchSize) {
        const batch = gatherRows(fitX, fit.y, shuffled.subarray(first, first + o.batchSize), dim);
        const value = tf.tidy(() => {
          const x = tf.tensor2d(batch.x, [batch.y.length, dim]);
          const targets = tf.oneHot(tf.tensor1d(batch.y, 'int32'), classes);
          const { value: l, grads } = tf.variableGrads(() => {
            const ce = tf.losses.softmaxCrossEntropy(targets, logits(x));
            return (
              o.weightDecay > 0 ? ce.add(tf.addN([w1, w2].map((w) => tf.sum(tf.square(w)))).mul(o.weightDecay / 2)) : ce
            ) as tf.Scalar;
          }, params);
          optimizer.applyGradients(params.map((p) => ({ name: p.name, tensor: grads[p.name] })));
          return l.mul(batch.y.length);
        });
        lossSum += (await value.data())[0];
        value.dispose();
      }
      loss = lossSum / nFit;
      const score = (await countCorrect(valX, val.y, dim, logits)) / val.y.length;
      o.onEpoch?.(epoch, loss, score);
      if (score > bestScore) {
        tf.dispose(best);
        best = params.map((p) => tf.keep(p.clone()));
        bestScore = score;
        bestEpoch = epoch;
      }
    }
    params.forEach((p, i) => p.assign(best[i]));
    return {
      trainAccuracy: (await countCorrect(fitX, fit.y, dim, logits)) / nFit,
      validationAccuracy: bestScore,
      testAccuracy: (await countCorrect(testX, o.testLabels, dim, logits)) / o.testLabels.length,
      epochs: epoch,
      bestEpoch,
      loss,
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    optimizer.dispose();
    tf.dispose([...params, ...best]);
  }
}
