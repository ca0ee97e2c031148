/**
 * The linear probe: softmax regression on frozen features, the number every
 * representation-learning paper reports (e.g. Hjelm et al. 2019, "Learning deep
 * representations by mutual information estimation and maximization",
 * https://arxiv.org/abs/1808.06670; Oord et al. 2018, CPC, https://arxiv.org/abs/1807.03748).
 */
import * as tf from '@tensorflow/tfjs';
import { FusedAdam, Rng } from '@infomax/engine';
import { standardize as standardizeSplits } from './standardize';
import { countCorrect } from './internal/accuracy';
import { gatherRows } from './internal/rows';
import { softmaxStep } from './internal/softmax-regression';
import { ConfigError } from './errors';
import { checkInt, checkNumber, checkSplits, type LabelledSplits } from './internal/validate';

/** Learning-rate schedules {@link linearProbe} knows. */
export const PROBE_SCHEDULES = ['cosine', 'constant'] as const;
/** One of {@link PROBE_SCHEDULES}. */
export type ProbeSchedule = (typeof PROBE_SCHEDULES)[number];

/** Inputs and hyper-parameters of {@link linearProbe}. */
export interface LinearProbeOptions extends LabelledSplits {
  /** Passes over the training split. Default 100. */
  epochs?: number;
  /** Rows per Adam step; the last batch of an epoch may be smaller. Default 256. */
  batchSize?: number;
  /** Adam step size (of the first epoch, with the cosine schedule). Default 1e-2. */
  learningRate?: number;
  /**
   * Step size over the epochs: `'cosine'` anneals it from `learningRate` towards 0,
   * epoch e (1-based) using `learningRate · ½(1 + cos(π(e − 1)/epochs))`, so the probe
   * ends near the optimum instead of jittering around it at a constant step (PyTorch's
   * `CosineAnnealingLR` stepped once per epoch); `'constant'` keeps `learningRate`. Default 'cosine'.
   */
  schedule?: ProbeSchedule;
  /** L2 penalty `weightDecay/2 · ‖W‖²` on the weights (not the bias), added to the loss. Default 1e-4. */
  weightDecay?: number;
  /** Seed of the per-epoch shuffles (weights start at zero, so this is the only randomness). Default 0. */
  seed?: number;
  /** Standardise features with training statistics first (see `standardize`). Default true. */
  standardize?: boolean;
  /** Called after each epoch with its 1-based index and mean training loss (for progress output). */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** What {@link linearProbe} measured. */
export interface LinearProbeResult {
  /** Fraction of training rows classified correctly after the last epoch, in [0, 1]. */
  trainAccuracy: number;
  /** Fraction of test rows classified correctly, in [0, 1]. */
  testAccuracy: number;
  /** Epochs run. */
  epochs: number;
  /** Wall-clock seconds, standardisation and evaluation included. */
  seconds: number;
  /** Mean training loss (cross-entropy + penalty) over the last epoch. */
  loss: number;
}

type Resolved = Required<Omit<LinearProbeOptions, 'onEpoch'>> & Pick<LinearProbeOptions, 'onEpoch'>;

function resolve(options: LinearProbeOptions): Resolved & { nTrain: number; nTest: number } {
  const fn = 'linearProbe';
  const o: Resolved = {
    epochs: 100,
    batchSize: 256,
    learningRate: 1e-2,
    schedule: 'cosine',
    weightDecay: 1e-4,
    seed: 0,
    standardize: true,
    ...options,
  };
  const { nTrain, nTest } = checkSplits(fn, o);
  checkInt(fn, 'epochs', o.epochs, 1);
  checkInt(fn, 'batchSize', o.batchSize, 1);
  checkNumber(fn, 'learningRate', o.learningRate, 0, true);
  if (!PROBE_SCHEDULES.includes(o.schedule)) {
    throw new ConfigError(`${fn}: schedule must be one of ${PROBE_SCHEDULES.join(', ')}, got ${JSON.stringify(o.schedule)}`);
  }
  checkNumber(fn, 'weightDecay', o.weightDecay, 0, false);
  checkNumber(fn, 'seed', o.seed, -Infinity, false);
  return { ...o, nTrain, nTest };
}

/** The engine's Adam (fused update) with a step size that can change between steps (its field is protected). */
class ScheduledAdam extends FusedAdam {
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999);
  }

  setLearningRate(value: number): void {
    this.learningRate = value;
  }
}

/** The Adam step size of a 1-based epoch under the probe's schedule. */
function stepSize(o: Resolved, epoch: number): number {
  if (o.schedule === 'constant') return o.learningRate;
  return o.learningRate * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / o.epochs));
}

/**
 * Trains softmax regression (logits = x·W + b) on frozen features with Adam and
 * reports train and test accuracy. Each epoch visits the training split in a
 * seeded random order, so the same seed and backend give the same numbers. The
 * split stays in a JS array and each minibatch is copied out and uploaded: on the
 * wasm backend, slicing or gathering 256 rows out of an [8000, 784] tensor cost
 * ~11 ms (it grows with the source tensor) against ~0.3 ms for the upload. Test
 * features are used only for the final accuracy (and standardisation uses training
 * statistics only). Every tensor it makes is disposed.
 *
 * @param options features `[n, dim]`, labels `[n]`, hyper-parameters; see {@link LinearProbeOptions}.
 * @returns accuracies in [0, 1], epochs run, seconds, last-epoch loss.
 * @throws ShapeError when a features array is not n×dim or labels and rows differ in count.
 * @throws LabelError when a label is outside `[0, classes)`.
 * @throws NonFiniteError when a feature is NaN or ±Infinity.
 * @throws ConfigError when an option is out of range.
 * @example
 * const { testAccuracy } = await linearProbe({
 *   trainFeatures, trainLabels, testFeatures, testLabels, dim: 64, classes: 10, epochs: 50,
 * });
 * console.log(`linear probe: ${(100 * testAccuracy).toFixed(1)}%`);
 */
export async function linearProbe(options: LinearProbeOptions): Promise<LinearProbeResult> {
  const o = resolve(options);
  const start = performance.now();
  const { train, test } = o.standardize
    ? standardizeSplits(o.trainFeatures, o.testFeatures, o.dim)
    : { train: o.trainFeatures, test: o.testFeatures };

  // Zero start: the problem is convex, and zeros remove a source of run-to-run variation.
  const w = zeroVariable([o.dim, o.classes]) as tf.Variable<tf.Rank.R2>;
  const b = zeroVariable([o.classes]) as tf.Variable<tf.Rank.R1>;
  const optimizer = new ScheduledAdam(o.learningRate);
  const rng = new Rng(o.seed);
  let loss = NaN;
  let lossSum: tf.Scalar | null = null;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      optimizer.setLearningRate(stepSize(o, epoch));
      const order = rng.permutation(o.nTrain);
      lossSum = tf.scalar(0);
      for (let first = 0; first < o.nTrain; first += o.batchSize) {
        const batch = gatherRows(train, o.trainLabels, order.subarray(first, first + o.batchSize), o.dim);
        const sum: tf.Scalar = lossSum;
        const next = tf.tidy(() => {
          const x = tf.tensor2d(batch.x, [batch.y.length, o.dim]);
          const step = softmaxStep(x, tf.tensor1d(batch.y, 'int32'), w, b, o.weightDecay);
          optimizer.applyGradients([
            { name: w.name, tensor: step.gradW },
            { name: b.name, tensor: step.gradB },
          ]);
          return sum.add(step.loss.mul(batch.y.length));
        });
        sum.dispose();
        lossSum = next as tf.Scalar;
      }
      loss = (await lossSum.data())[0] / o.nTrain;
      lossSum.dispose();
      lossSum = null;
      o.onEpoch?.(epoch, loss);
    }
    const logits = (x: tf.Tensor2D) => x.matMul(w).add(b) as tf.Tensor2D;
    const trainCorrect = await countCorrect(train, o.trainLabels, o.dim, logits);
    const testCorrect = await countCorrect(test, o.testLabels, o.dim, logits);
    return {
      trainAccuracy: trainCorrect / o.nTrain,
      testAccuracy: testCorrect / o.nTest,
      epochs: o.epochs,
      seconds: (performance.now() - start) / 1000,
      loss,
    };
  } finally {
    optimizer.dispose();
    tf.dispose([w, b]);
    lossSum?.dispose();
  }
}

/** A trainable variable of zeros (the initial tensor is freed: a variable keeps its own reference). */
function zeroVariable(shape: number[]): tf.Variable {
  const initial = tf.zeros(shape);
  const v = tf.variable(initial);
  initial.dispose();
  return v;
}
