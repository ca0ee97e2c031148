/** Writing a command's output files atomically, with failures reported as the `--out` they came from. */
import { constants, promises as fsp } from 'fs';
import { OutputError } from '../errors';
import { writeFileAtomic } from './engine-node';

/**
 * Checks, before any work, that `dir` exists (or can be made, when `create`) and can be written.
 * @throws OutputError naming `flag` and the folder
 */
export async function checkWritable(flag: string, dir: string, create: boolean): Promise<void> {
  try {
    if (create) await fsp.mkdir(dir, { recursive: true });
    await fsp.access(dir, constants.W_OK);
  } catch (e) {
    throw new OutputError(`${flag}: cannot write into '${dir}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Writes each file atomically (temp file + rename).
 * @throws OutputError naming `flag` and the file that could not be written
 */
export async function writeOutputs(flag: string, files: Record<string, string | Uint8Array>): Promise<string[]> {
  for (const [file, data] of Object.entries(files)) {
    try {
      await writeFileAtomic(file, data);
    } catch (e) {
      throw new OutputError(`${flag}: cannot write '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return Object.keys(files);
}
