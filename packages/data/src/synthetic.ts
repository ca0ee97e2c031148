/**
 * Synthetic image datasets whose class is visible by construction, so tests and
 * demos can check that a representation picks it up: `'grating'` (class = the
 * orientation of a sinusoidal grating with random phase: every patch carries the
 * class, as DIM's local objective wants) and `'blobs'` (class = which cell of a
 * grid holds a bright blob: only the global layout carries the class).
 */
import { createDataset, type ImageDataset } from './dataset';
import { optionError } from './errors';
import { createPrng } from './internal/prng';

/** Patterns {@link syntheticDataset} can draw, declared once. */
export const SYNTHETIC_PATTERNS = ['grating', 'blobs'] as const;

/** One of {@link SYNTHETIC_PATTERNS}. */
export type SyntheticPattern = (typeof SYNTHETIC_PATTERNS)[number];

/** Options of {@link syntheticDataset}. */
export interface SyntheticOptions {
  /** Number of images, ≥ 1. Required. */
  count: number;
  /** Which pattern encodes the class. Default `'grating'`. */
  pattern?: SyntheticPattern;
  /** Number of classes, 2–64 (`'blobs'`: at most one blob cell per 4×4 pixels). Default 10. */
  classes?: number;
  /** Image height. Default 28. */
  height?: number;
  /** Image width. Default 28. */
  width?: number;
  /** 1 (grayscale) or 3 (each image gets a random tint). Default 1. */
  channels?: 1 | 3;
  /** Amplitude of uniform per-pixel noise, in [0, 1] of the full range. Default 0.1. */
  noise?: number;
  /** Seed: the same seed gives the same images. Default 0. */
  seed?: number;
}

/**
 * Period, in pixels, of `'grating'` images of the given size (a third of the
 * shorter side, at least 4): exported so tests can build the matching detector.
 */
export function gratingPeriod(height: number, width: number): number {
  return Math.max(4, Math.min(height, width) / 3);
}

/**
 * Generates a labelled dataset where the label sets a visible pattern.
 * Label of image `i` is `i mod classes` (balanced).
 *
 * - `'grating'`: `0.5 + 0.35·cos(2π/P·(x·cos θ + y·sin θ) + φ)`, θ = π·label/classes,
 *   P = {@link gratingPeriod}, φ uniform in [0, 2π).
 * - `'blobs'`: the image is a ⌈√classes⌉ grid of cells; a Gaussian blob (σ = cell/5)
 *   sits in cell `label`, jittered by up to a quarter cell, on a 0.1 background.
 *
 * @param options see {@link SyntheticOptions}.
 * @returns a dataset `[count, height, width, channels]` with class names like `"angle 36°"` or `"cell 3"`.
 * @throws DatasetError (`invalid-option`) for an option out of range.
 * @example
 * const ds = syntheticDataset({ count: 512, pattern: 'grating', classes: 4, seed: 1 });
 */
export function syntheticDataset(options: SyntheticOptions): ImageDataset {
  const o = resolveOptions(options);
  const { count, height, width, channels, classes } = o;
  const prng = createPrng(o.seed);
  const images = new Uint8Array(count * height * width * channels);
  const labels = new Int32Array(count);
  const value = new Float32Array(height * width);
  const grid = Math.ceil(Math.sqrt(classes));
  for (let n = 0; n < count; n++) {
    const label = n % classes;
    labels[n] = label;
    if (o.pattern === 'grating') drawGrating(value, height, width, (Math.PI * label) / classes, 2 * Math.PI * prng.uniform());
    else drawBlob(value, height, width, grid, label, prng.uniform() - 0.5, prng.uniform() - 0.5);
    const tint = channels === 1 ? [1] : [0.6 + 0.4 * prng.uniform(), 0.6 + 0.4 * prng.uniform(), 0.6 + 0.4 * prng.uniform()];
    const base = n * height * width * channels;
    for (let p = 0; p < height * width; p++) {
      for (let c = 0; c < channels; c++) {
        const v = value[p] * tint[c] + o.noise * (2 * prng.uniform() - 1);
        images[base + p * channels + c] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
    }
  }
  const names = Array.from({ length: classes }, (_, k) =>
    o.pattern === 'grating' ? `angle ${Math.round((180 * k) / classes)}°` : `cell ${k}`,
  );
  return createDataset({ name: `synthetic-${o.pattern}`, images, labels, count, height, width, channels, classes: names });
}

function drawGrating(out: Float32Array, height: number, width: number, theta: number, phase: number): void {
  const k = (2 * Math.PI) / gratingPeriod(height, width);
  const cx = Math.cos(theta);
  const sy = Math.sin(theta);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = 0.5 + 0.35 * Math.cos(k * (x * cx + y * sy) + phase);
  }
}

function drawBlob(out: Float32Array, height: number, width: number, grid: number, label: number, jx: number, jy: number): void {
  const cellH = height / grid;
  const cellW = width / grid;
  const cy = (Math.floor(label / grid) + 0.5 + jy / 2) * cellH;
  const cx = ((label % grid) + 0.5 + jx / 2) * cellW;
  const sigma = Math.min(cellH, cellW) / 5;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d2 = (y + 0.5 - cy) ** 2 + (x + 0.5 - cx) ** 2;
      out[y * width + x] = 0.1 + 0.8 * Math.exp(-d2 / (2 * sigma * sigma));
    }
  }
}

function resolveOptions(options: SyntheticOptions) {
  const fn = 'syntheticDataset';
  const o = {
    count: options.count,
    pattern: options.pattern ?? 'grating',
    classes: options.classes ?? 10,
    height: options.height ?? 28,
    width: options.width ?? 28,
    channels: options.channels ?? 1,
    noise: options.noise ?? 0.1,
    seed: options.seed ?? 0,
  };
  if (!Number.isInteger(o.count) || o.count < 1) throw optionError(fn, 'count', 'a positive integer', o.count);
  if (!SYNTHETIC_PATTERNS.includes(o.pattern)) throw optionError(fn, 'pattern', `one of ${SYNTHETIC_PATTERNS.join(', ')}`, o.pattern);
  if (!Number.isInteger(o.classes) || o.classes < 2 || o.classes > 64) throw optionError(fn, 'classes', 'an integer in [2, 64]', o.classes);
  for (const key of ['height', 'width'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 4) throw optionError(fn, key, 'an integer ≥ 4', o[key]);
  }
  const grid = Math.ceil(Math.sqrt(o.classes));
  if (o.pattern === 'blobs' && Math.min(o.height, o.width) < 4 * grid) {
    throw optionError(
      fn,
      'classes',
      `at most ${Math.floor(Math.min(o.height, o.width) / 4) ** 2} for 'blobs' at ${o.height}×${o.width}`,
      o.classes,
    );
  }
  if (o.channels !== 1 && o.channels !== 3) throw optionError(fn, 'channels', '1 or 3', o.channels);
  if (!(o.noise >= 0 && o.noise <= 1)) throw optionError(fn, 'noise', 'in [0, 1]', o.noise);
  if (!Number.isFinite(o.seed)) throw optionError(fn, 'seed', 'a finite number', o.seed);
  return o;
}
