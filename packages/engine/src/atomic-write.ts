/**
 * Atomic file writes for Node: write a temporary file beside the target, flush
 * it to disk, rename it over the target, then flush the folder. A crash at any
 * moment leaves either the old file or the new one, never half of one.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';

/**
 * Writes `data` to `file` atomically (temp file + fsync + rename + fsync of the folder).
 * @example
 * await writeFileAtomic('run/metrics.json', JSON.stringify(m));
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fsp.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}
