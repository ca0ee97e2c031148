import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { PriorMatcher } from './dim-prior';
import { buildObjective, trainStep } from './index';
import { expectClose } from './test-utils/expect-close';
import { firstLast, LatentImages } from './test-utils/synthetic';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

test('DIM local, frozen random encoder, InfoNCE: the estimate never exceeds log B ≤ log(B·L), even with trained heads', () => {
  const b = 8;
  const o = buildObjective({
    kind: 'dim',
    inputShape: [16, 16, 1],
    encoder: { kind: 'dcgan', filters: [8, 16], fc: [], codeSize: 16 },
    estimator: 'infonce',
    headUnits: 32,
  });
  const [m1, m2] = o.encoder.localShape;
  const l = m1 * m2;
  const frozen = new Set(o.encoder.trainableVariables);
  const heads = o.variables.filter((v) => !frozen.has(v));
  expect(heads.length).toBe(10); // two heads: 2 dense layers (w, b) + shortcut each
  const data = new LatentImages(16, 1, 4, 5);
  const images = data.next(b);
  const optimizer = tf.train.adam(2e-2);
  const estimates: number[] = [];
  for (let step = 0; step < 80; step++) {
    optimizer.minimize(
      () => {
        const r = o.loss({ images }, { training: true, step });
        estimates.push(r.metrics.mi_local.dataSync()[0]);
        return r.loss;
      },
      false,
      heads,
    );
  }
  const max = Math.max(...estimates);
  // Trained on one batch the heads get near the ceiling, never past it.
  expect(max).toBeGreaterThan(0.75 * Math.log(b));
  expect(max).toBeLessThanOrEqual(Math.log(b) + 1e-5);
  expect(max).toBeLessThan(Math.log(b * l));
  tf.dispose(images);
  data.dispose();
  optimizer.dispose();
  o.dispose();
});

describe('DIM local negatives: batch vs batch+locations', () => {
  const config = (estimator: string, localNegatives: string) => ({
    kind: 'dim',
    inputShape: [16, 16, 1],
    encoder: { kind: 'dcgan', filters: [8, 16], fc: [], codeSize: 16 },
    estimator,
    localNegatives,
    headUnits: 16,
  });
  const values = (estimator: string, negatives: string, images: tf.Tensor4D) => {
    const o = buildObjective(config(estimator, negatives));
    const out = tf.tidy(() => {
      const r = o.loss({ images }, { training: false, step: 0 });
      return [r.loss.dataSync()[0], r.metrics.mi_local.dataSync()[0]];
    });
    o.dispose();
    return out;
  };

  test('JSD averages every negative alike, so both give the same loss and estimate; DV and InfoNCE differ', () => {
    const data = new LatentImages(16, 1, 4, 13);
    const images = data.next(6);
    const before = tf.memory().numTensors;
    expectClose(values('jsd', 'batch+locations', images), values('jsd', 'batch', images), 1e-5);
    for (const estimator of ['dv', 'infonce']) {
      const [a, b] = [values(estimator, 'batch', images), values(estimator, 'batch+locations', images)];
      expect(Math.abs(a[1] - b[1])).toBeGreaterThan(1e-4);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(images);
    data.dispose();
  });

  test('InfoNCE, heads trained on one batch: above log B, never above log((B − 1)·L + 1) ≤ log(B·L)', () => {
    const b = 4;
    const o = buildObjective(config('infonce', 'batch+locations'));
    const [m1, m2] = o.encoder.localShape;
    const l = m1 * m2;
    const frozen = new Set(o.encoder.trainableVariables);
    const heads = o.variables.filter((v) => !frozen.has(v));
    const data = new LatentImages(16, 1, 4, 14);
    const images = data.next(b);
    const optimizer = tf.train.adam(3e-2);
    let max = -Infinity;
    for (let step = 0; step < 60; step++) {
      optimizer.minimize(
        () => {
          const r = o.loss({ images }, { training: true, step });
          max = Math.max(max, r.metrics.mi_local.dataSync()[0]);
          return r.loss;
        },
        false,
        heads,
      );
    }
    expect(max).toBeGreaterThan(Math.log(b));
    expect(max).toBeLessThanOrEqual(Math.log((b - 1) * l + 1) + 1e-5);
    tf.dispose(images);
    data.dispose();
    optimizer.dispose();
    o.dispose();
  });
});

test('prior discriminator, closed form: accuracy reaches Φ(1.5) ≈ 0.93 on N((3, 0), I) codes vs the N(0, I) prior, and 0.5 once the codes are N(0, I)', () => {
  const matcher = new PriorMatcher(2, { distribution: 'gaussian', hidden: [32, 16], learningRate: 1e-2 }, 4);
  const rng = new Rng(9);
  const codes = (shift: number) =>
    tf.tidy(() => tf.add(tf.randomNormal([256, 2], 0, 1, 'float32', rng.tfSeed()), tf.tensor1d([shift, 0])) as tf.Tensor2D);
  const run = (shift: number, steps: number) =>
    Array.from({ length: steps }, () => {
      const z = codes(shift);
      const { prior_disc_loss, prior_accuracy } = matcher.step(z);
      const accuracy = prior_accuracy.dataSync()[0];
      tf.dispose([z, prior_disc_loss, prior_accuracy]);
      return accuracy;
    });
  run(3, 1); // creates Adam's slots
  const before = tf.memory().numTensors;
  const [, apart] = firstLast(run(3, 200), 30);
  const [, matched] = firstLast(run(0, 30), 30);
  expect(tf.memory().numTensors).toBe(before);
  // Bayes accuracy for unit-variance Gaussians 3 apart is Φ(1.5) = 0.933; one batch of 2×256 has sd ≈ 0.011.
  expect(apart).toBeGreaterThan(0.89);
  expect(apart).toBeLessThan(0.96);
  expect(Math.abs(matched - 0.5)).toBeLessThan(0.04);
  matcher.dispose();
});

test('prior matching: a trained discriminator tells the codes apart, then the encoder’s γ term fools it within a few dozen steps', () => {
  const o = buildObjective({
    kind: 'dim',
    inputShape: [16, 16, 1],
    encoder: { kind: 'mlp', hidden: [32], codeSize: 2 },
    beta: 0,
    gamma: 1,
    prior: { distribution: 'uniform', hidden: [32, 16], learningRate: 1e-3 },
  });
  const data = new LatentImages(16, 1, 4, 6);
  // Phase 1: the discriminator alone, against the random encoder's codes.
  const early: number[] = [];
  for (let step = 0; step < 60; step++) {
    const images = data.next(64);
    const m = o.auxiliaryStep!({ images }, { step }) as Record<string, tf.Scalar>;
    early.push(m.prior_accuracy.dataSync()[0]);
    tf.dispose([images, ...Object.values(m)]);
  }
  // Phase 2: the encoder learns to fool it.
  const optimizer = tf.train.adam(5e-4);
  const late: number[] = [];
  for (let step = 0; step < 30; step++) {
    const images = data.next(64);
    late.push(trainStep(o, optimizer, { images }, step).prior_accuracy);
    images.dispose();
  }
  const [, trained] = firstLast(early, 10);
  const [, fooled] = firstLast(late, 10);
  expect(trained).toBeGreaterThan(0.75);
  expect(fooled).toBeLessThan(0.6);
  data.dispose();
  optimizer.dispose();
  o.dispose();
});

describe('DIM crossViews: view 1 global heads against view 2 local heads, and back', () => {
  const base = {
    kind: 'dim',
    inputShape: [16, 16, 1],
    encoder: { kind: 'dcgan', filters: [8, 16], fc: [], codeSize: 16 },
    estimator: 'infonce',
    headUnits: 32,
    seed: 5,
  } as const;
  const images = () => new LatentImages(16, 1, 4, 9).next(8);

  test('invariance: with augmentations that change nothing, the two views are one image and the loss is the one-view loss', () => {
    const x = images();
    const one = buildObjective({ ...base, augment: [{ kind: 'horizontalFlip', p: 0 }] });
    const two = buildObjective({ ...base, augment: [{ kind: 'horizontalFlip', p: 0 }], crossViews: true });
    for (const training of [true, false]) {
      const a = one.loss({ images: x }, { training, step: 3 });
      const b = two.loss({ images: x }, { training, step: 3 });
      expectClose(b.loss.dataSync()[0], a.loss.dataSync()[0], 1e-6);
      expectClose(b.metrics.mi_local.dataSync()[0], a.metrics.mi_local.dataSync()[0], 1e-6);
      tf.dispose([a.loss, b.loss, ...Object.values(a.metrics), ...Object.values(b.metrics)]);
    }
    tf.dispose(x);
    one.dispose();
    two.dispose();
  });

  test('views that differ: InfoNCE stays ≤ log B, the estimate rises with training, and a step leaves no tensor behind', () => {
    const x = images();
    const o = buildObjective({ ...base, augment: [{ kind: 'gaussianNoise', std: 0.2 }], crossViews: true });
    const optimizer = tf.train.adam(3e-3);
    const estimates: number[] = [];
    for (let step = 0; step < 40; step++) {
      const m = trainStep(o, optimizer, { images: x }, step);
      estimates.push(m.mi_local);
      if (step === 20) {
        const before = tf.memory().numTensors;
        trainStep(o, optimizer, { images: x }, 100);
        expect(tf.memory().numTensors).toBe(before);
      }
    }
    expect(Math.max(...estimates)).toBeLessThanOrEqual(Math.log(8) + 1e-5);
    const [first, last] = firstLast(estimates, 5);
    expect(last).toBeGreaterThan(first + 0.3);
    expect(o.split?.()).toBeNull();
    tf.dispose(x);
    o.dispose();
    optimizer.dispose();
  });

  test.each([
    [{}, /crossViews.*without augment/],
    [{ augment: [{ kind: 'horizontalFlip' }], alpha: 0.5 }, /crossViews.*global term/],
    [{ augment: [{ kind: 'horizontalFlip' }], localNegatives: 'batch+locations' }, /crossViews.*batch\+locations/],
  ])('refused: crossViews with %j', (extra, message) => {
    expect(() => buildObjective({ ...base, ...extra, crossViews: true } as never)).toThrow(message);
  });
});
