import * as tf from '@tensorflow/tfjs';
import { initEngine, ConfigError, Rng } from '@infomax/engine';
import { horizontalFlip } from './horizontal-flip';
import { expectClose, expectNoLeak, testImages } from './test-utils/helpers';

/** Which images of `y` equal the mirror of `x` (true) or `x` itself (false); throws if neither. */
function flippedWhich(x: tf.Tensor4D, y: tf.Tensor4D): boolean[] {
  const xs = x.arraySync();
  const ys = y.arraySync();
  return xs.map((img, b) => {
    const same = JSON.stringify(ys[b]) === JSON.stringify(img);
    const mirror = JSON.stringify(ys[b]) === JSON.stringify(img.map((row) => [...row].reverse()));
    if (same === mirror) throw new Error(`image ${b} is neither the original nor its mirror`);
    return mirror;
  });
}

describe('horizontalFlip (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('each image is either itself or its exact mirror; p = 1 flips all, p = 0 none', () => {
    const x = testImages([16, 5, 6, 3]);
    const y = horizontalFlip(x, { rng: 3 });
    const which = flippedWhich(x, y);
    expect(which.some((f) => f) && which.some((f) => !f)).toBe(true);
    const all = horizontalFlip(x, { rng: 3, p: 1 });
    const none = horizontalFlip(x, { rng: 3, p: 0 });
    expect(flippedWhich(x, all).every((f) => f)).toBe(true);
    expectClose(none.dataSync(), x.dataSync(), 0);
    tf.dispose([x, y, all, none]);
  });

  it('the same seed gives the same flips; an advancing Rng and other seeds differ', () => {
    const x = testImages([32, 2, 3, 1]);
    const a = flippedWhich(
      x,
      tf.tidy(() => horizontalFlip(x, { rng: 11 })),
    );
    const b = flippedWhich(
      x,
      tf.tidy(() => horizontalFlip(x, { rng: 11 })),
    );
    const c = flippedWhich(
      x,
      tf.tidy(() => horizontalFlip(x, { rng: 12 })),
    );
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    const rng = new Rng(11);
    const first = flippedWhich(
      x,
      tf.tidy(() => horizontalFlip(x, { rng })),
    );
    const second = flippedWhich(
      x,
      tf.tidy(() => horizontalFlip(x, { rng })),
    );
    expect(first).toEqual(a);
    expect(second).not.toEqual(first);
    tf.dispose(x);
  });

  it('gradient of sum(flip(x)·w) is w mirrored for flipped images, w for the others', () => {
    const x = testImages([8, 1, 4, 1]);
    const w = tf.tile(tf.tensor4d([1, 2, 3, 4], [1, 1, 4, 1]), [8, 1, 1, 1]);
    const which = flippedWhich(
      x,
      tf.tidy(() => horizontalFlip(x, { rng: 5 })),
    );
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(horizontalFlip(v as tf.Tensor4D, { rng: 5 }), w)))(x);
    expectClose(
      g.dataSync(),
      which.flatMap((f) => (f ? [4, 3, 2, 1] : [1, 2, 3, 4])),
      0,
    );
    tf.dispose([x, w, g]);
  });

  it('rejects a missing rng and p outside [0, 1] with typed errors; leaves no tensors behind', () => {
    const x = testImages([2, 4, 4, 1]);
    expect(() => horizontalFlip(x, {} as never)).toThrow(ConfigError);
    expect(() => horizontalFlip(x, {} as never)).toThrow(
      /horizontalFlip: option 'rng': expected an Rng from @infomax\/engine or a finite seed number, got undefined$/,
    );
    expect(() => horizontalFlip(x, { rng: 1, p: 1.5 })).toThrow(/horizontalFlip: option 'p': expected a number in \[0, 1\], got 1.5$/);
    const rng = new Rng(1);
    expectNoLeak(() => horizontalFlip(x, { rng }));
    x.dispose();
  });
});
