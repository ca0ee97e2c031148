/**
 * The linear probe with its L2 penalty chosen on a validation split, the protocol of
 * SimCLR's linear evaluation (Chen et al. 2020, https://arxiv.org/abs/2002.05709, B.5:
 * "we select the best ℓ2 regularization … on a validation set") and of scikit-learn's
 * `LogisticRegressionCV` with a single fold. Wide features (a 7×7×128 conv map: 6272
 * dimensions for 60,000 images) over-fit a fixed small penalty; a penalty picked on held
 * out training rows fits each layer's width without looking at the test split.
 */
import { Rng } from '@infomax/engine';
import { ConfigError } from './errors';
import { linearProbe, type LinearProbeOptions, type LinearProbeResult } from './linear-probe';
import { gatherRows } from './internal/rows';
import { checkNumber, checkSplits } from './internal/validate';
import { standardize } from './standardize';

/** Penalties tried by default: the plain probe's 1e-4 and three decades above it. */
export const DEFAULT_WEIGHT_DECAYS: readonly number[] = [1e-4, 1e-3, 1e-2, 1e-1];

/** Inputs of {@link tunedLinearProbe}: the linear probe's, with a grid in place of one `weightDecay`. */
export interface TunedLinearProbeOptions extends Omit<LinearProbeOptions, 'weightDecay'> {
  /** Candidate penalties (each ≥ 0, at least one). Default {@link DEFAULT_WEIGHT_DECAYS}. */
  weightDecays?: readonly number[];
  /** Fraction of the training rows held out to choose the penalty, in (0, 1). Default 0.1. */
  validationFraction?: number;
}

/** One candidate penalty and what it scored on the validation rows. */
export interface ValidationScore {
  weightDecay: number;
  /** Accuracy on the held-out training rows, in [0, 1]. */
  accuracy: number;
}

/** What {@link tunedLinearProbe} measured: the final probe's result, the chosen penalty and every candidate's score. */
export interface TunedLinearProbeResult extends LinearProbeResult {
  /** The penalty the final probe used. */
  weightDecay: number;
  /** Every candidate, in the order given. */
  validation: ValidationScore[];
  /** Seconds of the whole selection and final fit. */
  totalSeconds: number;
}

/**
 * Holds out a seeded random `validationFraction` of the training rows, fits the probe on
 * the rest once per candidate penalty, keeps the penalty with the best validation
 * accuracy (ties go to the larger penalty: the simpler model), then fits the probe on
 * the whole training split with it and reports test accuracy. The test split is read
 * only by that final fit, exactly as {@link linearProbe} reads it.
 *
 * @param options the linear probe's options, `weightDecays` and `validationFraction`.
 * @returns the final probe's result, the chosen `weightDecay`, and the validation score of every candidate.
 * @throws ConfigError when the grid is empty or holds a negative or non-finite penalty, or the fraction leaves an empty part.
 * @throws ShapeError, LabelError, NonFiniteError as {@link linearProbe} does.
 * @example
 * const r = await tunedLinearProbe({ trainFeatures, trainLabels, testFeatures, testLabels, dim: 6272, classes: 10, epochs: 30 });
 * console.log(`conv: ${(100 * r.testAccuracy).toFixed(1)}% at weight decay ${r.weightDecay}`);
 */
export async function tunedLinearProbe(options: TunedLinearProbeOptions): Promise<TunedLinearProbeResult> {
  const fn = 'tunedLinearProbe';
  const { weightDecays = DEFAULT_WEIGHT_DECAYS, validationFraction = 0.1, ...probe } = options;
  const start = performance.now();
  if (!Array.isArray(weightDecays) || weightDecays.length === 0) {
    throw new ConfigError(`${fn}: weightDecays must be a non-empty array of penalties, got ${JSON.stringify(weightDecays)}`);
  }
  weightDecays.forEach((d, i) => checkNumber(fn, `weightDecays[${i}]`, d, 0, false));
  const { nTrain } = checkSplits(fn, probe);
  const held = Math.round(validationFraction * nTrain);
  if (!(validationFraction > 0 && validationFraction < 1) || held < 1 || held >= nTrain) {
    throw new ConfigError(`${fn}: validationFraction must be in (0, 1) and leave at least one row on each side of ${nTrain}, got ${validationFraction}`);
  }
  const order = new Rng(probe.seed ?? 0).permutation(nTrain);
  const fit = gatherRows(probe.trainFeatures, probe.trainLabels, order.subarray(held), probe.dim);
  const check = gatherRows(probe.trainFeatures, probe.trainLabels, order.subarray(0, held), probe.dim);
  // Standardised once with the fitted rows' statistics, as linearProbe would for each candidate.
  const features = probe.standardize === false ? { train: fit.x, test: check.x } : standardize(fit.x, check.x, probe.dim);
  const validation: ValidationScore[] = [];
  for (const weightDecay of weightDecays) {
    const r = await linearProbe({
      ...probe,
      trainFeatures: features.train, trainLabels: fit.y,
      testFeatures: features.test, testLabels: check.y,
      standardize: false,
      weightDecay,
    });
    validation.push({ weightDecay, accuracy: r.testAccuracy });
  }
  const best = validation.reduce((a, b) => (b.accuracy > a.accuracy || (b.accuracy === a.accuracy && b.weightDecay > a.weightDecay) ? b : a));
  const final = await linearProbe({ ...probe, weightDecay: best.weightDecay });
  return { ...final, weightDecay: best.weightDecay, validation, totalSeconds: (performance.now() - start) / 1000 };
}
