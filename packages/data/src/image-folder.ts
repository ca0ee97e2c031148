/**
 * Image folders in torchvision's ImageFolder layout (`root/<class>/<image>`):
 * PNG, JPEG and WebP files decoded and resized with sharp (libvips), with
 * bounded concurrency and an optional decoded cache.
 */
import { createHash } from 'crypto';
import { stat } from 'fs/promises';
import * as path from 'path';
import sharp from 'sharp';
import { createDataset, type ImageDataset } from './dataset';
import { DatasetError, optionError } from './errors';
import { readDecodedCache, writeDecodedCache } from './internal/decoded-cache';
import { listFolder } from './internal/files';
import { chooseSize, readHeader, type ImageHeader } from './internal/image-headers';
import { mapLimit } from './internal/pool';

/** File extensions read as images (lower-case; matching ignores case). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'] as const;

/** Headers read at once: they are small reads, not decodes. */
const HEADER_CONCURRENCY = 16;

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions {
  /**
   * Output `[height, width]`, or one number for square images. Default: the most common image
   * size in the folder, scaled down (aspect kept) until its longer side is at most `maxSide`.
   * Giving `size` and `channels` skips reading each image's header (~1.8× faster decoding, see docs/benchmarks/data.md).
   */
  size?: number | readonly [number, number];
  /**
   * Longest side of the default size, in pixels; ignored when `size` is given. Default 256, so a
   * folder of camera photos (4000×3000) loads as 256×192 images, not 36 MB each. Any image larger
   * than the output size is downscaled; one past 16383² pixels is refused (`too-large`).
   */
  maxSide?: number;
  /**
   * Output channels: 1 (grayscale) or 3 (RGB); images are converted. Default:
   * what the images have — a folder mixing grayscale and colour images is then an error.
   */
  channels?: 1 | 3;
  /** How a differently shaped image is resized (sharp's `fit`): `'fill'` stretches (torchvision's `Resize((h, w))`). Default `'fill'`. */
  fit?: 'fill' | 'cover' | 'contain';
  /** Images decoded at once. Default 4. */
  concurrency?: number;
  /** Folder for the decoded cache; a second load with the same files and options reads it instead of decoding. Default: no cache. */
  cacheDir?: string;
  /** What to do with an image that cannot be decoded: `'fail'` (throw naming it) or `'skip'` (leave it out and warn). Default `'fail'`. */
  onBadImage?: 'fail' | 'skip';
  /** Receives warnings (skipped images, resized images). Default `console.warn`. */
  warn?: (message: string) => void;
  /** Dataset name. Default: the folder's base name. */
  name?: string;
}

interface Entry {
  file: string;
  label: number;
}

interface Decoded {
  entry: Entry;
  data: Buffer;
}

/**
 * Loads `root/<class>/<image>` into a dataset; classes are the sub-folder names
 * sorted, labels their indices. Hidden files and other extensions are ignored.
 * Unless `size` and `channels` are both given, every image's header is read first, so the
 * output size (see {@link ImageFolderOptions.size}) and channels are settled before any
 * image is decoded; then each image is decoded straight to that size.
 *
 * @param root the folder of class folders.
 * @param options see {@link ImageFolderOptions}.
 * @returns a dataset `[N, height, width, channels]` with `classes` set.
 * @throws DatasetError `missing` (no such folder), `empty` (no class folders, or
 *   a class folder with no images), `corrupt-image` or `too-large` (naming the file,
 *   unless `onBadImage: 'skip'`), `mixed-channels` (grayscale and colour images and no
 *   `channels` given), `invalid-option`.
 * @example
 * const ds = await loadImageFolder('/data/flowers', { size: 64, channels: 3, cacheDir: '/tmp/infomax-cache' });
 */
export async function loadImageFolder(root: string, options: ImageFolderOptions = {}): Promise<ImageDataset> {
  const fn = 'loadImageFolder';
  const opts = resolveOptions(options);
  const { entries, classes } = await scan(fn, root);
  const name = options.name ?? path.basename(path.resolve(root));
  // One cache file per source folder (named by its path), replaced whenever its files or the options change.
  const folderId = createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 12);
  const cacheFile = opts.cacheDir === undefined ? undefined : path.join(opts.cacheDir, `${name}-${folderId}.imxd`);
  const key = cacheFile === undefined ? '' : await cacheKey(root, entries, opts);
  if (cacheFile !== undefined) {
    const cached = await readDecodedCache(cacheFile, key);
    if (cached) return cached;
  }

  const bad = (entry: Entry, err: unknown): undefined => {
    const tooLarge = err instanceof DatasetError && err.code === 'too-large';
    const message = tooLarge ? err.message : `${fn}: ${entry.file} is not a readable PNG/JPEG/WebP image (${(err as Error).message})`;
    if (opts.onBadImage === 'fail') throw tooLarge ? err : new DatasetError('corrupt-image', message, entry.file);
    opts.warn(`${message}; skipped`);
    return undefined;
  };

  // Headers first (unless size and channels are both given): the output size and channels are
  // decided by all images, before any is decoded (one 6000×6000 image sorted first used to set
  // the size of every image).
  let readable = entries;
  let headers: ImageHeader[] = [];
  if (opts.height === undefined || opts.channels === undefined) {
    const read = await mapLimit(entries, HEADER_CONCURRENCY, (e) => readHeader(fn, e.file).catch((err) => bad(e, err)));
    readable = entries.filter((_, i) => read[i] !== undefined);
    headers = read.filter((h): h is ImageHeader => h !== undefined);
  }
  if (readable.length === 0) throw new DatasetError('empty', `${fn}: no readable images in ${root}`, root);
  const channels = opts.channels ?? agreedChannels(fn, readable, headers);
  const chosen = opts.height === undefined ? chooseSize(headers, opts.maxSide) : undefined;
  const [h, w] = chosen ? [chosen.height, chosen.width] : [opts.height!, opts.width!];
  if (chosen) {
    const resized = headers.filter((m) => m.height !== h || m.width !== w).length;
    const common = `${chosen.common[0]}×${chosen.common[1]}`;
    if (resized > 0) {
      opts.warn(
        `${fn}: ${resized} of ${headers.length} images in ${root} were resized to ${h}×${w} ` +
          (common === `${h}×${w}` ? '(the most common size)' : `(the most common size, ${common}, scaled to fit maxSide ${opts.maxSide})`) +
          '; pass size to choose',
      );
    }
  }

  const decoded = await mapLimit(readable, opts.concurrency, async (e): Promise<Decoded | undefined> => {
    try {
      const { data, info } = await sharp(e.file)
        .removeAlpha()
        .resize(w, h, { fit: opts.fit })
        .toColourspace(channels === 1 ? 'b-w' : 'srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (data.length !== h * w * channels) throw new Error(`decoded to ${info.height}×${info.width}×${info.channels}`);
      return { entry: e, data };
    } catch (err) {
      return bad(e, err);
    }
  });
  const good = decoded.filter((d): d is Decoded => d !== undefined);
  if (good.length === 0) throw new DatasetError('empty', `${fn}: no readable images in ${root}`, root);
  const plane = h * w * channels;
  const images = new Uint8Array(good.length * plane);
  good.forEach((d, i) => images.set(d.data, i * plane));
  const dataset = createDataset({
    name,
    images,
    labels: Int32Array.from(good, (d) => d.entry.label),
    count: good.length,
    height: h,
    width: w,
    channels,
    classes,
  });
  if (cacheFile !== undefined) await writeDecodedCache(cacheFile, key, dataset);
  return dataset;
}

function resolveOptions(options: ImageFolderOptions) {
  const fn = 'loadImageFolder';
  const size = options.size;
  const [height, width] = size === undefined ? [undefined, undefined] : typeof size === 'number' ? [size, size] : size;
  for (const v of [height, width]) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw optionError(fn, 'size', 'a positive integer or [height, width]', size);
  }
  if (options.channels !== undefined && options.channels !== 1 && options.channels !== 3) {
    throw optionError(fn, 'channels', '1 or 3', options.channels);
  }
  const maxSide = options.maxSide ?? 256;
  if (!Number.isInteger(maxSide) || maxSide < 1) throw optionError(fn, 'maxSide', 'a positive integer', maxSide);
  const fit = options.fit ?? 'fill';
  if (!['fill', 'cover', 'contain'].includes(fit)) throw optionError(fn, 'fit', "'fill', 'cover' or 'contain'", fit);
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw optionError(fn, 'concurrency', 'a positive integer', concurrency);
  const onBadImage = options.onBadImage ?? 'fail';
  if (onBadImage !== 'fail' && onBadImage !== 'skip') throw optionError(fn, 'onBadImage', "'fail' or 'skip'", onBadImage);
  return {
    height,
    width,
    channels: options.channels,
    maxSide,
    fit,
    concurrency,
    onBadImage,
    cacheDir: options.cacheDir,
    warn: options.warn ?? ((m: string) => console.warn(m)),
  };
}

async function scan(fn: string, root: string): Promise<{ entries: Entry[]; classes: string[] }> {
  const classes = (await listFolder(fn, root, 'image folder')).filter((e) => e.isDir && !e.name.startsWith('.')).map((e) => e.name);
  if (classes.length === 0) {
    throw new DatasetError('empty', `${fn}: ${root} should hold one sub-folder per class, found none`, root);
  }
  const entries: Entry[] = [];
  for (const [label, cls] of classes.entries()) {
    const dir = path.join(root, cls);
    const files = (await listFolder(fn, dir, 'class folder')).filter(
      (e) => !e.isDir && !e.name.startsWith('.') && (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(e.name).toLowerCase()),
    );
    if (files.length === 0) {
      throw new DatasetError('empty', `${fn}: class folder ${dir} holds no ${IMAGE_EXTENSIONS.join('/')} images`, dir);
    }
    for (const f of files) entries.push({ file: path.join(dir, f.name), label });
  }
  return { entries, classes };
}

/** 1 or 3 when all images' headers agree, else a `mixed-channels` error naming one of each. */
function agreedChannels(fn: string, entries: Entry[], headers: ImageHeader[]): 1 | 3 {
  const grey = entries.filter((_, i) => headers[i].channels === 1);
  if (grey.length > 0 && grey.length < entries.length) {
    const colour = entries.find((_, i) => headers[i].channels === 3)!;
    throw new DatasetError(
      'mixed-channels',
      `${fn}: images mix grayscale (${grey.length}, e.g. ${grey[0].file}) and colour (${entries.length - grey.length}, e.g. ` +
        `${colour.file}); pass channels: 1 or 3 to convert them all`,
      grey[0].file,
    );
  }
  return grey.length > 0 ? 1 : 3;
}

/** Identifies the files (path, size, mtime) and the options, so any change invalidates the cache. */
async function cacheKey(root: string, entries: Entry[], opts: ReturnType<typeof resolveOptions>): Promise<string> {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      root: path.resolve(root),
      h: opts.height,
      w: opts.width,
      max: opts.maxSide,
      c: opts.channels,
      fit: opts.fit,
      bad: opts.onBadImage,
    }),
  );
  const stats = await mapLimit(entries, 16, (e) => stat(e.file));
  entries.forEach((e, i) => {
    // Whole milliseconds: sub-ms mtime precision does not survive every copy tool or filesystem.
    hash.update(`${e.file}\0${e.label}\0${stats[i].size}\0${Math.floor(stats[i].mtimeMs)}\n`);
  });
  return hash.digest('hex');
}
