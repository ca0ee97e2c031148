/**
 * Typed errors of `@infomax/objectives`: the engine's classes, so a CLI that maps
 * `ConfigError` / `ShapeError` once handles objective errors too. Every message
 * names the function and the config key path (`prior.hidden[1]`) or argument at
 * fault, what was expected and what came. A diverged step throws the estimators'
 * `NonFiniteError`.
 */
export { ConfigError, ShapeError } from '@infomax/engine';
/** A step's loss, metrics, gradients or state went NaN or ±Infinity: the estimators' class, one for the framework. */
export { NonFiniteError } from '@infomax/estimators';
