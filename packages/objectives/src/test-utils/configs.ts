/**
 * Small objective configs the step specs share: every objective kind on 16×16 images with
 * a two-layer DCGAN encoder, fast enough to run a few real steps of each.
 */

/** A DCGAN encoder small enough for specs. */
export const SMALL_ENCODER = { kind: 'dcgan', filters: [8, 16], fc: [32], codeSize: 16 };

/** DIM with every term on: local (β), global (α) and the prior (γ). */
export const DIM_ALL_TERMS = {
  kind: 'dim',
  inputShape: [16, 16, 1],
  encoder: SMALL_ENCODER,
  alpha: 1,
  beta: 1,
  gamma: 0.1,
  headUnits: 16,
  globalHidden: [16],
  prior: { hidden: [16] },
};

/** CMC on image halves with a queue of past keys. */
export const CMC_HALVES_QUEUE = { kind: 'cmc', inputShape: [16, 16, 1], views: { kind: 'halves' }, encoder: SMALL_ENCODER, queueSize: 16 };

/** CPC with batch and locations as negatives. */
export const CPC_SMALL = { kind: 'cpc', inputShape: [16, 16, 1], context: { channels: [8, 8] }, encoder: SMALL_ENCODER };
