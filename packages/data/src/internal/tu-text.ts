/**
 * The text files of the TU graph format: one row of comma-separated integers per
 * line. Every malformed line becomes a `bad-line` DatasetError naming the file and
 * the 1-based line, so a user can open the file at the place that is wrong.
 */
import { DatasetError } from '../errors';

/** One file of a TU dataset, read whole. */
export interface TuTextFile {
  /** Where it came from, as messages name it: a path, or `archive.zip:entry` for a zip entry. */
  readonly path: string;
  /** Its bytes (ASCII text). */
  readonly bytes: Uint8Array;
}

const INTEGER = /^[+-]?\d+$/;

/**
 * Parses a file of rows of `width` comma-separated integers (spaces around them
 * allowed; a last empty line and `\r\n` endings too).
 *
 * @param fn the calling function, for messages.
 * @param file the file.
 * @param width integers per row.
 * @returns `[rows × width]` row-major.
 * @throws DatasetError `bad-line` for an empty line, a wrong number of values or a
 *   value that is not an integer (naming the file and line).
 */
export function parseIntRows(fn: string, file: TuTextFile, width: number): Int32Array {
  const lines = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength).toString('latin1').split('\n');
  if (lines[lines.length - 1].trim() === '') lines.pop();
  const out = new Int32Array(lines.length * width);
  for (let i = 0; i < lines.length; i++) {
    const parts = lines[i].split(',');
    if (parts.length !== width) {
      throw badLine(fn, file, i + 1, `${width} comma-separated integer${width === 1 ? '' : 's'}`, lines[i]);
    }
    for (let j = 0; j < width; j++) {
      const text = parts[j].trim();
      const value = Number(text);
      if (!INTEGER.test(text) || !Number.isSafeInteger(value) || Math.abs(value) > 2 ** 31 - 1) {
        throw badLine(fn, file, i + 1, `${width === 1 ? 'an integer' : `${width} comma-separated integers`}`, lines[i]);
      }
      out[i * width + j] = value;
    }
  }
  return out;
}

function badLine(fn: string, file: TuTextFile, line: number, expected: string, got: string): DatasetError {
  const shown = got.trim() === '' ? 'an empty line' : JSON.stringify(got.replace(/\r$/, '').slice(0, 60));
  return new DatasetError('bad-line', `${fn}: ${file.path} line ${line}: expected ${expected}, got ${shown}`, file.path, line);
}
