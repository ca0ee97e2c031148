import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { buildObjective, initialisationConfig, TRAINING_ONLY_KEYS } from './index';
import { LatentImages } from './test-utils/synthetic';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const SMALL = { kind: 'dcgan', filters: [8, 16], fc: [16], codeSize: 8 };
const BASES = {
  dim: { kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL },
  cmc: { kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'crops', count: 3 } },
  cpc: { kind: 'cpc', inputShape: [16, 16, 1], encoder: { kind: 'mlp', hidden: [8], codeSize: 6 }, context: { channels: [4] } },
  simclr: { kind: 'simclr', inputShape: [16, 16, 1], encoder: SMALL },
};
const FLIP = { augment: [{ kind: 'horizontalFlip' }] };
// Another value for every training-only key (two at once where one alone is not a valid config).
const VARIANTS: Record<keyof typeof BASES, Record<string, unknown>[]> = {
  dim: [
    { estimator: 'infonce' },
    { alpha: 1, beta: 0 },
    { alpha: 0.5 },
    { gamma: 0.1 },
    { headUnits: 16 },
    { localNegatives: 'batch+locations' },
    { alpha: 1, globalHidden: [8] },
    { gamma: 0.1, prior: { hidden: [4], distribution: 'gaussian' } },
    FLIP,
    { ...FLIP, crossViews: true },
  ],
  cmc: [
    { mode: 'full' },
    { estimator: 'nwj' },
    { temperature: 0.5 },
    { projectionHidden: [8] },
    { projectionUnits: 8 },
    { queueSize: 16 },
    { momentum: 0.9 },
    FLIP,
  ],
  cpc: [{ context: { channels: [6], rows: 2 } }, { offsets: 1 }, { negatives: 'batch' }, { estimator: 'nwj' }, FLIP],
  simclr: [FLIP, { projectionHidden: [] }, { projectionUnits: 8 }, { temperature: 0.1 }, { estimator: 'mine' }],
};

/** What a random-init baseline measures: `embed` of a fixed batch. */
function embedOf(config: Record<string, unknown>, images: tf.Tensor4D): Float32Array {
  const o = buildObjective(config as never);
  const out = tf.tidy(() => o.embed!(images).dataSync() as Float32Array);
  o.dispose();
  return out;
}

describe.each(Object.keys(BASES) as (keyof typeof BASES)[])(
  '%s: every training-only key leaves the initial representation as it was',
  (kind) => {
    let data: LatentImages;
    let images: tf.Tensor4D;
    beforeAll(() => {
      data = new LatentImages(16, 1, 4, 12);
      images = data.next(4);
    });
    afterAll(() => {
      tf.dispose(images);
      data.dispose();
    });

    test('the variants cover every listed key, and initialisationConfig drops exactly those', () => {
      expect(new Set(VARIANTS[kind].flatMap((v) => Object.keys(v)))).toEqual(new Set(TRAINING_ONLY_KEYS[kind]));
      for (const v of VARIANTS[kind]) expect(initialisationConfig({ ...BASES[kind], ...v })).toEqual(initialisationConfig(BASES[kind]));
    });

    test.each(VARIANTS[kind])('%j: the same embed, bit for bit', (variant) => {
      expect(Array.from(embedOf({ ...BASES[kind], ...variant }, images))).toEqual(Array.from(embedOf(BASES[kind], images)));
    });

    test('a key that is not training-only (the seed) changes it: the comparison can fail', () => {
      expect(initialisationConfig({ ...BASES[kind], seed: 1 })).not.toEqual(initialisationConfig(BASES[kind]));
      expect(Array.from(embedOf({ ...BASES[kind], seed: 1 }, images))).not.toEqual(Array.from(embedOf(BASES[kind], images)));
    });
  },
);
