/**
 * File-system helpers that turn Node's errors into {@link DatasetError}s naming
 * the file, so every loader reports a missing or unreadable file the same way.
 */
import { promisify } from 'util';
import * as zlib from 'zlib';
import { readdir, readFile, stat } from 'fs/promises';
import { DatasetError } from '../errors';

const gunzip = promisify(zlib.gunzip);

/** Reads a whole file; a missing or unreadable file becomes a `missing` DatasetError. */
export async function readWhole(fn: string, file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new DatasetError('missing', `${fn}: cannot read ${what} ${file} (${(err as Error).message})`, file);
  }
}

/**
 * Reads a file and gunzips it when it is gzip data (by its magic bytes 1f 8b, or
 * a `.gz` name), so callers accept both `x.gz` and `x` transparently.
 */
export async function readMaybeGzip(fn: string, file: string, what: string): Promise<Buffer> {
  const raw = await readWhole(fn, file, what);
  const isGzip = file.endsWith('.gz') || (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b);
  if (!isGzip) return raw;
  try {
    return await gunzip(raw);
  } catch (err) {
    throw new DatasetError(
      'corrupt-gzip',
      `${fn}: ${file} should be gzip-compressed ${what} but does not decompress (${(err as Error).message})`,
      file,
    );
  }
}

/** Entries of a folder; a missing path or a file where a folder was expected becomes a `missing` DatasetError. */
export async function listFolder(fn: string, dir: string, what: string): Promise<{ name: string; isDir: boolean }[]> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new DatasetError('missing', `${fn}: ${what} ${dir} does not exist`, dir);
  }
  if (!info.isDirectory()) throw new DatasetError('missing', `${fn}: ${what} ${dir} should be a folder, found a file`, dir);
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.map((e) => ({ name: e.name, isDir: e.isDirectory() })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Whether a path exists (file or folder). */
export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** The first of `candidates` that exists, else a `missing` DatasetError listing them all. */
export async function firstExisting(fn: string, candidates: string[], what: string): Promise<string> {
  for (const file of candidates) if (await exists(file)) return file;
  throw new DatasetError('missing', `${fn}: no ${what} found; looked for ${candidates.join(', ')}`, candidates[0]);
}
