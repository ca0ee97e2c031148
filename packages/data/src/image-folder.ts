/**
 * Image folders in torchvision's ImageFolder layout (`root/<class>/<image>`):
 * PNG, JPEG and WebP files decoded and resized with sharp (libvips), with
 * bounded concurrency and an optional decoded cache.
 */
import { createHash } from 'crypto';
import { stat } from 'fs/promises';
import * as path from 'path';
import sharp, { type Metadata } from 'sharp';
import { createDataset, type ImageDataset } from './dataset';
import { DatasetError, optionError } from './errors';
import { readDecodedCache, writeDecodedCache } from './internal/decoded-cache';
import { listFolder } from './internal/files';
import { mapLimit } from './internal/pool';

/** File extensions read as images (lower-case; matching ignores case). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'] as const;

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions {
  /**
   * Output `[height, width]`, or one number for square images. Default: the first image's size.
   * Giving `size` and `channels` skips reading each image's header (~1.8× faster decoding, see docs/benchmarks/data.md).
   */
  size?: number | readonly [number, number];
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
  channels: 1 | 3;
  /** Whether the image's own size differed from the output size. */
  resized: boolean;
}

/**
 * Loads `root/<class>/<image>` into a dataset; classes are the sub-folder names
 * sorted, labels their indices. Hidden files and other extensions are ignored.
 *
 * @param root the folder of class folders.
 * @param options see {@link ImageFolderOptions}.
 * @returns a dataset `[N, height, width, channels]` with `classes` set.
 * @throws DatasetError `missing` (no such folder), `empty` (no class folders, or
 *   a class folder with no images), `corrupt-image` (naming the file, unless
 *   `onBadImage: 'skip'`), `mixed-channels` (grayscale and colour images and no
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
    const message = `${fn}: ${entry.file} is not a readable PNG/JPEG/WebP image (${(err as Error).message})`;
    if (opts.onBadImage === 'fail') throw new DatasetError('corrupt-image', message, entry.file);
    opts.warn(`${message}; skipped`);
    return undefined;
  };

  // The default size is the first readable image's; read headers until one parses
  // (when skipping, an unreadable one is reported once, by the decode pass below).
  let height = opts.height;
  let width = opts.width;
  for (let i = 0; height === undefined && i < entries.length; i++) {
    const meta = await sharp(entries[i].file)
      .metadata()
      .catch((err) => (opts.onBadImage === 'fail' ? bad(entries[i], err) : undefined));
    if (meta) [height, width] = [meta.height, meta.width];
  }
  if (height === undefined || width === undefined) throw new DatasetError('empty', `${fn}: no readable images in ${root}`, root);
  const [h, w] = [height, width];

  // One pass: when channels or size come from the images, each image's header is read
  // on the same sharp instance that decodes it (a separate header pass cost ~40% more).
  const decoded = await mapLimit(entries, opts.concurrency, async (e): Promise<Decoded | undefined> => {
    try {
      const image = sharp(e.file);
      let channels = opts.channels;
      let resized = false;
      if (channels === undefined || opts.height === undefined) {
        const meta = await image.metadata();
        channels ??= channelsOf(meta);
        resized = meta.height !== h || meta.width !== w;
      }
      const { data, info } = await image
        .removeAlpha()
        .resize(w, h, { fit: opts.fit })
        .toColourspace(channels === 1 ? 'b-w' : 'srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (data.length !== h * w * channels) throw new Error(`decoded to ${info.height}×${info.width}×${info.channels}`);
      return { entry: e, data, channels, resized };
    } catch (err) {
      return bad(e, err);
    }
  });
  const good = decoded.filter((d): d is Decoded => d !== undefined);
  if (good.length === 0) throw new DatasetError('empty', `${fn}: no readable images in ${root}`, root);
  const channels = opts.channels ?? agreedChannels(fn, good);
  const resized = good.filter((d) => d.resized).length;
  if (resized > 0 && opts.height === undefined) {
    opts.warn(`${fn}: ${resized} of ${good.length} images in ${root} differ from the first image's ${h}×${w} and were resized to it`);
  }
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

/** Channels an image decodes to when none are asked for: 1 for grayscale (with or without alpha), else 3. */
function channelsOf(meta: Metadata): 1 | 3 {
  return (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0) === 1 ? 1 : 3;
}

/** 1 or 3 when all images agree, else a `mixed-channels` error naming one of each. */
function agreedChannels(fn: string, decoded: Decoded[]): 1 | 3 {
  const grey = decoded.filter((d) => d.channels === 1);
  if (grey.length > 0 && grey.length < decoded.length) {
    const colour = decoded.find((d) => d.channels === 3)!;
    throw new DatasetError(
      'mixed-channels',
      `${fn}: images mix grayscale (${grey.length}, e.g. ${grey[0].entry.file}) and colour (${decoded.length - grey.length}, e.g. ` +
        `${colour.entry.file}); pass channels: 1 or 3 to convert them all`,
      grey[0].entry.file,
    );
  }
  return grey.length > 0 ? 1 : 3;
}

/** Identifies the files (path, size, mtime) and the options, so any change invalidates the cache. */
async function cacheKey(root: string, entries: Entry[], opts: ReturnType<typeof resolveOptions>): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ root: path.resolve(root), h: opts.height, w: opts.width, c: opts.channels, fit: opts.fit, bad: opts.onBadImage }));
  const stats = await mapLimit(entries, 16, (e) => stat(e.file));
  entries.forEach((e, i) => {
    // Whole milliseconds: sub-ms mtime precision does not survive every copy tool or filesystem.
    hash.update(`${e.file}\0${e.label}\0${stats[i].size}\0${Math.floor(stats[i].mtimeMs)}\n`);
  });
  return hash.digest('hex');
}
