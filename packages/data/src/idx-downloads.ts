/**
 * The official IDX files of MNIST and Fashion-MNIST with their published MD5s,
 * for machines with internet (Debian users get Fashion-MNIST from apt instead).
 */
import * as path from 'path';
import { download } from './download';
import { optionError } from './errors';

/** A downloadable IDX dataset: where its four files are and their MD5s. */
export interface IdxSource {
  /** URL of the folder holding the files (ends with `/`). */
  readonly baseUrl: string;
  /** File name → MD5 (hex) as published. */
  readonly files: Readonly<Record<string, string>>;
}

/** Names accepted by {@link downloadIdxDataset}, declared once. */
export const IDX_DATASET_NAMES = ['mnist', 'fashion-mnist'] as const;

/** One of {@link IDX_DATASET_NAMES}. */
export type IdxDatasetName = (typeof IDX_DATASET_NAMES)[number];

/** Official sources; the MD5s are those the publishers (and torchvision) list. */
export const IDX_SOURCES: Readonly<Record<IdxDatasetName, IdxSource>> = {
  mnist: {
    baseUrl: 'https://storage.googleapis.com/cvdf-datasets/mnist/',
    files: {
      'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
      't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
      't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
    },
  },
  'fashion-mnist': {
    baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    files: {
      'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
      't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
      't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
    },
  },
};

/** Options of {@link downloadIdxDataset}. */
export interface DownloadIdxOptions {
  /** Another folder URL serving the same files (a mirror). Default: the official one. */
  baseUrl?: string;
  /** Per-file timeout without data, ms. Default 30,000. */
  timeoutMs?: number;
}

/**
 * Downloads a dataset's four IDX files into `cacheDir/<name>/`, verifying each
 * MD5; files already there with the right checksum are not fetched again.
 *
 * @param name which dataset, see {@link IDX_DATASET_NAMES}.
 * @param cacheDir the cache root (created when missing).
 * @param options see {@link DownloadIdxOptions}.
 * @returns the folder, ready for {@link loadIdxFolder}.
 * @throws DatasetError as {@link download}; `invalid-option` for an unknown name.
 * @example
 * const dir = await downloadIdxDataset('fashion-mnist', path.join(os.homedir(), '.cache/infomax'));
 * const { train, test } = await loadIdxFolder(dir, { name: 'fashion-mnist' });
 */
export async function downloadIdxDataset(name: IdxDatasetName, cacheDir: string, options: DownloadIdxOptions = {}): Promise<string> {
  const source = IDX_SOURCES[name];
  if (!source) throw optionError('downloadIdxDataset', 'name', `one of ${IDX_DATASET_NAMES.join(', ')}`, name);
  // new URL(file, base) drops the base's last segment unless it ends with '/'.
  const baseUrl = (options.baseUrl ?? source.baseUrl).replace(/\/?$/, '/');
  const dir = path.join(cacheDir, name);
  for (const [fileName, md5] of Object.entries(source.files)) {
    await download(new URL(fileName, baseUrl).href, dir, { md5, fileName, timeoutMs: options.timeoutMs });
  }
  return dir;
}
