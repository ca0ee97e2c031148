/**
 * IDX files: the format of MNIST, Fashion-MNIST, KMNIST and EMNIST (LeCun et al.
 * 1998, http://yann.lecun.com/exdb/mnist/). A file is a magic number
 * `00 00 <type> <rank>`, `rank` big-endian uint32 sizes, then the values row-major.
 * Raw or gzip-compressed files are both read.
 */
import * as path from 'path';
import { createDataset, type ImageDataset, type TrainTest } from './dataset';
import { DatasetError } from './errors';
import { firstExisting, readMaybeGzip } from './internal/files';

/** IDX type byte of unsigned 8-bit values, the only type image datasets use. */
const UBYTE = 0x08;

/** A decoded IDX file. */
export interface IdxArray {
  /** Sizes, e.g. `[60000, 28, 28]` for images or `[60000]` for labels. */
  readonly dims: number[];
  /** The values, row-major; length is the product of `dims`. */
  readonly data: Uint8Array;
}

/**
 * Reads one IDX file of unsigned bytes (`.gz` or raw).
 *
 * @param file path of the file.
 * @param rank the number of dimensions expected (3 for images, 1 for labels); any when omitted.
 * @returns `{ dims, data }`.
 * @throws DatasetError `missing` (unreadable), `corrupt-gzip`, `bad-magic` (magic
 *   number, type byte or rank not as expected), `truncated` (fewer bytes than the
 *   header promises), `wrong-length` (trailing bytes).
 * @example
 * const { dims, data } = await readIdx('t10k-labels-idx1-ubyte.gz', 1); // dims [10000]
 */
export async function readIdx(file: string, rank?: number): Promise<IdxArray> {
  const fn = 'readIdx';
  const bytes = await readMaybeGzip(fn, file, 'IDX data');
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UBYTE || (rank !== undefined && bytes[3] !== rank)) {
    const expected = `00 00 08 ${rank === undefined ? 'NN' : hex(rank)}`;
    const got = Array.from(bytes.subarray(0, 4), hex).join(' ') || 'an empty file';
    throw new DatasetError(
      'bad-magic',
      `${fn}: ${file} should start with the IDX magic number ${expected} (unsigned bytes${rank === undefined ? '' : `, ${rank} dimension(s)`}), got ${got}`,
      file,
    );
  }
  const r = bytes[3];
  const headerLength = 4 + 4 * r;
  if (bytes.length < headerLength) {
    throw new DatasetError('truncated', `${fn}: ${file} ends inside its header (${bytes.length} of ${headerLength} bytes)`, file);
  }
  const dims: number[] = [];
  for (let i = 0; i < r; i++) dims.push(bytes.readUInt32BE(4 + 4 * i));
  const length = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - headerLength;
  if (have < length) {
    throw new DatasetError(
      'truncated',
      `${fn}: ${file} is truncated: its header promises [${dims.join(', ')}] = ${length} bytes of data, the file has ${have}`,
      file,
    );
  }
  if (have > length) {
    throw new DatasetError(
      'wrong-length',
      `${fn}: ${file} has ${have - length} bytes after the [${dims.join(', ')}] data its header describes`,
      file,
    );
  }
  // Copy out of the (possibly pooled, possibly huge gunzip) buffer so the dataset owns a tight array.
  return { dims, data: new Uint8Array(bytes.subarray(headerLength)) };
}

/** Options of {@link loadIdxPair} and {@link loadIdxFolder}. */
export interface IdxOptions {
  /** Dataset name (default: the folder's or images file's base name). */
  name?: string;
  /** Class names, indexed by label; labels must then be below `classes.length`. */
  classes?: readonly string[];
}

/**
 * Reads an images file (`[N, H, W]` or `[N, H, W, C]`) and its labels file (`[N]`) as a dataset.
 *
 * @param imagesFile IDX file of rank 3 (grayscale) or 4 (last dimension = channels).
 * @param labelsFile IDX file of rank 1.
 * @param options see {@link IdxOptions}.
 * @returns a dataset of `N` images `[N, H, W, C]`.
 * @throws DatasetError as {@link readIdx}, plus `count-mismatch` when the files
 *   disagree on `N` and `invalid-option` when a label is outside `classes`.
 * @example
 * const test = await loadIdxPair('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz');
 */
export async function loadIdxPair(imagesFile: string, labelsFile: string, options: IdxOptions = {}): Promise<ImageDataset> {
  const images = await readIdx(imagesFile);
  if (images.dims.length !== 3 && images.dims.length !== 4) {
    throw new DatasetError(
      'bad-magic',
      `loadIdxPair: ${imagesFile} should hold images of rank 3 [N, H, W] or 4 [N, H, W, C], got rank ${images.dims.length}`,
      imagesFile,
    );
  }
  const labels = await readIdx(labelsFile, 1);
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) {
    throw new DatasetError(
      'count-mismatch',
      `loadIdxPair: ${imagesFile} holds ${count} images but ${labelsFile} holds ${labels.dims[0]} labels`,
      labelsFile,
    );
  }
  return createDataset({
    name: options.name ?? path.basename(imagesFile).replace(/[-.]images.*$/, ''),
    images: images.data,
    labels: Int32Array.from(labels.data),
    count,
    height,
    width,
    channels: images.dims[3] ?? 1,
    ...(options.classes ? { classes: options.classes } : {}),
  });
}

/**
 * Loads the train and test parts of an MNIST-style folder, finding the files by
 * their standard names: `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each optionally `.gz`
 * (the dotted variant `train-images.idx3-ubyte` is accepted too).
 *
 * @param dir the folder.
 * @param options see {@link IdxOptions}.
 * @returns `{ train, test }`, named `<name>/train` and `<name>/test`.
 * @throws DatasetError `missing` naming the file names looked for, and everything {@link loadIdxPair} throws.
 * @example
 * const { train, test } = await loadIdxFolder('/data/kmnist', { name: 'kmnist' });
 */
export async function loadIdxFolder(dir: string, options: IdxOptions = {}): Promise<TrainTest> {
  const name = options.name ?? path.basename(path.resolve(dir));
  const part = async (prefix: 'train' | 't10k', label: string): Promise<ImageDataset> => {
    const imagesFile = await firstExisting('loadIdxFolder', idxCandidates(dir, prefix, 'images', 3), `${prefix} images file`);
    const labelsFile = await firstExisting('loadIdxFolder', idxCandidates(dir, prefix, 'labels', 1), `${prefix} labels file`);
    return loadIdxPair(imagesFile, labelsFile, { ...options, name: `${name}/${label}` });
  };
  return { train: await part('train', 'train'), test: await part('t10k', 'test') };
}

function idxCandidates(dir: string, prefix: string, kind: string, rank: number): string[] {
  const names = [`${prefix}-${kind}-idx${rank}-ubyte`, `${prefix}-${kind}.idx${rank}-ubyte`];
  return names.flatMap((n) => [path.join(dir, `${n}.gz`), path.join(dir, n)]);
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
