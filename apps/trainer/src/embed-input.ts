/**
 * The images `infomax embed --input` names: a folder of image files (searched recursively,
 * in sorted path order), one IDX images file, or a dataset the trainer knows by name (its
 * train then its test part). Each comes with one source label per row, for the index file.
 */
import { existsSync, promises as fsp } from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { ShapeError } from '@infomax/engine';
import { createDataset, DatasetError, IMAGE_EXTENSIONS, readIdx, type ImageDataset } from '@infomax/data';
import { DATASETS, type DatasetName, type TrainConfig } from './config';
import { loadData } from './datasets';

/** Images to embed, and where each row came from. */
export interface EmbedInput {
  /** `[count, height, width, channels]` bytes, in the encoder's input shape. */
  dataset: ImageDataset;
  /** Per row: the image's path relative to the folder, `<row>` of an IDX file, or `train/<row>` / `test/<row>` of a dataset. */
  sources: string[];
}

/** Options of {@link loadEmbedInput}. */
export interface EmbedInputOptions {
  /** The encoder's input `[height, width, channels]`. */
  shape: readonly number[];
  /** The run's config (its data section locates the run's own dataset; its seed splits folders). */
  config: TrainConfig;
  /** Folder images: stretch to the encoder's size and convert to its channels instead of refusing others. Default false. */
  resize?: boolean;
}

/**
 * Reads the images `input` names, checked against the encoder's input shape.
 * @param input an image folder, an IDX file (`.gz` or raw) or a dataset name (digits, fashion-mnist, ..., or the run's own)
 * @returns the images and one source label per row
 * @throws DatasetError when the input does not exist, holds no images, or a file cannot be read
 * @throws ShapeError naming the file when an image's size or channels differ from the encoder's (folders: unless `resize`)
 * @example
 * const { dataset, sources } = await loadEmbedInput('photos/', { shape: [28, 28, 1], config, resize: true });
 */
export async function loadEmbedInput(input: string, options: EmbedInputOptions): Promise<EmbedInput> {
  if (!existsSync(input)) {
    if ((DATASETS as readonly string[]).includes(input)) return namedDataset(input as DatasetName, options);
    throw new DatasetError('missing', `--input '${input}' is neither a file, a folder nor a dataset name (${DATASETS.join(', ')})`, input);
  }
  if ((await fsp.stat(input)).isDirectory()) return imageFolder(input, options);
  return idxFile(input, options.shape);
}

function checkShape(what: string, got: readonly number[], want: readonly number[], hint = ''): void {
  if (got.join('×') !== want.join('×')) {
    throw new ShapeError(`--input: ${what} is ${got.join('×')} (height×width×channels); the encoder takes ${want.join('×')}${hint}`);
  }
}

async function namedDataset(name: DatasetName, { config, shape }: EmbedInputOptions): Promise<EmbedInput> {
  // The run's own dataset keeps its folder and options; another is loaded with its defaults.
  const own = name === config.data.dataset;
  const data = own ? config.data : { ...config.data, dataset: name, path: null, size: null, channels: null };
  const { train, test } = await loadData({ ...data, trainLimit: null, testLimit: null }, config.seed);
  checkShape(`dataset '${name}'`, [train.height, train.width, train.channels], shape);
  const images = new Uint8Array(train.images.length + test.images.length);
  images.set(train.images);
  images.set(test.images, train.images.length);
  const dataset = createDataset({
    name,
    images,
    labels: Int32Array.from([...train.labels, ...test.labels]),
    count: train.count + test.count,
    height: train.height,
    width: train.width,
    channels: train.channels,
    ...(train.classes ? { classes: train.classes } : {}),
  });
  const sources = [
    ...Array.from({ length: train.count }, (_, i) => `train/${i}`),
    ...Array.from({ length: test.count }, (_, i) => `test/${i}`),
  ];
  return { dataset, sources };
}

async function idxFile(file: string, shape: readonly number[]): Promise<EmbedInput> {
  const { dims, data } = await readIdx(file);
  if (dims.length !== 3 && dims.length !== 4) {
    throw new DatasetError(
      'bad-magic',
      `--input: '${file}' should hold images of rank 3 [N, H, W] or 4 [N, H, W, C], got [${dims.join(', ')}]`,
      file,
    );
  }
  const [count, height, width, channels = 1] = dims;
  if (count === 0) throw new DatasetError('empty', `--input: '${file}' holds no images`, file);
  checkShape(`'${file}'`, [height, width, channels], shape);
  const dataset = createDataset({
    name: path.basename(file),
    images: data,
    labels: new Int32Array(count).fill(-1),
    count,
    height,
    width,
    channels,
  });
  return { dataset, sources: Array.from({ length: count }, (_, i) => String(i)) };
}

/** Image files under `root`, relative paths in sorted order (hidden entries skipped). */
async function imageFiles(root: string, rel = ''): Promise<string[]> {
  const entries = (await fsp.readdir(path.join(root, rel), { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...(await imageFiles(root, r)));
    else if ((IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(e.name).toLowerCase())) out.push(r);
  }
  return out;
}

async function imageFolder(root: string, { shape, resize = false }: EmbedInputOptions): Promise<EmbedInput> {
  const files = await imageFiles(root);
  if (files.length === 0) {
    throw new DatasetError('empty', `--input: '${root}' holds no ${IMAGE_EXTENSIONS.join('/')} images (sub-folders searched)`, root);
  }
  const [height, width, channels] = shape;
  const plane = height * width * channels;
  const images = new Uint8Array(files.length * plane);
  for (const [i, rel] of files.entries()) {
    const file = path.join(root, rel);
    let pixels: Buffer;
    try {
      let image = sharp(file).removeAlpha();
      if (resize) {
        image = image.resize(width, height, { fit: 'fill' });
      } else {
        const meta = await image.metadata();
        const colours = (meta.channels ?? 0) - (meta.hasAlpha ? 1 : 0);
        checkShape(`'${file}'`, [meta.height ?? 0, meta.width ?? 0, colours], shape, ' (pass --resize to stretch and convert it)');
      }
      pixels = await image
        .toColourspace(channels === 1 ? 'b-w' : 'srgb')
        .raw()
        .toBuffer();
    } catch (e) {
      if (e instanceof ShapeError) throw e;
      throw new DatasetError('corrupt-image', `--input: '${file}' is not a readable PNG/JPEG/WebP image (${(e as Error).message})`, file);
    }
    if (pixels.length !== plane)
      throw new DatasetError(
        'corrupt-image',
        `--input: '${file}' decoded to ${pixels.length} bytes, not ${height}×${width}×${channels}`,
        file,
      );
    images.set(pixels, i * plane);
  }
  const dataset = createDataset({
    name: path.basename(path.resolve(root)),
    images,
    labels: new Int32Array(files.length).fill(-1),
    count: files.length,
    height,
    width,
    channels,
  });
  return { dataset, sources: files };
}
