/**
 * Typed errors of `@infomax/eval`. Shape and option errors are the engine's classes
 * (one hierarchy for the whole framework, so a CLI maps them once); labels outside
 * `[0, classes)` get their own class because they are a fault of the data, not of
 * the call (a CLI reports them as a data error), and so do features holding NaN or
 * ±Infinity (the encoder that made them diverged: a numeric failure).
 */
import { EngineError } from '@infomax/engine';

export { ShapeError, ConfigError } from '@infomax/engine';

/**
 * A label array held a value outside `[0, classes)` (or a non-integer count of classes).
 *
 * @example
 * try {
 *   knn({ trainFeatures, trainLabels, testFeatures, testLabels, dim: 64, classes: 10 });
 * } catch (err) {
 *   if (err instanceof LabelError) console.error('bad labels:', err.message);
 * }
 */
export class LabelError extends EngineError {}

/**
 * A features array held NaN or ±Infinity (e.g. the encoder that produced it diverged).
 *
 * @example
 * try {
 *   await linearProbe({ trainFeatures, trainLabels, testFeatures, testLabels, dim: 64, classes: 10 });
 * } catch (err) {
 *   if (err instanceof NonFiniteError) console.error('features are not finite:', err.message);
 * }
 */
export class NonFiniteError extends EngineError {}
