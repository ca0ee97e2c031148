/**
 * STL-10 in its binary version (Coates, Lee & Ng 2011, "An Analysis of
 * Single-Layer Networks in Unsupervised Feature Learning",
 * https://cs.stanford.edu/~acoates/stl10/): 96×96 RGB images stored
 * channel-planar and column-major (MATLAB order), labels 1–10 one byte each.
 */
import { open, stat } from 'fs/promises';
import * as path from 'path';
import { createDataset, type ImageDataset } from './dataset';
import { DatasetError, optionError } from './errors';
import { exists, readWhole } from './internal/files';
import { planarToInterleaved } from './internal/layout';

const SIDE = 96;
const PIXELS = SIDE * SIDE * 3;

/** STL-10 class names, indexed by label (as in `class_names.txt`). */
export const STL10_CLASSES = ['airplane', 'bird', 'car', 'cat', 'deer', 'dog', 'horse', 'monkey', 'ship', 'truck'] as const;

/** Options of {@link loadStl10}. */
export interface Stl10Options {
  /**
   * How many images of `unlabeled_X.bin` to read (labels −1). Default 0 (none):
   * all 100,000 take 2.8 GB. Fewer are read when the file holds fewer.
   */
  unlabeled?: number;
}

/** STL-10's parts. */
export interface Stl10Parts {
  /** 5,000 labelled training images `[N, 96, 96, 3]`. */
  readonly train: ImageDataset;
  /** 8,000 labelled test images. */
  readonly test: ImageDataset;
  /** The first `options.unlabeled` unlabelled images, when asked for. */
  readonly unlabeled?: ImageDataset;
}

/**
 * Loads STL-10 from the extracted `stl10_binary.tar.gz`.
 *
 * @param dir the `stl10_binary` folder (with `train_X.bin`, `train_y.bin`,
 *   `test_X.bin`, `test_y.bin`, optionally `unlabeled_X.bin`, `class_names.txt`), or a folder containing it.
 * @param options see {@link Stl10Options}.
 * @returns `{ train, test, unlabeled? }`, images `[N, 96, 96, 3]`, labels 0–9 (file labels minus one).
 * @throws DatasetError `missing`, `wrong-length` (an `_X` file that is not whole
 *   27,648-byte images), `count-mismatch` (`_X` and `_y` disagree), `bad-label`
 *   (a label outside 1–10), `invalid-option`.
 * @example
 * const { train, unlabeled } = await loadStl10('/data/stl10_binary', { unlabeled: 20000 });
 */
export async function loadStl10(dir: string, options: Stl10Options = {}): Promise<Stl10Parts> {
  const fn = 'loadStl10';
  const wanted = options.unlabeled ?? 0;
  if (!Number.isInteger(wanted) || wanted < 0) throw optionError(fn, 'unlabeled', 'an integer ≥ 0', wanted);
  const root = (await exists(path.join(dir, 'train_X.bin'))) ? dir : path.join(dir, 'stl10_binary');
  if (!(await exists(path.join(root, 'train_X.bin')))) {
    throw new DatasetError('missing', `${fn}: no train_X.bin in ${dir} or ${path.join(dir, 'stl10_binary')}`, dir);
  }
  const namesFile = path.join(root, 'class_names.txt');
  const classes = (await exists(namesFile))
    ? (await readWhole(fn, namesFile, 'class names'))
        .toString('utf8')
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean)
    : STL10_CLASSES;
  const train = await readLabelled(fn, root, 'train', classes);
  const test = await readLabelled(fn, root, 'test', classes);
  if (wanted === 0) return { train, test };
  const file = path.join(root, 'unlabeled_X.bin');
  const images = await readImages(fn, file, wanted);
  const count = images.length / PIXELS;
  return { train, test, unlabeled: build('stl10/unlabeled', images, new Int32Array(count).fill(-1), classes) };
}

async function readLabelled(fn: string, root: string, part: string, classes: readonly string[]): Promise<ImageDataset> {
  const xFile = path.join(root, `${part}_X.bin`);
  const yFile = path.join(root, `${part}_y.bin`);
  const images = await readImages(fn, xFile, Infinity);
  const raw = await readWhole(fn, yFile, 'STL-10 labels');
  const count = images.length / PIXELS;
  if (raw.length !== count) {
    throw new DatasetError('count-mismatch', `${fn}: ${xFile} holds ${count} images but ${yFile} holds ${raw.length} labels`, yFile);
  }
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    if (raw[i] < 1 || raw[i] > classes.length) {
      throw new DatasetError('bad-label', `${fn}: ${yFile} label ${i} is ${raw[i]}, expected 1–${classes.length}`, yFile);
    }
    labels[i] = raw[i] - 1;
  }
  return build(`stl10/${part}`, images, labels, classes);
}

/** Reads up to `limit` images of an `_X.bin` file, converted to `[N, 96, 96, 3]`. */
async function readImages(fn: string, file: string, limit: number): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new DatasetError('missing', `${fn}: ${file} does not exist`, file);
  }
  if (size === 0 || size % PIXELS !== 0) {
    throw new DatasetError(
      'wrong-length',
      `${fn}: ${file} should be whole ${PIXELS}-byte images (3×96×96), got ${size} bytes (${Math.floor(size / PIXELS)} images + ${size % PIXELS})`,
      file,
    );
  }
  const count = Math.min(size / PIXELS, limit);
  const out = new Uint8Array(count * PIXELS);
  const handle = await open(file, 'r');
  try {
    // Read in chunks so a partial read of the 2.8 GB unlabeled file never needs it whole in memory.
    const chunkImages = 512;
    const chunk = new Uint8Array(chunkImages * PIXELS);
    for (let first = 0; first < count; first += chunkImages) {
      const n = Math.min(chunkImages, count - first);
      const { bytesRead } = await handle.read(chunk, 0, n * PIXELS, first * PIXELS);
      if (bytesRead !== n * PIXELS) throw new DatasetError('truncated', `${fn}: ${file} ended early while reading image ${first}`, file);
      for (let i = 0; i < n; i++) {
        planarToInterleaved(
          chunk.subarray(i * PIXELS, (i + 1) * PIXELS),
          out.subarray((first + i) * PIXELS, (first + i + 1) * PIXELS),
          SIDE,
          SIDE,
          3,
          true,
        );
      }
    }
  } finally {
    await handle.close();
  }
  return out;
}

function build(name: string, images: Uint8Array, labels: Int32Array, classes: readonly string[]): ImageDataset {
  return createDataset({ name, images, labels, count: labels.length, height: SIDE, width: SIDE, channels: 3, classes });
}
