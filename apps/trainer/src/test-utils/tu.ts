/** Where the specs find the shipped TU graph datasets. */
import { existsSync } from 'fs';
import * as path from 'path';

/**
 * The folder of the shipped TU datasets: `INFOMAX_TU_DIR`, else the first `shared/datasets/tu`
 * above this folder; undefined when there is none (the graph specs then say they skipped).
 */
export const TU_DATASETS: string | undefined = (() => {
  if (process.env.INFOMAX_TU_DIR) return process.env.INFOMAX_TU_DIR;
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'shared', 'datasets', 'tu'))) return path.join(dir, 'shared', 'datasets', 'tu');
  }
  console.log('graph run tests skipped: no shared/datasets/tu above the working folder (set INFOMAX_TU_DIR)');
  return undefined;
})();

/** `describe`, or `describe.skip` without the shipped datasets. */
export const describeWithTu = TU_DATASETS ? describe : describe.skip;
