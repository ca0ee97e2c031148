/**
 * Every bound's estimate, loss and gradient on webgpu (SwiftShader) against cpu, with
 * [B, B, L] scores, extra negative columns and a negative mask wherever the bound takes them.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { dv, infoNce, interpolated, jsd, Mine, nwj, smile, tuba, type BoundResult, type NegativeOptions } from '@infomax/estimators';
import { relativeError } from '../../../packages/engine/src/test-utils/kernel-harness';
import { describeWebgpu, valuesOn } from './test-utils/webgpu';

const rng = new Rng(3);
const [b, l, q] = [6, 4, 3];
const scores = Float32Array.from({ length: b * b * l }, () => 2 * rng.normal());
const extra = Float32Array.from({ length: b * q * l }, () => 2 * rng.normal());
// Each row's own image at offset ±1 is neither positive nor negative.
const mask = Float32Array.from({ length: b * b }, (_, i) => (Math.abs(Math.floor(i / b) - (i % b)) <= 1 ? 0 : 1));

type Bound = (s: tf.Tensor, o: NegativeOptions) => BoundResult;
// I_α and MINE take neither extra columns nor a mask: they run on the scores alone.
const BOUNDS: Array<[string, Bound, boolean]> = [
  ['dv', (s, o) => dv(s, o), true],
  ['nwj', (s, o) => nwj(s, o), true],
  ['jsd', (s, o) => jsd(s, o), true],
  ['infoNce', (s, o) => infoNce(s, o), true],
  ['tuba', (s, o) => tuba(s, o), true],
  ['smile', (s, o) => smile(s, { ...o, clip: 2 }), true],
  ['interpolated (α = 0.5)', (s) => interpolated(s, { alpha: 0.5 }), false],
  [
    'Mine (second call: the moving average in play)',
    (s) => {
      const mine = new Mine({ decay: 0.9 });
      tf.dispose(Object.values(mine.bound(tf.mul(s, 0.5))));
      const r = mine.bound(s);
      mine.dispose();
      return r;
    },
    false,
  ],
];

describeWebgpu('every bound on webgpu against cpu: estimate, loss and gradient', () => {
  test.each(BOUNDS)('%s', async (_name, bound, takesOptions) => {
    const run = () => {
      const s = tf.tensor3d(scores, [b, b, l]);
      const options: NegativeOptions = takesOptions
        ? { extra: tf.tensor3d(extra, [b, q, l]), negativeMask: tf.tensor2d(mask, [b, b]) }
        : {};
      const r = bound(s, options);
      const g = tf.grad((x: tf.Tensor) => bound(x, options).loss)(s);
      return [r.estimate, r.loss, g];
    };
    const gpu = await valuesOn('webgpu', run);
    const cpu = await valuesOn('cpu', run);
    gpu.forEach((v, i) => expect(relativeError(v, cpu[i])).toBeLessThan(1e-4));
    // Not a vacuous match: a real estimate and a gradient that is not all zero.
    expect(Number.isFinite(gpu[0][0])).toBe(true);
    expect(Math.max(...gpu[2].map(Math.abs))).toBeGreaterThan(1e-4);
  });
});
