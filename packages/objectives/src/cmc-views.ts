/**
 * The views CMC contrasts, chosen by a JSON config: Lab's L vs ab (the paper's),
 * L, a, b as three views, top vs bottom halves, or n random resized crops (for
 * grayscale images, where there is no colour to split).
 */
import * as tf from '@tensorflow/tfjs';
import { byKind, int, nullish, object, oneOf, Rng } from '@infomax/engine';
import { CROP_SCALE_SCHEMA, halves, HALVES_AXES, labSplit, randomResizedCrop, type HalvesAxis } from '@infomax/views';

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

const CROP_SCALE: [number, number] = [0.3, 1];

/** The `views` key: each kind with its own keys and defaults (the kind itself defaults by the channels: {@link defaultViews}). */
export const VIEWS_SCHEMA = byKind([
  object({ kind: oneOf(['lab'] as const) }),
  object({ kind: oneOf(['labChannels'] as const) }),
  object({ kind: oneOf(['halves'] as const), axis: nullish(oneOf(HALVES_AXES), 'rows') }),
  object({ kind: oneOf(['crops'] as const), count: nullish(int(2), 2), scale: nullish(CROP_SCALE_SCHEMA, CROP_SCALE) }),
]).transform((v) => v as CmcViewsConfig);

/** The views when the config names none: Lab's L vs ab for RGB, else two crops. */
export function defaultViews(channels: number): CmcViewsConfig {
  return channels === 3 ? { kind: 'lab' } : { kind: 'crops', count: 2, scale: CROP_SCALE };
}

/** Whether `views` can split `channels`-channel images (Lab needs RGB). */
export function viewsFit(views: CmcViewsConfig, channels: number): boolean {
  return channels === 3 || (views.kind !== 'lab' && views.kind !== 'labChannels');
}

/** Each view's shape `[height, width, channels]` on images of `inputShape`, in inference mode. */
export function viewShapes(views: CmcViewsConfig, inputShape: readonly number[]): number[][] {
  const viewOf = viewFunction(views, new Rng(0));
  return tf.tidy(() => {
    const blank: tf.Tensor = tf.zeros([1, ...inputShape]);
    return viewOf(blank as tf.Tensor4D, false).map((t) => t.shape.slice(1));
  });
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
      return (x) =>
        tf.tidy(() => {
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
