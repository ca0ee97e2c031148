/**
 * Helpers for specs: temp folders, real-layout dataset files, and a tolerance check.
 * Pixel values come from a fixed formula so every reader can be checked
 * against a plain-loop reference of where each byte must land.
 */
import { mkdtempSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DatasetError } from '../errors';

/** A fresh folder under the OS temp dir; call `remove()` in afterAll. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `infomax-data-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The byte a test image holds at image n, row y, column x, channel c. */
export function pixel(n: number, y: number, x: number, c: number): number {
  return (n * 37 + y * 11 + x * 5 + c * 101) % 256;
}

/** An IDX file of unsigned bytes with the given sizes and values. */
export function idxBytes(dims: number[], data: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(Array.from(data))]);
}

/** `[count, height, width]` grayscale pixels from {@link pixel}, offset by `first` images. */
export function greyImages(count: number, height: number, width: number, first = 0): Uint8Array {
  const out = new Uint8Array(count * height * width);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[(n * height + y) * width + x] = pixel(first + n, y, x, 0);
  }
  return out;
}

/** Throws unless every |actual − expected| ≤ tol (names the first bad index). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  if (actual.length !== expected.length) throw new Error(`expectClose: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`expectClose: index ${i}: ${actual[i]} vs ${expected[i]} (tol ${tol})`);
    }
  }
}

/** The DatasetError a promise rejects with (fails the test on success or on another error). */
export async function errorOf(promise: Promise<unknown>): Promise<DatasetError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DatasetError) return err;
    throw err;
  }
  throw new Error('expected a DatasetError');
}
