import * as tf from '@tensorflow/tfjs';
import { ConfigError, initEngine } from '@infomax/engine';
import { buildObjective, OBJECTIVE_KINDS } from './index';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const SMALL = { kind: 'dcgan', filters: [8, 16], fc: [], codeSize: 8 };

describe('config round-trips through JSON: same config, same initial weights; dispose frees every tensor', () => {
  test.each([
    [{ kind: 'dim', inputShape: [28, 28, 1] }],
    [
      {
        kind: 'dim',
        inputShape: [16, 16, 1],
        encoder: SMALL,
        alpha: 1,
        beta: 0,
        gamma: 0.1,
        estimator: 'dv',
        prior: { distribution: 'gaussian', hidden: [8] },
        seed: 3,
      },
    ],
    [{ kind: 'cmc', inputShape: [16, 16, 3], encoder: SMALL, views: { kind: 'labChannels' }, mode: 'full', queueSize: 8 }],
    [{ kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'crops', count: 3, scale: [0.5, 1] } }],
    [{ kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'crops', count: 2 }, sharedEncoder: true }],
    [{ kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'halves' }, momentum: 0.99, queueSize: 16 }],
    [{ kind: 'cpc', inputShape: [16, 16, 1], negatives: 'batch', patch: { size: 6 }, offsets: 1 }],
  ])('%j', (given) => {
    const before = tf.memory().numTensors;
    const a = buildObjective(given as never);
    const b = buildObjective(JSON.parse(JSON.stringify(a.config)));
    expect(b.config).toEqual(a.config);
    expect(JSON.parse(JSON.stringify(a.config))).toEqual(a.config);
    expect(b.variables.length).toBe(a.variables.length);
    expect(b.auxiliaryVariables.length).toBe(a.auxiliaryVariables.length);
    [...a.variables, ...a.auxiliaryVariables].forEach((v, i) =>
      expect(Array.from([...b.variables, ...b.auxiliaryVariables][i].dataSync())).toEqual(Array.from(v.dataSync())),
    );
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

test("the default: { kind: 'dim' } at 28×28×1 is DIM(L) with JSD on the DCGAN encoder (7×7×128 local map, fc 1024, 64-d code)", () => {
  const o = buildObjective({ kind: 'dim', inputShape: [28, 28, 1] });
  expect(o.config).toMatchObject({
    estimator: 'jsd',
    alpha: 0,
    beta: 1,
    gamma: 0,
    encoder: { kind: 'dcgan', filters: [64, 128], fc: [1024], codeSize: 64 },
  });
  expect(o.encoder.localShape).toEqual([7, 7, 128]);
  expect(o.encoder.globalSize).toBe(64);
  expect(o.auxiliaryVariables).toEqual([]);
  expect(OBJECTIVE_KINDS).toEqual(['dim', 'cmc', 'cpc', 'simclr', 'infograph']);
  o.dispose();
});

describe('bad configs throw a ConfigError naming the key path, and leak nothing', () => {
  test.each([
    [{ kind: 'dimm', inputShape: [8, 8, 1] }, "'kind'"],
    [{ kind: 'dim' }, "'inputShape'"],
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, gama: 0.1 }, "'gama'"],
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, prior: { hiden: [8] } }, "'prior.hiden'"],
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, prior: { hidden: [8, 0] } }, "'prior.hidden[1]'"],
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, alpha: -1 }, "'alpha'"],
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, beta: 0 }, "'beta'"],
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, estimator: 'mind' }, "'estimator'"],
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, localNegatives: 'batch+locations', estimator: 'interpolated' }, "'estimator'"],
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, augment: { kind: 'horizontalFlip' } }, "'augment'"],
    [
      { kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, augment: [{ kind: 'horizontalFlip' }, { kind: 'blur' }] },
      "'augment[1].kind'",
    ],
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, augment: [{ kind: 'horizontalFlip', prob: 0.5 }] }, "'augment[0].prob'"],
    [
      { kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, augment: [{ kind: 'horizontalFlip', p: 2 }] },
      "'augment[0].p': expected a number in [0, 1], got 2",
    ],
    [
      { kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, augment: [{ kind: 'randomGrayscale' }] },
      "'augment[0]': expected a step that fits images of [16, 16, 1] (randomGrayscale: argument 'images' must have 3 channels",
    ],
    [
      { kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, augment: [{ kind: 'randomResizedCrop', size: 8 }] },
      "'augment[0]': expected a step keeping the image shape [16, 16, 1]",
    ],
    [
      { kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'halves' }, queueSize: 8, estimator: 'interpolated' },
      "'estimator'",
    ],
    [
      { kind: 'cmc', inputShape: [16, 16, 3], encoder: SMALL, augment: [{ kind: 'colorJitter', hue: 0.7 }] },
      "'augment[0].hue': expected a number in [0, 0.5], got 0.7",
    ],
    [{ kind: 'simclr', inputShape: [16, 16, 1], encoder: SMALL, estimator: 'interpolated' }, "'estimator'"],
    [{ kind: 'simclr', inputShape: [16, 16, 1], encoder: SMALL, temperature: 0 }, "'temperature'"],
    [
      { kind: 'simclr', inputShape: [16, 16, 1], encoder: SMALL, augment: [{ kind: 'gaussianNoise' }] },
      "'augment[0].std': expected a finite number ≥ 0, got undefined",
    ],
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: { kind: 'dcgan', filterz: [8] } }, "'encoder'"],
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: { ...SMALL, seed: 1 } }, "'encoder.seed'"],
    [{ kind: 'dim', inputShape: [16, 16, 1], encoder: { kind: 'patch' } }, "'encoder.kind'"],
    [{ kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'lab' } }, "'views.kind'"],
    [{ kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'crops', count: 1 } }, "'views.count'"],
    [{ kind: 'cmc', inputShape: [16, 16, 3], encoder: SMALL, mode: 'star' }, "'mode'"],
    [{ kind: 'cmc', inputShape: [16, 16, 3], encoder: SMALL, temperature: 0 }, "'temperature'"],
    [{ kind: 'cmc', inputShape: [16, 16, 3], encoder: SMALL, views: { kind: 'lab' }, sharedEncoder: true }, "'sharedEncoder'"],
    [{ kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'crops' }, sharedEncoder: 'yes' }, "'sharedEncoder'"],
    [
      { kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'halves' }, momentum: 1 },
      "'momentum': expected a number in [0, 1), got 1",
    ],
    [{ kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'halves' }, momentum: -0.5 }, "'momentum'"],
    [{ kind: 'cpc', inputShape: [16, 16, 1], negatives: 'all' }, "'negatives'"],
    [{ kind: 'cpc', inputShape: [16, 16, 1], offsets: 3 }, "'offsets'"],
    [{ kind: 'cpc', inputShape: [16, 16, 1], context: { cols: 2 } }, "'context.cols'"],
    [{ kind: 'cpc', inputShape: [16, 16, 1], patch: { size: 12 } }, "'patch'"],
  ])('%j → %s', (config, key) => {
    const before = tf.memory().numTensors;
    expect(() => buildObjective(config as never)).toThrow(ConfigError);
    expect(() => buildObjective(config as never)).toThrow(new RegExp(`buildObjective: config key ${key.replace(/[[\]().]/g, '\\$&')}`));
    expect(tf.memory().numTensors).toBe(before);
  });
});
