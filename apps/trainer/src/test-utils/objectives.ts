/**
 * A DIM objective config small enough for the trainer's specs: 28×28 images, a two-layer
 * DCGAN encoder with an 8-d code.
 */
export const TINY_DIM = {
  kind: 'dim',
  inputShape: [28, 28, 1],
  encoder: { kind: 'dcgan', filters: [4, 8], fc: [16], codeSize: 8 },
  headUnits: 16,
  seed: 3,
};
