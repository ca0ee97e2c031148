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
  /** Output `[height, width]`, or one number for square images. Default: the first image's size. */
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
  const cacheFile = opts.cacheDir === undefined ? undefined : path.join(opts.cacheDir, `${name}.imxd`);
  const key = cacheFile === undefined ? '' : await cacheKey(root, entries, opts);
  if (cacheFile !== undefined) {
    const cached = await readDecodedCache(cacheFile, key);
    if (cached) return cached;
  }

  let kept = entries;
  const bad = (entry: Entry, err: unknown): undefined => {
    const message = `${fn}: ${entry.file} is not a readable PNG/JPEG/WebP image (${(err as Error).message})`;
    if (opts.onBadImage === 'fail') throw new DatasetError('corrupt-image', message, entry.file);
    opts.warn(`${message}; skipped`);
    return undefined;
  };

  // Headers only (cheap): the default size and channel count come from the images themselves.
  let height = opts.height;
  let width = opts.width;
  let channels = opts.channels;
  if (channels === undefined || height === undefined) {
    const headers = await mapLimit(kept, opts.concurrency, (e) => sharp(e.file).metadata().catch((err) => bad(e, err)));
    const ok = kept.map((_, i) => headers[i] !== undefined);
    const metas = headers.filter((m): m is Metadata => m !== undefined);
    kept = kept.filter((_, i) => ok[i]);
    if (kept.length === 0) throw new DatasetError('empty', `${fn}: no readable images in ${root}`, root);
    height ??= metas[0].height;
    width ??= metas[0].width;
    if (channels === undefined) channels = agreedChannels(fn, kept, metas);
    const resized = metas.filter((m) => m.height !== height || m.width !== width).length;
    if (resized > 0 && opts.height === undefined) {
      opts.warn(`${fn}: ${resized} of ${kept.length} images in ${root} differ from ${kept[0].file}'s ${height}×${width} and were resized to it`);
    }
  }

  const plane = height! * width! * channels;
  const decoded = await mapLimit(kept, opts.concurrency, async (e) => {
    try {
      const { data, info } = await sharp(e.file)
        .removeAlpha()
        .resize(width!, height!, { fit: opts.fit })
        .toColourspace(channels === 1 ? 'b-w' : 'srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (data.length !== plane) throw new Error(`decoded to ${info.height}×${info.width}×${info.channels}`);
      return data;
    } catch (err) {
      return bad(e, err);
    }
  });
  const good = kept.filter((_, i) => decoded[i] !== undefined);
  if (good.length === 0) throw new DatasetError('empty', `${fn}: no readable images in ${root}`, root);
  const images = new Uint8Array(good.length * plane);
  let at = 0;
  for (const d of decoded) if (d !== undefined) images.set(d, at++ * plane);
  const dataset = createDataset({
    name,
    images,
    labels: Int32Array.from(good, (e) => e.label),
    count: good.length,
    height: height!,
    width: width!,
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

/** 1 or 3 when all images agree (alpha ignored), else a `mixed-channels` error naming one of each. */
function agreedChannels(fn: string, entries: Entry[], metas: Metadata[]): 1 | 3 {
  const of = (m: Metadata): 1 | 3 => ((m.channels ?? 3) - (m.hasAlpha ? 1 : 0) === 1 ? 1 : 3);
  const grey = metas.findIndex((m) => of(m) === 1);
  const colour = metas.findIndex((m) => of(m) === 3);
  if (grey >= 0 && colour >= 0) {
    const greyCount = metas.filter((m) => of(m) === 1).length;
    throw new DatasetError(
      'mixed-channels',
      `${fn}: images mix grayscale (${greyCount}, e.g. ${entries[grey].file}) and colour (${metas.length - greyCount}, e.g. ` +
        `${entries[colour].file}); pass channels: 1 or 3 to convert them all`,
      entries[grey].file,
    );
  }
  return grey >= 0 ? 1 : 3;
}

/** Identifies the files (path, size, mtime) and the options, so any change invalidates the cache. */
async function cacheKey(root: string, entries: Entry[], opts: ReturnType<typeof resolveOptions>): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ root: path.resolve(root), h: opts.height, w: opts.width, c: opts.channels, fit: opts.fit, bad: opts.onBadImage }));
  for (const e of entries) {
    const s = await stat(e.file);
    // Whole milliseconds: sub-ms mtime precision does not survive every copy tool or filesystem.
    hash.update(`${e.file}\0${e.label}\0${s.size}\0${Math.floor(s.mtimeMs)}\n`);
  }
  return hash.digest('hex');
}
