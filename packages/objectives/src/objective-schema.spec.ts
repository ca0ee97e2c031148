import * as tf from '@tensorflow/tfjs';
import Ajv from 'ajv';
import { initEngine } from '@infomax/engine';
import { AUGMENT_KINDS } from '@infomax/views';
import { buildObjective, objectiveJsonSchema, OBJECTIVE_KINDS } from './index';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const SMALL = { kind: 'dcgan', filters: [8, 16], fc: [], codeSize: 8 };
const ajv = new Ajv({ strict: false });
const validate = ajv.compile(objectiveJsonSchema());

/** The message `buildObjective(config)` throws (fails the test when it throws nothing). */
function messageOf(config: Record<string, unknown>): string {
  try {
    buildObjective(config as never).dispose();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, nothing was thrown');
}

test.each([
  [
    { kind: 'dimm', inputShape: [8, 8, 1] },
    "buildObjective: config key 'kind': expected one of dim, cmc, cpc, simclr, infograph, got 'dimm'",
  ],
  [[{ kind: 'dim' }], "buildObjective: config: expected an objective config ({ kind, ...options }), got [{ kind: 'dim' }]"],
  [{ kind: 'dim' }, "buildObjective: config key 'inputShape': expected [height, width, channels] of positive integers, got undefined"],
  [
    { kind: 'dim', inputShape: [16, 16, 1], gama: 0.1 },
    "buildObjective: config key 'gama': unknown key; known keys: kind, inputShape, encoder, estimator, alpha, beta, gamma, headUnits, localNegatives, globalHidden, prior, augment, crossViews, seed",
  ],
  [
    { kind: 'dim', inputShape: [16, 16, 1], prior: { hidden: [8, 0] } },
    "buildObjective: config key 'prior.hidden[1]': expected an integer in 1..∞, got 0",
  ],
  [
    { kind: 'dim', inputShape: [16, 16, 1], alpha: 0, beta: 0 },
    "buildObjective: config key 'beta': expected above 0 when alpha and gamma are 0 (nothing to train), got 0",
  ],
  [
    { kind: 'cmc', inputShape: [16, 16, 1], views: { kind: 'crops', scale: [0.8, 0.5] } },
    "buildObjective: config key 'views.scale': expected [lo, hi] with 0 < lo ≤ hi ≤ 1, got [0.8, 0.5]",
  ],
  [
    { kind: 'cmc', inputShape: [16, 16, 1], views: { kind: 'halves', count: 3 } },
    "buildObjective: config key 'views.count': unknown key; known keys of 'views': kind, axis",
  ],
  [
    { kind: 'cpc', inputShape: [16, 16, 1], patch: { size: 20 } },
    "buildObjective: config key 'patch.size': expected an integer in 1..16 (the image's shorter side), got 20",
  ],
  [
    { kind: 'cpc', inputShape: [16, 16, 1], offsets: 3 },
    "buildObjective: config key 'offsets': expected an integer in 1..2 (offsets below the 3 rows of patches), got 3",
  ],
  [
    { kind: 'simclr', inputShape: [16, 16, 1], augment: [{ kind: 'horizontalFlip', prob: 0.5 }] },
    "buildObjective: config key 'augment[0].prob': unknown key; known keys of 'augment[0]': kind, p",
  ],
  [
    {
      kind: 'simclr',
      inputShape: [16, 16, 1],
      augment: [
        { kind: 'randomResizedCrop', scale: [0.2, 1] },
        { kind: 'horizontalFlip', p: 2 },
      ],
    },
    "buildObjective: config key 'augment[1].p': expected a number in [0, 1], got 2",
  ],
  [
    { kind: 'dim', inputShape: [16, 16, 1], augment: [{ kind: 'randomResizedCrop', scale: [1.2, 0.5] }] },
    "buildObjective: config key 'augment[0].scale[0]': expected a number in (0, 1], got 1.2",
  ],
  [
    { kind: 'cpc', inputShape: [16, 16, 1], augment: [{ kind: 'randomResizedCrop', scale: [0.8, 0.5] }] },
    "buildObjective: config key 'augment[0].scale': expected [lo, hi] with 0 < lo ≤ hi ≤ 1, got [0.8, 0.5]",
  ],
  [
    { kind: 'cmc', inputShape: [16, 16, 3], augment: [{ kind: 'blur' }] },
    "buildObjective: config key 'augment[0].kind': expected one of randomResizedCrop, colorJitter, horizontalFlip, randomGrayscale, gaussianNoise, got 'blur'",
  ],
  [
    { kind: 'cmc', inputShape: [16, 16, 1], views: { kind: 'halves' }, augment: [{ kind: 'colorJitter', saturation: 0.4 }] },
    "buildObjective: config key 'augment[0]': expected a step that fits images of [16, 16, 1] (colorJitter: options 'saturation' and 'hue' need 3-channel images; argument 'images' [2,16,16,1] has 1), got { kind: 'colorJitter', brightness: 0, contrast: 0, saturation: 0.4, hue: 0, p: 1 }",
  ],
  [
    { kind: 'dim', inputShape: [16, 16, 1], encoder: { kind: 'dcgan', filterz: [8] } },
    "buildObjective: config key 'encoder': expected a valid encoder config, got { kind: 'dcgan', filterz: [8] } (buildEncoder: option 'filterz': unknown key; known keys: kind, inputShape, filters, kernelSize, fc, codeSize, localLayer, batchNorm, seed)",
  ],
  [
    { kind: 'dim', inputShape: [16, 16, 1], encoder: { ...SMALL, inputShape: [8, 8, 1] } },
    "buildObjective: config key 'encoder.inputShape': expected no inputShape (the objective sets it from its top-level 'inputShape'), got [8, 8, 1]",
  ],
])('%j: one style, path + expected + got', (config, message) => {
  const before = tf.memory().numTensors;
  expect(messageOf(config as Record<string, unknown>)).toBe(message);
  expect(tf.memory().numTensors).toBe(before);
});

test("YAML's empty value (null) means the default, as an absent key does", () => {
  const given = { kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, estimator: null, prior: null, augment: null };
  const a = buildObjective(given as never);
  const b = buildObjective({ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL });
  expect(a.config).toEqual(b.config);
  a.dispose();
  b.dispose();
});

describe('the JSON Schema', () => {
  test('has one branch per kind, in the order of OBJECTIVE_KINDS, with the defaults', () => {
    const branches = objectiveJsonSchema().anyOf as Array<{ properties: Record<string, { const?: string; default?: unknown }> }>;
    expect(branches.map((b) => b.properties.kind.const)).toEqual([...OBJECTIVE_KINDS]);
    expect(branches[0].properties.estimator.default).toBe('jsd');
    expect(branches[1].properties.temperature.default).toBe(0.07);
  });

  test.each([
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, alpha: 1, beta: 0 }],
    [{ kind: 'cmc', inputShape: [16, 16, 3], encoder: SMALL, views: { kind: 'halves' }, queueSize: 8 }],
    [{ kind: 'cpc', inputShape: [16, 16, 1], patch: { size: 6 }, offsets: 1, context: { channels: [4] } }],
    [{ kind: 'simclr', inputShape: [16, 16, 1], encoder: SMALL, augment: [{ kind: 'horizontalFlip', p: 0.5 }] }],
    [{ kind: 'infograph', featureSize: 3, encoder: { kind: 'gin', hidden: 4, layers: 2 } }],
  ])('accepts %j and the config buildObjective resolves from it', (given) => {
    expect(validate(given)).toBe(true);
    const o = buildObjective(given as never);
    expect(validate(JSON.parse(JSON.stringify(o.config)))).toBe(true);
    o.dispose();
  });

  test.each([
    [{ kind: 'dimm', inputShape: [8, 8, 1] }],
    [{ kind: 'dim' }],
    [{ kind: 'dim', inputShape: [16, 16, 1], gama: 0.1 }],
    [{ kind: 'dim', inputShape: [16, 16, 1], prior: { hidden: [8, 0] } }],
    [{ kind: 'cmc', inputShape: [16, 16, 3], momentum: 1 }],
    [{ kind: 'cmc', inputShape: [16, 16, 3], views: { kind: 'halves', count: 3 } }],
    [{ kind: 'simclr', inputShape: [16, 16, 1], augment: [{ kind: 'blur' }] }],
    [{ kind: 'simclr', inputShape: [16, 16, 1], augment: [{ kind: 'randomResizedCrop', scale: [1.2, 0.5] }] }],
    [{ kind: 'simclr', inputShape: [16, 16, 1], augment: [{ kind: 'horizontalFlip' }, { kind: 'horizontalFlip', p: 2 }] }],
    [{ kind: 'dim', inputShape: [16, 16, 1], augment: [{ kind: 'horizontalFlip', prob: 0.5 }] }],
    [{ kind: 'cpc', inputShape: [16, 16, 1], augment: [{ kind: 'gaussianNoise', clip: false }] }],
    [{ kind: 'cmc', inputShape: [16, 16, 3], augment: [{ kind: 'colorJitter', hue: 0.7 }] }],
    [{ kind: 'cmc', inputShape: [16, 16, 3], augment: [{ kind: 'randomResizedCrop', size: [16, 0] }] }],
    [{ kind: 'infograph', featureSize: 0 }],
  ])('rejects %j, as buildObjective does', (given) => {
    expect(validate(given)).toBe(false);
    expect(() => buildObjective(given as never)).toThrow(/^buildObjective: config/);
  });

  test("describes every augmentation kind's options, for each image objective's augment key", () => {
    const branches = objectiveJsonSchema().anyOf as Array<{ properties: Record<string, unknown> }>;
    for (const branch of branches.slice(0, 4)) {
      const augment = branch.properties.augment as { anyOf: Array<{ items?: { oneOf: Array<{ properties: Record<string, unknown> }> } }> };
      const steps = augment.anyOf[0].items!.oneOf;
      expect(steps.map((s) => (s.properties.kind as { const: string }).const)).toEqual([...AUGMENT_KINDS]);
      expect(steps.map((s) => Object.keys(s.properties))).toEqual([
        ['kind', 'size', 'scale', 'ratio'],
        ['kind', 'brightness', 'contrast', 'saturation', 'hue', 'p'],
        ['kind', 'p'],
        ['kind', 'p'],
        ['kind', 'std', 'clip'],
      ]);
      expect(steps[2].properties.p).toMatchObject({ default: 0.5, anyOf: [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'null' }] });
    }
  });

  test("accepts SimCLR's pipeline for RGB written out, and the config buildObjective resolves from it", () => {
    const pipeline = [
      { kind: 'randomResizedCrop', scale: [0.2, 1], ratio: [0.75, 1.3333], size: null },
      { kind: 'horizontalFlip', p: 0.5 },
      { kind: 'colorJitter', brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8 },
      { kind: 'randomGrayscale', p: 0.2 },
      { kind: 'gaussianNoise', std: 0.01, clip: true },
    ];
    const given = { kind: 'simclr', inputShape: [16, 16, 3], encoder: SMALL, augment: pipeline };
    expect(validate(given)).toBe(true);
    const o = buildObjective(given as never);
    expect((o.config as unknown as { augment: unknown[] }).augment).toEqual([{ ...pipeline[0], size: undefined }, ...pipeline.slice(1)]);
    expect(validate(JSON.parse(JSON.stringify(o.config)))).toBe(true);
    o.dispose();
  });

  test('shapeFromData leaves the input size to the caller; defaultKinds lets those kinds leave out their kind', () => {
    const loose = ajv.compile(objectiveJsonSchema({ shapeFromData: true, defaultKinds: ['dim', 'infograph'] }));
    expect(
      [{}, { estimator: 'nwj' }, { kind: 'cmc', views: { kind: 'crops' } }, { encoder: { kind: 'gin' } }].map((c) => loose(c)),
    ).toEqual([true, true, true, true]);
    expect([{ temperature: 0.5, mode: 'full' }, { kind: 'cmc', gama: 1 }, { estimator: 'mind' }].map((c) => loose(c))).toEqual([
      false,
      false,
      false,
    ]);
    expect(validate({ estimator: 'nwj' })).toBe(false);
    expect(validate({ kind: 'cmc' })).toBe(false);
  });
});
