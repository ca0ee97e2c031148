import * as tf from '@tensorflow/tfjs';
import { initEngine, ConfigError, Rng, ShapeError } from '@infomax/engine';
import { multiView } from './multi-view';
import { halves } from './halves';
import { horizontalFlip } from './horizontal-flip';
import { colorJitter } from './color-jitter';
import { labSplit } from './lab';
import { expectClose, expectNoLeak, testImages } from './test-utils/helpers';

describe('multiView (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('returns each view in order, splits flattened: [identity (a copy), top, bottom, L, ab]', () => {
    const x = testImages([2, 4, 4, 3]);
    const views = multiView([(v) => v, halves, (v) => labSplit(v)])(x);
    expect(views.map((t) => t.shape)).toEqual([
      [2, 4, 4, 3],
      [2, 2, 4, 3],
      [2, 2, 4, 3],
      [2, 4, 4, 1],
      [2, 4, 4, 2],
    ]);
    const [top, bottom] = halves(x);
    const [l, ab] = labSplit(x);
    expectClose(views[0].dataSync(), x.dataSync(), 0);
    expectClose(views[1].dataSync(), top.dataSync(), 0);
    expectClose(views[3].dataSync(), l.dataSync(), 0);
    tf.dispose(views);
    expect(x.isDisposed).toBe(false);
    tf.dispose([x, top, bottom, l, ab]);
  });

  it('two views drawing from one Rng differ; the whole composition repeats for the same seed', () => {
    const x = testImages([8, 4, 4, 3]);
    const pair = (seed: number) => {
      const rng = new Rng(seed);
      const aug = (v: tf.Tensor4D) => colorJitter(horizontalFlip(v, { rng }), { rng, brightness: 0.5 });
      return multiView([aug, aug])(x);
    };
    const [a, b] = pair(1);
    const [c, d] = pair(1);
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    expectClose(c.dataSync(), a.dataSync(), 0);
    expectClose(d.dataSync(), b.dataSync(), 0);
    tf.dispose([x, a, b, c, d]);
  });

  it('frees the intermediates of chained views: only the views remain', () => {
    const x = testImages([4, 6, 6, 3]);
    const rng = new Rng(2);
    const compose = multiView([
      (v) => colorJitter(horizontalFlip(v, { rng }), { rng, brightness: 0.4, saturation: 0.4 }),
      (v) => halves(horizontalFlip(v, { rng })),
    ]);
    expectNoLeak(() => compose(x));
    x.dispose();
  });

  it('rejects an empty list, non-functions and a non-batch with typed errors', () => {
    expect(() => multiView([])).toThrow(ConfigError);
    expect(() => multiView([(v) => v, 3 as never])).toThrow(/multiView: argument 'views' .* got \[function, number\]/);
    const flat = tf.zeros([4, 4, 3]);
    expect(() => multiView([(v) => v])(flat as unknown as tf.Tensor4D)).toThrow(ShapeError);
    flat.dispose();
  });
});
