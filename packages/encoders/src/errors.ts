/**
 * Typed errors of `@infomax/encoders`. They are the engine's classes, so a CLI
 * that maps `ConfigError` / `ShapeError` to messages and exit codes handles
 * encoder errors the same way. Every message names the function and the option
 * or argument at fault, what was expected and what came.
 */
export { ConfigError, ShapeError } from '@infomax/engine';
