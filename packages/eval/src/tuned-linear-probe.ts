/**
 * The linear probe with its L2 penalty chosen on held-out training rows, the protocol of
 * SimCLR's linear evaluation (Chen et al. 2020, https://arxiv.org/abs/2002.05709, B.5:
 * "we select the best ℓ2 regularization … on a validation set") and of scikit-learn's
 * `LogisticRegressionCV` (one validation split, or k folds). Wide features (a 7×7×128 conv
 * map: 6272 dimensions for 60,000 images) over-fit a fixed small penalty; a penalty picked
 * on held out training rows fits each layer's width without looking at the test split.
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
  /** Fraction of the training rows held out to choose the penalty, in (0, 1). Default 0.1. Not with `folds`. */
  validationFraction?: number;
  /**
   * k-fold cross-validation instead of one held-out fraction: an integer ≥ 2. The seeded
   * permutation of the training rows is cut into `folds` near-equal parts; each part is
   * held out once while the probe fits the others, and a candidate scores its accuracy
   * over every training row. k times the fits, for a choice that is not decided by a few
   * rows when the training split is small (scikit-learn's default is 5).
   */
  folds?: number;
}

/** One candidate penalty and what it scored on the validation rows. */
export interface ValidationScore {
  weightDecay: number;
  /** Accuracy on the held-out training rows (with folds: over every training row, each scored by the fit that held it out), in [0, 1]. */
  accuracy: number;
}

/** What {@link tunedLinearProbe} measured: the final probe's result, the chosen penalty and every candidate's score. */
export interface TunedLinearProbeResult extends LinearProbeResult {
  /** The penalty the final probe used. */
  weightDecay: number;
  /** Every candidate, in the order given. */
  validation: ValidationScore[];
  /** How many held-out parts scored the candidates: 1 for a validation fraction, else `folds`. */
  folds: number;
  /** Seconds of the whole selection and final fit. */
  totalSeconds: number;
}

/**
 * Holds out a seeded random `validationFraction` of the training rows (or each of `folds`
 * parts in turn), fits the probe on the rest once per candidate penalty, keeps the penalty
 * with the best validation accuracy (ties go to the larger penalty: the simpler model),
 * then fits the probe on the whole training split with it and reports test accuracy. The
 * test split is read only by that final fit, exactly as {@link linearProbe} reads it.
 *
 * @param options the linear probe's options, `weightDecays`, and `validationFraction` or `folds`.
 * @returns the final probe's result, the chosen `weightDecay`, and the validation score of every candidate.
 * @throws ConfigError when the grid is empty or holds a negative or non-finite penalty, the fraction or the folds leave an
 *   empty part, or both `validationFraction` and `folds` are given.
 * @throws ShapeError, LabelError, NonFiniteError as {@link linearProbe} does.
 * @example
 * const r = await tunedLinearProbe({ trainFeatures, trainLabels, testFeatures, testLabels, dim: 6272, classes: 10, epochs: 30 });
 * console.log(`conv: ${(100 * r.testAccuracy).toFixed(1)}% at weight decay ${r.weightDecay}`);
 */
export async function tunedLinearProbe(options: TunedLinearProbeOptions): Promise<TunedLinearProbeResult> {
  const fn = 'tunedLinearProbe';
  const { weightDecays = DEFAULT_WEIGHT_DECAYS, validationFraction, folds, ...probe } = options;
  const start = performance.now();
  if (!Array.isArray(weightDecays) || weightDecays.length === 0) {
    throw new ConfigError(`${fn}: weightDecays must be a non-empty array of penalties, got ${JSON.stringify(weightDecays)}`);
  }
  weightDecays.forEach((d, i) => checkNumber(fn, `weightDecays[${i}]`, d, 0, false));
  const { nTrain } = checkSplits(fn, probe);
  const order = new Rng(probe.seed ?? 0).permutation(nTrain);
  const heldOut = heldOutParts(fn, nTrain, validationFraction, folds);
  const correct = new Array<number>(weightDecays.length).fill(0);
  let scored = 0;
  for (const [from, to] of heldOut) {
    const rest = new Int32Array(nTrain - (to - from));
    rest.set(order.subarray(0, from));
    rest.set(order.subarray(to), from);
    const fit = gatherRows(probe.trainFeatures, probe.trainLabels, rest, probe.dim);
    const check = gatherRows(probe.trainFeatures, probe.trainLabels, order.subarray(from, to), probe.dim);
    // Standardised once per part with its fitted rows' statistics, as linearProbe would for each candidate.
    const features = probe.standardize === false ? { train: fit.x, test: check.x } : standardize(fit.x, check.x, probe.dim);
    for (const [i, weightDecay] of weightDecays.entries()) {
      const r = await linearProbe({
        ...probe,
        trainFeatures: features.train,
        trainLabels: fit.y,
        testFeatures: features.test,
        testLabels: check.y,
        standardize: false,
        weightDecay,
      });
      correct[i] += Math.round(r.testAccuracy * (to - from)); // a count of rows: the accuracy is a share of whole rows
    }
    scored += to - from;
  }
  const validation: ValidationScore[] = weightDecays.map((weightDecay, i) => ({ weightDecay, accuracy: correct[i] / scored }));
  const best = validation.reduce((a, b) =>
    b.accuracy > a.accuracy || (b.accuracy === a.accuracy && b.weightDecay > a.weightDecay) ? b : a,
  );
  const final = await linearProbe({ ...probe, weightDecay: best.weightDecay });
  return { ...final, weightDecay: best.weightDecay, validation, folds: heldOut.length, totalSeconds: (performance.now() - start) / 1000 };
}

/**
 * The held-out parts `[from, to)` of the permuted training rows: the first
 * `validationFraction` of them (default 0.1), or each of `folds` near-equal parts.
 */
function heldOutParts(fn: string, n: number, validationFraction: number | undefined, folds: number | undefined): [number, number][] {
  if (folds !== undefined) {
    if (validationFraction !== undefined) {
      throw new ConfigError(`${fn}: give validationFraction or folds, not both (got ${validationFraction} and ${folds})`);
    }
    if (!Number.isInteger(folds) || folds < 2 || folds > n) {
      throw new ConfigError(`${fn}: folds must be an integer from 2 to the ${n} training rows, got ${folds}`);
    }
    return Array.from({ length: folds }, (_, f) => [Math.floor((f * n) / folds), Math.floor(((f + 1) * n) / folds)]);
  }
  const fraction = validationFraction ?? 0.1;
  const held = Math.round(fraction * n);
  if (!(fraction > 0 && fraction < 1) || held < 1 || held >= n) {
    throw new ConfigError(`${fn}: validationFraction must be in (0, 1) and leave at least one row on each side of ${n}, got ${fraction}`);
  }
  return [[0, held]];
}
