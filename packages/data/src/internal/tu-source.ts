/**
 * Where a TU dataset's files live: a folder holding `<name>_A.txt`, … or a `.zip`
 * archive holding them (at its root or in one folder), as the TU Dortmund site
 * distributes them. Zip archives are read with fflate.
 */
import * as path from 'path';
import { unzipSync } from 'fflate';
import { DatasetError } from '../errors';
import { listFolder, readWhole } from './files';
import type { TuTextFile } from './tu-text';

/** A dataset's files, found by suffix (`A`, `graph_indicator`, …). */
export interface TuSource {
  /** The dataset name: the prefix of its files. */
  readonly name: string;
  /** The file `<name>_<suffix>.txt`, or undefined when there is none. */
  read(suffix: string): Promise<TuTextFile | undefined>;
}

const A_FILE = /^(.+)_A\.txt$/;

/** The one dataset name whose `_A.txt` is among `files`, or `wanted` when given and present. */
function pickName(fn: string, where: string, files: string[], wanted: string | undefined): string {
  const names = files.map((f) => A_FILE.exec(path.posix.basename(f))?.[1]).filter((n): n is string => n !== undefined);
  if (wanted !== undefined) {
    if (!names.includes(wanted)) {
      throw new DatasetError(
        'missing',
        `${fn}: ${where} has no ${wanted}_A.txt (found: ${names.map((n) => `${n}_A.txt`).join(', ') || 'none'})`,
        where,
      );
    }
    return wanted;
  }
  if (names.length === 0) throw new DatasetError('missing', `${fn}: ${where} holds no <name>_A.txt file of a TU dataset`, where);
  if (names.length > 1) {
    throw new DatasetError(
      'invalid-option',
      `${fn}: ${where} holds several TU datasets (${names.join(', ')}); choose one with option name`,
      where,
    );
  }
  return names[0];
}

async function folderSource(fn: string, dir: string, wanted: string | undefined): Promise<TuSource> {
  const files = (await listFolder(fn, dir, 'TU dataset folder')).filter((e) => !e.isDir).map((e) => e.name);
  const name = pickName(fn, dir, files, wanted);
  return {
    name,
    read: async (suffix) => {
      const file = `${name}_${suffix}.txt`;
      if (!files.includes(file)) return undefined;
      const full = path.join(dir, file);
      return { path: full, bytes: await readWhole(fn, full, 'TU dataset file') };
    },
  };
}

async function zipSource(fn: string, zip: string, wanted: string | undefined): Promise<TuSource> {
  const raw = await readWhole(fn, zip, 'TU dataset archive');
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), { filter: (f) => f.name.endsWith('.txt') });
  } catch (err) {
    throw new DatasetError('corrupt-zip', `${fn}: ${zip} should be a zip archive but does not unpack (${(err as Error).message})`, zip);
  }
  const names = Object.keys(entries);
  const name = pickName(fn, zip, names, wanted);
  return {
    name,
    read: async (suffix) => {
      const entry = names.find((n) => path.posix.basename(n) === `${name}_${suffix}.txt`);
      return entry === undefined ? undefined : { path: `${zip}:${entry}`, bytes: entries[entry] };
    },
  };
}

/**
 * Opens a TU dataset at `location`: a folder, or a file ending in `.zip`.
 * @throws DatasetError `missing` (no such path, no `_A.txt`), `corrupt-zip`, or
 *   `invalid-option` (several datasets and no `name`).
 */
export async function openTuSource(fn: string, location: string, name: string | undefined): Promise<TuSource> {
  return location.toLowerCase().endsWith('.zip') ? zipSource(fn, location, name) : folderSource(fn, location, name);
}
