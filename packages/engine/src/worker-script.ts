/** Where a worker script of this package is, from source (tests) or built. Node-only. */
import * as path from 'path';
import { existsSync } from 'fs';
import { EngineError } from './errors';

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
