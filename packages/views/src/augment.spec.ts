import * as tf from '@tensorflow/tfjs';
import { initEngine, ConfigError, parseConfig, Rng, ShapeError } from '@infomax/engine';
import { augment, AUGMENT_KINDS, AUGMENT_STEP_SCHEMA, AUGMENT_STEPS_SCHEMA, type AugmentStep } from './augment';
import { colorJitter } from './color-jitter';
import { gaussianNoise } from './gaussian-noise';
import { horizontalFlip } from './horizontal-flip';
import { randomGrayscale } from './random-grayscale';
import { randomResizedCrop } from './random-resized-crop';
import { expectClose, expectNoLeak, testImages } from './test-utils/helpers';

const SIMCLR: AugmentStep[] = [
  { kind: 'randomResizedCrop', scale: [0.2, 1] },
  { kind: 'horizontalFlip' },
  { kind: 'colorJitter', brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 },
  { kind: 'randomGrayscale', p: 0.2 },
  { kind: 'gaussianNoise', std: 0.05 },
];

describe('augment (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('equals the views it names, chained by hand on one generator', () => {
    const x = testImages([6, 12, 12, 3]);
    const y = augment(x, { rng: 5, steps: SIMCLR });
    const rng = new Rng(5);
    const expected = tf.tidy(() => {
      let v = randomResizedCrop(x, { rng, scale: [0.2, 1] });
      v = horizontalFlip(v, { rng });
      v = colorJitter(v, { rng, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
      v = randomGrayscale(v, { rng, p: 0.2 });
      return gaussianNoise(v, { rng, std: 0.05 });
    });
    expect(y.shape).toEqual([6, 12, 12, 3]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([x, y, expected]);
  });

  it('the same seed gives the same views, another seed others; [] gives a copy', () => {
    const x = testImages([4, 10, 10, 1]);
    const steps: AugmentStep[] = [
      { kind: 'randomResizedCrop', scale: [0.3, 1] },
      { kind: 'colorJitter', brightness: 0.5 },
    ];
    const [a, b, c] = [1, 1, 2].map((seed) => augment(x, { rng: seed, steps }));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    const copy = augment(x, { rng: 0, steps: [] });
    expect(copy).not.toBe(x);
    expectClose(copy.dataSync(), x.dataSync(), 0);
    tf.dispose([x, a, b, c, copy]);
  });

  it('colorJitter with p: p = 0 leaves every image, p = 0.5 jitters some and leaves the others exactly', () => {
    const x = testImages([16, 6, 6, 3]);
    const none = augment(x, { rng: 3, steps: [{ kind: 'colorJitter', brightness: 0.8, p: 0 }] });
    expectClose(none.dataSync(), x.dataSync(), 0);
    const half = augment(x, { rng: 3, steps: [{ kind: 'colorJitter', brightness: 0.8, p: 0.5 }] }).arraySync();
    const xs = x.arraySync();
    const kept = half.filter((img, b) => JSON.stringify(img) === JSON.stringify(xs[b])).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(16);
    tf.dispose([x, none]);
  });

  it('a crop with a size changes height and width', () => {
    const x = testImages([2, 16, 16, 1]);
    const y = augment(x, { rng: 0, steps: [{ kind: 'randomResizedCrop', size: 8 }] });
    expect(y.shape).toEqual([2, 8, 8, 1]);
    tf.dispose([x, y]);
  });

  it('bad steps: ConfigErrors naming the key path, before any step runs; a step that does not fit: ShapeError', () => {
    const x = testImages([2, 8, 8, 1]);
    const before = tf.memory().numTensors;
    const cases: Array<[unknown, string]> = [
      [
        [{ kind: 'horizontalFlip' }, { kind: 'blur' }],
        "augment: option 'steps[1].kind': expected one of randomResizedCrop, colorJitter, horizontalFlip, randomGrayscale, gaussianNoise, got 'blur'",
      ],
      [[{ kind: 'horizontalFlip' }, { kind: 'horizontalFlip', p: 2 }], "augment: option 'steps[1].p': expected a number in [0, 1], got 2"],
      [[{ kind: 'colorJitter', p: -1 }], "augment: option 'steps[0].p': expected a number in [0, 1], got -1"],
      [[{ kind: 'horizontalFlip', prob: 0.5 }], "augment: option 'steps[0].prob': unknown key; known keys of 'steps[0]': kind, p"],
      [
        [{ kind: 'randomResizedCrop', scale: [0.8, 0.5] }],
        "augment: option 'steps[0].scale': expected [lo, hi] with 0 < lo ≤ hi ≤ 1, got [0.8, 0.5]",
      ],
      [[{ kind: 'gaussianNoise' }], "augment: option 'steps[0].std': expected a finite number ≥ 0, got undefined"],
      [['horizontalFlip'], "augment: option 'steps[0]': expected an augmentation step ({ kind, ...options }), got 'horizontalFlip'"],
      [{}, "augment: option 'steps': expected a list of augmentation steps ({ kind, ...options }), got {  }"],
    ];
    for (const [steps, message] of cases) {
      expect(() => augment(x, { rng: 0, steps: steps as AugmentStep[] })).toThrow(ConfigError);
      expect(() => augment(x, { rng: 0, steps: steps as AugmentStep[] })).toThrow(message);
    }
    expect(() => augment(x, { rng: 0, steps: [{ kind: 'randomGrayscale' }] })).toThrow(ShapeError);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it("the steps schema fills in each view's defaults, takes null as the default, and knows every kind", () => {
    const parse = (raw: unknown) => parseConfig(AUGMENT_STEPS_SCHEMA, raw, (path, message) => new ConfigError(`${path}: ${message}`));
    expect(
      parse([
        { kind: 'randomResizedCrop', scale: null },
        { kind: 'colorJitter', hue: 0.1 },
        { kind: 'gaussianNoise', std: 0.1 },
      ]),
    ).toEqual([
      { kind: 'randomResizedCrop', scale: [0.08, 1], ratio: [3 / 4, 4 / 3] },
      { kind: 'colorJitter', brightness: 0, contrast: 0, saturation: 0, hue: 0.1, p: 1 },
      { kind: 'gaussianNoise', std: 0.1, clip: true },
    ]);
    expect(parse([{ kind: 'horizontalFlip' }, { kind: 'randomGrayscale', p: null }])).toEqual([
      { kind: 'horizontalFlip', p: 0.5 },
      { kind: 'randomGrayscale', p: 0.2 },
    ]);
    const kinds = AUGMENT_STEP_SCHEMA.options.map((o) => [...o.shape.kind.values][0]);
    expect(kinds).toEqual([...AUGMENT_KINDS]);
    // A resolved pipeline is a pipeline: parsing it again changes nothing, and it draws what the given one draws.
    const given: AugmentStep[] = [
      { kind: 'randomResizedCrop', scale: [0.3, 1] },
      { kind: 'colorJitter', brightness: 0.5, p: 0.5 },
    ];
    const resolved = parse(given);
    expect(parse(JSON.parse(JSON.stringify(resolved)))).toEqual(resolved);
    const x = testImages([4, 10, 10, 1]);
    const [a, b] = [given, resolved].map((steps) => augment(x, { rng: 4, steps }));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
  });

  it('leaks no tensors', () => {
    const x = testImages([4, 8, 8, 3]);
    const rng = new Rng(1);
    expectNoLeak(() =>
      augment(x, { rng, steps: [...SIMCLR.slice(0, 2), { kind: 'colorJitter', brightness: 0.4, p: 0.8 }, ...SIMCLR.slice(3)] }),
    );
    x.dispose();
  });
});
