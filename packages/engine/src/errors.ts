/**
 * Typed errors of `@infomax/engine`. Every message names the function or option
 * at fault, what was expected and what came, so a CLI can print it as it is.
 */

/** Base class: anything the engine rejects. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor argument had the wrong rank, size or dtype. */
export class ShapeError extends EngineError {}

/** An option had a value outside what it accepts. */
export class ConfigError extends EngineError {
  /**
   * @param message the whole message
   * @param key where one key of a config object is at fault: its path inside that object
   *   (`augment[1].p`; `''` for the object itself) and the problem alone (`expected …, got …`),
   *   so that a caller holding the object under a key of its own (a run file's `objective`)
   *   can name the key by its full path
   */
  constructor(
    message: string,
    readonly key?: { path: string; problem: string },
  ) {
    super(message);
  }
}

/** A requested backend could not be loaded or initialised. */
export class BackendError extends EngineError {}

/** A kernel was asked for a configuration it does not implement. */
export class UnsupportedError extends EngineError {}

/** A model folder could not be written or read. */
export class ModelIOError extends EngineError {}
