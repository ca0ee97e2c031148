/** Argument checks shared by the exported functions; each message names the function and argument. */
import { ConfigError, LabelError, NonFiniteError, ShapeError } from '../errors';

/** A flat row-major feature matrix: checks `dim` and finiteness, returns the row count. */
export function rowsOf(fn: string, name: string, features: ArrayLike<number>, dim: number): number {
  if (!Number.isInteger(dim) || dim <= 0) {
    throw new ConfigError(`${fn}: dim must be a positive integer, got ${dim}`);
  }
  if (features.length === 0 || features.length % dim !== 0) {
    throw new ShapeError(`${fn}: ${name} must hold n×dim values with n ≥ 1 (dim ${dim}), got length ${features.length}`);
  }
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i])) {
      const row = Math.floor(i / dim);
      throw new NonFiniteError(`${fn}: ${name} must be finite, got ${features[i]} at row ${row}, column ${i - row * dim}`);
    }
  }
  return features.length / dim;
}

/** Labels must match the row count and lie in [0, classes). */
export function checkLabels(fn: string, name: string, labels: Int32Array, rows: number, classes: number): void {
  if (labels.length !== rows) {
    throw new ShapeError(`${fn}: ${name} must have one label per feature row (${rows}), got ${labels.length}`);
  }
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y < 0 || y >= classes) {
      throw new LabelError(`${fn}: ${name}[${i}] = ${y} is outside [0, ${classes})`);
    }
  }
}

/** An integer option ≥ `min`. */
export function checkInt(fn: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${fn}: ${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/** A finite number option ≥ `min` (strictly greater when `strict`). */
export function checkNumber(fn: string, name: string, value: number, min: number, strict: boolean): void {
  if (!Number.isFinite(value) || value < min || (strict && value === min)) {
    throw new ConfigError(`${fn}: ${name} must be a finite number ${strict ? '>' : '≥'} ${min}, got ${value}`);
  }
}

/** Frozen features and labels of a train and a test split, as the probes take them. */
export interface LabelledSplits {
  /** `[nTrain, dim]` row-major features of the training (reference) split. */
  trainFeatures: Float32Array;
  /** `[nTrain]` labels in `[0, classes)`. */
  trainLabels: Int32Array;
  /** `[nTest, dim]` row-major features of the test split. */
  testFeatures: Float32Array;
  /** `[nTest]` labels in `[0, classes)`. */
  testLabels: Int32Array;
  /** Features per row. */
  dim: number;
  /** Number of classes (≥ 2). */
  classes: number;
}

/** Checks both splits (shapes, finiteness, labels in range); returns their row counts. */
export function checkSplits(fn: string, o: LabelledSplits): { nTrain: number; nTest: number } {
  const nTrain = rowsOf(fn, 'trainFeatures', o.trainFeatures, o.dim);
  const nTest = rowsOf(fn, 'testFeatures', o.testFeatures, o.dim);
  checkInt(fn, 'classes', o.classes, 2);
  checkLabels(fn, 'trainLabels', o.trainLabels, nTrain, o.classes);
  checkLabels(fn, 'testLabels', o.testLabels, nTest, o.classes);
  return { nTrain, nTest };
}
