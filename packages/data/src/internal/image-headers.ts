/**
 * The first pass over an image folder: every image's header (sharp reads the start of
 * the file, not its pixels), so the output size and channels are settled before any
 * image is decoded, and one odd image cannot set the size of all the others.
 */
import sharp from 'sharp';
import { DatasetError } from '../errors';

/** sharp's own default input limit (16383 × 16383 pixels): past it, an image is refused, not decoded. */
export const MAX_INPUT_PIXELS = 0x3fff * 0x3fff;

/** What an image's header says. */
export interface ImageHeader {
  height: number;
  width: number;
  /** Channels it decodes to when none are asked for: 1 for grayscale (with or without alpha), else 3. */
  channels: 1 | 3;
}

/**
 * Reads one image's header.
 * @throws DatasetError `too-large` naming the file and its size past {@link MAX_INPUT_PIXELS};
 *   sharp's own error when the header is unreadable
 */
export async function readHeader(fn: string, file: string): Promise<ImageHeader> {
  // No input limit for the header alone (nothing is decoded), so the error can say the size.
  const meta = await sharp(file, { limitInputPixels: false }).metadata();
  const { height, width } = meta;
  if (height * width > MAX_INPUT_PIXELS) {
    throw new DatasetError(
      'too-large',
      `${fn}: ${file} is ${width}×${height} (${((width * height) / 1e6).toFixed(0)} megapixels), more than the ` +
        `${(MAX_INPUT_PIXELS / 1e6).toFixed(0)} megapixels an image may have; shrink it or leave it out`,
      file,
    );
  }
  return { height, width, channels: (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0) === 1 ? 1 : 3 };
}

/** The size images are resized to when none is given, and why. */
export interface ChosenSize {
  height: number;
  width: number;
  /** The most common image size, `[height, width]`. */
  common: [number, number];
}

/**
 * The most common size among `headers` (ties: the one seen first), scaled down with its
 * aspect ratio kept until its longer side is at most `maxSide`.
 * @param headers at least one
 */
export function chooseSize(headers: readonly ImageHeader[], maxSide: number): ChosenSize {
  const seen = new Map<string, { size: [number, number]; count: number }>();
  for (const { height, width } of headers) {
    const key = `${height}×${width}`;
    const entry = seen.get(key);
    if (entry) entry.count++;
    else seen.set(key, { size: [height, width], count: 1 });
  }
  let best = { size: [0, 0] as [number, number], count: 0 };
  for (const entry of seen.values()) if (entry.count > best.count) best = entry;
  const [h, w] = best.size;
  const scale = Math.min(1, maxSide / Math.max(h, w));
  return { height: Math.max(1, Math.round(h * scale)), width: Math.max(1, Math.round(w * scale)), common: best.size };
}
