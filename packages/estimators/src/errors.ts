/**
 * Typed errors of `@infomax/estimators`. Shape and option errors are the engine's
 * classes (one hierarchy for the whole framework, so a CLI maps them once); a
 * tensor holding NaN or ±Infinity gets its own class because retrying with other
 * options will not help — the upstream computation diverged.
 */
import { EngineError } from '@infomax/engine';

export { ShapeError, ConfigError } from '@infomax/engine';

/**
 * A tensor argument held NaN or ±Infinity (e.g. a critic that diverged).
 *
 * @example
 * try {
 *   dv(scores);
 * } catch (err) {
 *   if (err instanceof NonFiniteError) console.error('critic diverged:', err.message);
 * }
 */
export class NonFiniteError extends EngineError {}
