import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { buildObjective, trainStep, type SimclrObjective } from './index';
import { expectClose } from './test-utils/expect-close';
import { LatentImages } from './test-utils/synthetic';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const SMALL = { kind: 'dcgan', filters: [8, 16], fc: [16], codeSize: 8 };
const BASE = { kind: 'simclr', inputShape: [16, 16, 1], encoder: SMALL, projectionHidden: [16], projectionUnits: 8 };

test('defaults: SimCLR’s augmentations for the channel count, τ = 0.5, InfoNCE; the config rebuilds it', () => {
  const gray = buildObjective({ kind: 'simclr', inputShape: [16, 16, 1], encoder: SMALL });
  const rgb = buildObjective({ kind: 'simclr', inputShape: [16, 16, 3], encoder: SMALL });
  expect(gray.config).toMatchObject({ temperature: 0.5, estimator: 'infonce', projectionHidden: [512], projectionUnits: 128 });
  expect((gray.config.augment as { kind: string }[]).map((s) => s.kind)).toEqual(['randomResizedCrop', 'horizontalFlip', 'colorJitter']);
  expect((rgb.config.augment as { kind: string }[]).map((s) => s.kind)).toEqual([
    'randomResizedCrop',
    'horizontalFlip',
    'colorJitter',
    'randomGrayscale',
  ]);
  const again = buildObjective(JSON.parse(JSON.stringify(gray.config)));
  expect(again.config).toEqual(gray.config);
  [gray, rgb, again].forEach((o) => o.dispose());
});

test('inference: both views are the image, so with one image repeated every score is equal and nt_xent = log(2N − 1)', () => {
  const o = buildObjective(BASE);
  const data = new LatentImages(16, 1, 4, 3);
  const one = data.next(1);
  const images = tf.tile(one, [6, 1, 1, 1]) as tf.Tensor4D;
  const { loss, metrics } = o.loss({ images }, { training: false, step: 0 });
  expectClose(metrics.nt_xent.dataSync(), [Math.log(11)], 1e-5);
  expectClose(metrics.mi.dataSync(), [0], 1e-5);
  expectClose(loss.dataSync(), [0], 1e-5);
  tf.dispose([one, images, loss, ...Object.values(metrics)]);
  data.dispose();
  o.dispose();
});

test('augmentations are a function of (seed, step): the same step gives the same loss, another step another', () => {
  const o = buildObjective(BASE);
  const data = new LatentImages(16, 1, 4, 4);
  const images = data.next(8);
  const at = (step: number) => tf.tidy(() => o.loss({ images }, { training: true, step }).loss.dataSync()[0]);
  expect(at(5)).toBe(at(5));
  expect(at(5)).not.toBe(at(6));
  tf.dispose(images);
  data.dispose();
  o.dispose();
});

test('B=16, 40 Adam steps on two batches of 16×16 latent images, mild crops and flips: NT-Xent falls, the estimate rises, a step leaks no tensors', () => {
  const o = buildObjective({ ...BASE, augment: [{ kind: 'randomResizedCrop', scale: [0.6, 1] }, { kind: 'horizontalFlip' }] });
  const data = new LatentImages(16, 1, 4, 5);
  const batches = [data.next(16), data.next(16)];
  const optimizer = tf.train.adam(3e-3);
  const records: Record<string, number>[] = [];
  let before = 0;
  for (let step = 0; step < 40; step++) {
    if (step === 1) before = tf.memory().numTensors;
    records.push(trainStep(o, optimizer, { images: batches[step % 2] }, step));
    if (step === 1) expect(tf.memory().numTensors).toBe(before);
  }
  const mean = (rs: Record<string, number>[], k: string) => rs.reduce((a, r) => a + r[k], 0) / rs.length;
  expect(mean(records.slice(-8), 'nt_xent')).toBeLessThan(mean(records.slice(0, 8), 'nt_xent') - 0.1);
  expect(mean(records.slice(-8), 'mi')).toBeGreaterThan(mean(records.slice(0, 8), 'mi'));
  expect(records.every((r) => r.mi <= Math.log(31) + 1e-5)).toBe(true);
  tf.dispose(batches);
  optimizer.dispose();
  data.dispose();
  o.dispose();
});

test('estimator mine: its moving average is a buffer, so a resumed objective takes the same steps bit for bit', () => {
  const config = { ...BASE, estimator: 'mine' };
  const data = new LatentImages(16, 1, 4, 6);
  const batches = [0, 1, 2, 3].map(() => data.next(8));
  const a = buildObjective(config) as SimclrObjective;
  const optA = tf.train.sgd(0.05);
  const lossesA = batches.map((images, step) => trainStep(a, optA, { images }, step).loss);
  // Resume after step 1 from the first run's weights and buffers.
  const b = buildObjective(config) as SimclrObjective;
  const c = buildObjective(config) as SimclrObjective;
  const optC = tf.train.sgd(0.05);
  batches.slice(0, 2).forEach((images, step) => trainStep(c, optC, { images }, step));
  b.variables.forEach((v, i) => v.assign(c.variables[i]));
  const saved = c.buffers();
  expect(Object.keys(saved)).toEqual(['bound_views']);
  b.setBuffers(saved);
  const optB = tf.train.sgd(0.05);
  const lossesB = batches.slice(2).map((images, i) => trainStep(b, optB, { images }, i + 2).loss);
  expect(lossesB).toEqual(lossesA.slice(2));
  tf.dispose([...batches, ...Object.values(saved)]);
  [a, b, c].forEach((o) => o.dispose());
  [optA, optB, optC].forEach((o) => o.dispose());
  data.dispose();
});

test('embed is the encoder’s code of the whole image, [B, codeSize]', () => {
  const o = buildObjective(BASE);
  const images = tf.zeros([3, 16, 16, 1]) as tf.Tensor4D;
  const e = o.embed!(images);
  expect(e.shape).toEqual([3, 8]);
  tf.dispose([images, e]);
  o.dispose();
});
