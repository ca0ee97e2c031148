import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { alexnetEncoder, buildEncoder, ConfigError, dcganEncoder, Encoder, mlpEncoder, resnetEncoder, ShapeError } from './index';
import { expectClose, testImages } from './test-utils/expect-close';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

/** Encodes a batch of 2 and returns every output's shape without the batch axis. */
function shapes(enc: Encoder): Record<string, number[]> {
  const x = testImages([2, ...enc.inputShape]);
  const before = tf.memory().numTensors;
  const out = enc.encode(x);
  const result: Record<string, number[]> = { local: out.local.shape.slice(1), global: out.global.shape.slice(1) };
  for (const [k, t] of Object.entries(out.taps)) result[k] = t.shape.slice(1);
  expect(out.local.shape[0]).toBe(2);
  tf.dispose([out.local, out.global, ...Object.values(out.taps)]);
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
  return result;
}

describe("DCGAN-style encoder at the papers' sizes", () => {
  test('28×28×1: conv 64-128 4×4 s2 → 7×7×128 local map (also the last conv), fc 1024, 64-d code', () => {
    const enc = dcganEncoder({ inputShape: [28, 28, 1] });
    expect(shapes(enc)).toEqual({ local: [7, 7, 128], global: [64], conv: [7, 7, 128], fc: [1024], code: [64] });
    // Parameters in closed form: convs (k·k·cin·cout + cout), fc, code.
    const params = 4 * 4 * 1 * 64 + 64 + 4 * 4 * 64 * 128 + 128 + 7 * 7 * 128 * 1024 + 1024 + 1024 * 64 + 64;
    expect(enc.model.countParams()).toBe(params);
    enc.dispose();
  });

  test("32×32×3: conv 64-128-256 → local 8×8×128 (DIM's), last conv 4×4×256", () => {
    const enc = dcganEncoder({ inputShape: [32, 32, 3] });
    expect(shapes(enc)).toEqual({ local: [8, 8, 128], global: [64], conv: [4, 4, 256], fc: [1024], code: [64] });
    enc.dispose();
  });

  test('64×64×3: conv 64-128-256-512 → local 8×8×256, last conv 4×4×512', () => {
    const enc = dcganEncoder({ inputShape: [64, 64, 3] });
    expect(shapes(enc)).toEqual({ local: [8, 8, 256], global: [64], conv: [4, 4, 512], fc: [1024], code: [64] });
    enc.dispose();
  });

  test('28×28: the local tap equals the conv tap and global equals code, value for value', () => {
    const enc = dcganEncoder({ inputShape: [28, 28, 1], filters: [8, 16], fc: [32], codeSize: 8, seed: 3 });
    const x = testImages([3, 28, 28, 1]);
    const out = enc.encode(x);
    expectClose(out.local, out.taps.conv, 0);
    expectClose(out.global, out.taps.code, 0);
    tf.dispose([x, out.local, out.global, ...Object.values(out.taps)]);
    enc.dispose();
  });
});

describe('other architectures', () => {
  test("AlexNet-style 64×64×3 (DIM's): local = conv3 after two poolings 15×15×384, last conv pooled 7×7×192", () => {
    const enc = alexnetEncoder({ inputShape: [64, 64, 3], fc: [256, 256] });
    expect(shapes(enc)).toEqual({ local: [15, 15, 384], global: [64], conv: [7, 7, 192], fc: [256], code: [64] });
    enc.dispose();
  });

  test('ResNet (width 16, small stem) on 32×32×3: stages 32-16-8-4, local = stage 3 8×8×64', () => {
    const enc = resnetEncoder({ inputShape: [32, 32, 3] });
    expect(shapes(enc)).toEqual({ local: [8, 8, 64], global: [64], conv: [4, 4, 128], pool: [128], code: [64] });
    enc.dispose();
  });

  test('ResNet on 28×28×1 and, with the ImageNet stem, 64×64×3', () => {
    const small = resnetEncoder({ inputShape: [28, 28, 1], width: 4, codeSize: 0 });
    expect(shapes(small)).toEqual({ local: [7, 7, 16], global: [32], conv: [4, 4, 32], pool: [32] });
    small.dispose();
    const big = resnetEncoder({ inputShape: [64, 64, 3], width: 4, stem: 'imagenet' });
    expect(shapes(big)).toEqual({ local: [4, 4, 16], global: [64], conv: [2, 2, 32], pool: [32], code: [64] });
    big.dispose();
  });

  test("ResNet-18 layout: width 64 with the ImageNet stem has ResNet-18's 11.18M conv/BN parameters", () => {
    const enc = resnetEncoder({ inputShape: [64, 64, 3], width: 64, stem: 'imagenet', codeSize: 0 });
    // torchvision's resnet18 has 11,689,512 parameters, 513,000 of them in its 1000-way fc;
    // tfjs also counts BN moving statistics (2 per channel of every BN layer: 9,600).
    expect(enc.model.countParams()).toBe(11689512 - 513000 + 9600);
    enc.dispose();
  });

  test('MLP on 28×28×1: local is the last hidden layer as a 1×1 map', () => {
    const enc = mlpEncoder({ inputShape: [28, 28, 1] });
    expect(shapes(enc)).toEqual({ local: [1, 1, 512], global: [64], fc: [512], code: [64] });
    enc.dispose();
  });
});

describe('patch encoder (CPC)', () => {
  const inner = {
    kind: 'dcgan' as const,
    inputShape: [8, 8, 1] as [number, number, number],
    filters: [4, 8],
    fc: [16],
    codeSize: 6,
    seed: 7,
  };

  test('each patch code equals the shared encoder applied to that patch alone; global is their mean', () => {
    const enc = buildEncoder({ kind: 'patch', grid: [3, 2], encoder: inner });
    const single = buildEncoder(inner);
    const grid = testImages([2, 3, 2, 8, 8, 1]);
    const out = enc.encode(grid);
    expect(out.local.shape).toEqual([2, 3, 2, 6]);
    expect(out.global.shape).toEqual([2, 6]);
    const local = out.local.arraySync();
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 2; c++) {
        const patch = tf.tidy(() => grid.slice([0, r, c], [2, 1, 1]).reshape([2, 8, 8, 1]));
        const alone = single.encode(patch);
        expectClose(
          local.flatMap((img) => img[r][c]),
          alone.global,
          1e-5,
        );
        tf.dispose([patch, alone.local, alone.global, ...Object.values(alone.taps)]);
      }
    }
    const mean = local.map((img) => [0, 1, 2, 3, 4, 5].map((d) => img.flat().reduce((s, v) => s + v[d], 0) / 6));
    expectClose(out.global, mean.flat(), 1e-6);
    tf.dispose([grid, out.local, out.global]);
    enc.dispose();
    single.dispose();
  });
});

describe('bad arguments', () => {
  const expectConfigError = (f: () => unknown, ...parts: string[]) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    for (const p of parts) expect((err as Error).message).toContain(p);
  };

  test('unknown kind, unknown option, bad values: ConfigError naming function and option', () => {
    expectConfigError(
      () => buildEncoder({ kind: 'vgg' } as never),
      'buildEncoder',
      "option 'kind': expected one of dcgan, alexnet, resnet, mlp, patch, got 'vgg'",
    );
    expectConfigError(
      () => buildEncoder({ kind: 'dcgan', inputShape: [28, 28, 1], filter: [8] } as never),
      'buildEncoder',
      "option 'filter': unknown key; known keys: kind, inputShape, filters,",
    );
    expectConfigError(
      () => dcganEncoder({ inputShape: [28, 28] as never }),
      'dcganEncoder',
      "option 'inputShape': expected [height, width, channels] of positive integers, got [28, 28]",
    );
    expectConfigError(
      () => dcganEncoder({ inputShape: [28, 28, 1], filters: [8, -1] }),
      'dcganEncoder',
      "option 'filters[1]': expected an integer in 1..∞, got -1",
    );
    expectConfigError(
      () => dcganEncoder({ inputShape: [28, 28, 1], localLayer: 2 }),
      'dcganEncoder',
      "option 'localLayer': expected an integer in 0..1 (an index into the conv layers), got 2",
    );
    expectConfigError(() => dcganEncoder({ inputShape: [6, 6, 1] }), 'dcganEncoder', "'inputShape'");
    expectConfigError(() => alexnetEncoder({ inputShape: [14, 14, 3] }), 'alexnetEncoder', "'inputShape'", '15');
    expectConfigError(() => resnetEncoder({ inputShape: [32, 32, 3], stem: 'huge' as never }), 'resnetEncoder', "'stem'");
    expectConfigError(
      () => mlpEncoder({ inputShape: [28, 28, 1], hidden: [] }),
      'mlpEncoder',
      "option 'hidden': expected a list of at least 1 value, each an integer in 1..∞, got []",
    );
    expectConfigError(() => buildEncoder({ kind: 'patch', grid: [3], encoder: inner2() } as never), 'buildEncoder', "'grid'");
    expectConfigError(
      () => buildEncoder({ kind: 'patch', grid: [2, 2], encoder: { kind: 'patch' } } as never),
      'buildEncoder',
      "'encoder.kind'",
    );
  });

  test('encode with the wrong image shape: ShapeError naming Encoder.encode and images', () => {
    const enc = mlpEncoder({ inputShape: [4, 4, 1], hidden: [3], codeSize: 2 });
    const x = tf.zeros([2, 4, 4, 3]);
    expect(() => enc.encode(x)).toThrow(ShapeError);
    expect(() => enc.encode(x)).toThrow(/Encoder\.encode: argument images must have shape \[batch, 4, 4, 1\]; got \[2, 4, 4, 3\]/);
    x.dispose();
    enc.dispose();
  });

  test('Encoder.fromModel on a model not built here: ConfigError', () => {
    const input = tf.input({ shape: [3] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor });
    expect(() => Encoder.fromModel(model)).toThrow(ConfigError);
    model.dispose();
  });
});

function inner2() {
  return { kind: 'mlp' as const, inputShape: [4, 4, 1] as [number, number, number] };
}
