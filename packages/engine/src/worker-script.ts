/** The worker pools' shared parts: option checks and where a worker script is, from source (tests) or built. Node-only. */
import * as path from 'path';
import { existsSync } from 'fs';
import { ConfigError, EngineError } from './errors';

/**
 * Checks a pool's size and task module.
 * @param owner the class, for messages (`'DataParallel'`)
 * @param option the size option's name and value, and its lowest value (the highest is 64)
 * @param module the task module's path
 * @throws ConfigError for a size out of range or a module path that is not absolute
 */
export function checkPool(owner: string, option: { name: string; value: number; min: number }, module: string): void {
  checkCount(owner, option);
  if (!path.isAbsolute(module)) throw new ConfigError(`${owner}: option 'module' must be an absolute path, got '${module}'`);
}

/**
 * Checks a pool's size: an integer from `min` to 64.
 * @throws ConfigError `<owner>: option '<name>' must be an integer in <min>..64, got <value>`
 */
export function checkCount(owner: string, option: { name: string; value: number; min: number }): void {
  const { name, value, min } = option;
  if (!Number.isInteger(value) || value < min || value > 64) {
    throw new ConfigError(`${owner}: option '${name}' must be an integer in ${min}..64, got ${value}`);
  }
}

/**
 * The path of a built worker script: beside this file once built, in the package's
 * dist when this file runs from source.
 * @param name the script's file name, e.g. `'data-parallel-worker.js'`
 * @throws EngineError when the package has not been built
 */
export function workerScript(name: string): string {
  const found = [path.join(__dirname, name), path.join(__dirname, '..', 'dist', name)].find((f) => existsSync(f));
  if (found === undefined) throw new EngineError(`${name} not found; build @infomax/engine first`);
  return found;
}
