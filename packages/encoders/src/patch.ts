/**
 * Patch encoder for Contrastive Predictive Coding: encodes every patch of a
 * grid `[batch, rows, cols, p, p, c]` with one shared image encoder (patches
 * folded into the batch, encoded, unfolded) → patch codes `[batch, rows, cols, D]`;
 * the global vector is their mean, CPC's image representation.
 * van den Oord et al. 2018, "Representation learning with contrastive predictive
 * coding", https://arxiv.org/abs/1807.03748; Hénaff et al. 2020, "Data-efficient
 * image recognition with contrastive predictive coding", https://arxiv.org/abs/1905.09272.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageEncoderConfig } from './config';
import type { Encoder } from './encoder';
import { assemble, type Plan } from './internal/assemble';
import { on } from './internal/build';
import { BatchToPatches, PatchesToBatch } from './internal/layers';
import { imageEncoderPlan } from './internal/plan';
import { int, list, object, oneOf } from '@infomax/engine';
import { parseOptions } from './internal/options';

/** Options of {@link patchEncoder} (a `{ kind: 'patch', ... }` config without `kind`). */
export interface PatchOptions {
  /** Patches per image, `[rows, cols]` (e.g. 7×7 for 64×64 images cut into 16×16 patches with stride 8). Required. */
  grid: [number, number];
  /**
   * The encoder applied to each patch, with `inputShape: [p, p, c]` (the patch
   * shape); its global vector is the patch code. Its `seed` seeds the weights. Required.
   */
  encoder: ImageEncoderConfig;
}

const SCHEMA = object({
  kind: oneOf(['patch'] as const).optional(),
  grid: list(int(1), { length: 2, what: '[rows, cols] of positive integers' }),
  // Checked by the inner encoder's own schema, its messages naming `encoder.<option>`.
  encoder: object({}, { loose: true, what: 'an image encoder config { kind, ... }' }),
});

/** Validates options, fills in the inner encoder's defaults and plans the build. */
export function patchPlan(options: unknown, fn = 'patchEncoder'): Plan {
  const o = parseOptions(fn, SCHEMA, options);
  const [rows, cols] = o.grid;
  const inner = imageEncoderPlan(o.encoder, fn, ['encoder']);
  return {
    config: { kind: 'patch', grid: [rows, cols], encoder: inner.config as ImageEncoderConfig },
    inputShape: [rows, cols, ...inner.inputShape],
    seed: inner.seed,
    body: (x, rng) => {
      const patches = on(new PatchesToBatch({ name: 'patches_to_batch' }), x);
      const codes = on(new BatchToPatches({ name: 'batch_to_patches', rows, cols }), inner.body(patches, rng).global);
      const global = on(tf.layers.globalAveragePooling2d({ name: 'patch_mean' }), codes);
      return { local: codes, global, taps: {} };
    },
  };
}

/**
 * Builds the CPC patch encoder.
 *
 * @param options see {@link PatchOptions}
 * @returns an {@link Encoder}: patch grids `[batch, rows, cols, p, p, c]` → local
 *   `[batch, rows, cols, D]` (one code per patch), global `[batch, D]` (their mean)
 * @throws ConfigError naming the option that is missing or out of range
 * @example
 * const enc = patchEncoder({
 *   grid: [7, 7],
 *   encoder: { kind: 'resnet', inputShape: [16, 16, 3], width: 16, codeSize: 64 },
 * });
 * const { local } = enc.encode(patchGrid(images, { size: 16, stride: 8 })); // [B, 7, 7, 64] (@infomax/views)
 */
export function patchEncoder(options: PatchOptions): Encoder {
  return assemble(patchPlan(options));
}
