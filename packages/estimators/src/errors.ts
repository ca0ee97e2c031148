/**
 * Typed errors of `@infomax/estimators`. Shape and option errors are the engine's
 * classes (one hierarchy for the whole framework, so a CLI maps them once); a
 * value gone NaN or ±Infinity gets its own class because retrying with other
 * options will not help — the upstream computation diverged.
 */
import { EngineError } from '@infomax/engine';

export { ShapeError, ConfigError } from '@infomax/engine';

/**
 * A training step's loss, an MI estimate, the gradients or the state after the update
 * (optimizer slots, weights) went NaN or ±Infinity: the run diverged. The bounds do not
 * read their scores back to look (a read per call stalls a GPU); `trainStep` of
 * @infomax/objectives checks everything in the one read-back it makes, and throws this.
 *
 * @example
 * try {
 *   trainStep(objective, optimizer, { images }, step);
 * } catch (err) {
 *   if (err instanceof NonFiniteError) console.error('diverged:', err.message); // "trainStep: loss is NaN"
 * }
 */
export class NonFiniteError extends EngineError {}
