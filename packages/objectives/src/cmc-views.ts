/**
 * The views CMC contrasts, chosen by a JSON config: Lab's L vs ab (the paper's),
 * L, a, b as three views, top vs bottom halves, or n random resized crops (for
 * grayscale images, where there is no colour to split).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { halves, HALVES_AXES, labSplit, randomResizedCrop, type HalvesAxis } from '@infomax/views';
import type { ConfigReader } from './internal/config-reader';

/** View splits CMC knows, declared once. */
export const CMC_VIEW_KINDS = ['lab', 'labChannels', 'halves', 'crops'] as const;
/** One of {@link CMC_VIEW_KINDS}. */
export type CmcViewKind = (typeof CMC_VIEW_KINDS)[number];

/** CMC's views (part of a CMC config); keys that do not apply to `kind` are absent. */
export type CmcViewsConfig =
  | { kind: 'lab' }
  | { kind: 'labChannels' }
  | { kind: 'halves'; axis: HalvesAxis }
  | { kind: 'crops'; count: number; scale: [number, number] };

/** Reads `views` (default: `lab` for 3 channels, else two `crops`). */
export function readViews(r: ConfigReader, channels: number): CmcViewsConfig {
  const v = r.sub('views');
  const kind = v.choice('kind', CMC_VIEW_KINDS, channels === 3 ? 'lab' : 'crops');
  if ((kind === 'lab' || kind === 'labChannels') && channels !== 3) {
    v.fail('kind', `'halves' or 'crops' for ${channels}-channel images (Lab needs RGB)`, kind);
  }
  let out: CmcViewsConfig;
  if (kind === 'halves') out = { kind, axis: v.choice('axis', HALVES_AXES, 'rows') };
  else if (kind === 'crops') {
    const count = v.int('count', 2, 2);
    const scale = (v.raw('scale') ?? [0.3, 1]) as number[];
    const ok = Array.isArray(scale) && scale.length === 2 && scale.every((s) => typeof s === 'number' && s > 0 && s <= 1) && scale[0] <= scale[1];
    if (!ok) v.fail('scale', '[lo, hi] with 0 < lo ≤ hi ≤ 1', scale);
    out = { kind, count, scale: [scale[0], scale[1]] };
  } else out = { kind };
  v.done();
  return out;
}

/** Whether every view is the same image at test time (crops: each is the whole image). */
export function viewsAlikeAtTest(config: CmcViewsConfig): boolean {
  return config.kind === 'crops';
}

/**
 * The view function of a config: images `[B, H, W, C]` → one tensor per view.
 * Crops draw from `rng` in training; in inference every crop view is the whole image
 * ({@link viewsAlikeAtTest}).
 */
export function viewFunction(config: CmcViewsConfig, rng: Rng): (images: tf.Tensor4D, training: boolean) => tf.Tensor4D[] {
  switch (config.kind) {
    case 'lab':
      return (x) => labSplit(x);
    case 'labChannels':
      return (x) => tf.tidy(() => {
        const [l, ab] = labSplit(x);
        return [l, ...tf.split(ab, 2, 3)] as tf.Tensor4D[];
      });
    case 'halves':
      return (x) => halves(x, { axis: config.axis });
    case 'crops':
      return (x, training) =>
        Array.from({ length: config.count }, () => (training ? randomResizedCrop(x, { rng, scale: config.scale }) : x.clone()));
  }
}
