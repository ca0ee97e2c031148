import * as tf from '@tensorflow/tfjs';
import { initEngine, ConfigError, ShapeError } from '@infomax/engine';
import { CMC_LAB_RANGES, labSplit, labToRgb, rgbToLab } from './lab';
import { expectClose, expectNoLeak, testImages, testValues } from './test-utils/helpers';

/** Plain double-precision reference, written from the CIE / sRGB definitions. */
function naiveLab([r, g, b]: number[]): number[] {
  const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const X = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const Y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const Z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const d = 6 / 29;
  const f = (t: number) => (t > d ** 3 ? Math.cbrt(t) : t / (3 * d * d) + 4 / 29);
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}

function pixels(rgb: number[][]): tf.Tensor4D {
  return tf.tensor4d(rgb.flat(), [1, 1, rgb.length, 3]);
}

describe('rgbToLab / labToRgb / labSplit (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('known colours match the CIE reference values within 0.05', () => {
    const cases: Array<[number[], number[]]> = [
      [
        [1, 1, 1],
        [100, 0, 0],
      ],
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      [
        [1, 0, 0],
        [53.24, 80.09, 67.2],
      ],
      [
        [0, 1, 0],
        [87.73, -86.18, 83.18],
      ],
      [
        [0, 0, 1],
        [32.3, 79.19, -107.86],
      ],
      [
        [0.5, 0.5, 0.5],
        [53.39, 0, 0],
      ],
    ];
    const x = pixels(cases.map(([rgb]) => rgb));
    const lab = rgbToLab(x);
    expectClose(
      lab.dataSync(),
      cases.flatMap(([, l]) => l),
      0.05,
    );
    tf.dispose([x, lab]);
  });

  it('random pixels match a plain double-precision reference within 1e-3', () => {
    const values = testValues(64 * 3, 7);
    const rgb = Array.from({ length: 64 }, (_, i) => Array.from(values.subarray(3 * i, 3 * i + 3)));
    const x = pixels(rgb);
    const lab = rgbToLab(x);
    expectClose(lab.dataSync(), rgb.flatMap(naiveLab), 1e-3);
    tf.dispose([x, lab]);
  });

  // Float32 noise of the round trip (Lab's L runs to 100, where one ulp is 7.6e-6): over 20
  // random batches the worst error is 1.0e-5 with the stock XNNPACK matmul and 1.4e-5 with the
  // engine's fused multiply-add GEMM, so 3e-5 bounds rounding while any real mismatch (≥ 1e-3) fails.
  it('labToRgb(rgbToLab(x)) = x within 3e-5, dark pixels included', () => {
    const x = tf.tidy(() => tf.concat([testImages([2, 5, 5, 3], 3), tf.mul(testImages([2, 5, 5, 3], 4), 0.03)]) as tf.Tensor4D);
    const back = tf.tidy(() => labToRgb(rgbToLab(x)));
    expectClose(back.dataSync(), x.dataSync(), 3e-5);
    tf.dispose([x, back]);
  });

  it('the gradient matches central differences of the reference, and is finite at black', () => {
    const values = Array.from(testValues(4 * 3, 11)).map((v) => 0.1 + 0.8 * v);
    const weights = [0.3, -0.7, 1.1];
    const x = tf.tensor4d(values, [1, 2, 2, 3]);
    const w = tf.tensor1d(weights);
    const loss = (v: tf.Tensor) => tf.sum(tf.mul(rgbToLab(v as tf.Tensor4D), w));
    const grad = tf.grad(loss)(x);
    const h = 1e-5;
    const weighted = (rgb: number[]) => naiveLab(rgb).reduce((s, v, i) => s + v * weights[i], 0);
    const expected = values.map((_, i) => {
      const p = Math.floor(i / 3) * 3;
      const up = values.slice(p, p + 3);
      const down = values.slice(p, p + 3);
      up[i - p] += h;
      down[i - p] -= h;
      return (weighted(up) - weighted(down)) / (2 * h);
    });
    const got = grad.dataSync();
    expectClose(got, expected, 2e-3 * Math.max(...expected.map(Math.abs)));
    const black = tf.zeros([1, 1, 1, 3]);
    const atBlack = tf.grad(loss)(black);
    expect(Array.from(atBlack.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, w, grad, black, atBlack]);
  });

  it("labSplit 'cmc' maps each channel's range to [-1, 1]; 'none' returns raw L and ab", () => {
    const x = testImages([2, 3, 3, 3], 5);
    const lab = rgbToLab(x);
    const [l, ab] = labSplit(x);
    const [lRaw, abRaw] = labSplit(x, { scale: 'none' });
    expect(l.shape).toEqual([2, 3, 3, 1]);
    expect(ab.shape).toEqual([2, 3, 3, 2]);
    const raw = lab.dataSync();
    const ranges = [CMC_LAB_RANGES.L, CMC_LAB_RANGES.a, CMC_LAB_RANGES.b];
    const scaled = Array.from(raw, (v, i) => {
      const [lo, hi] = ranges[i % 3];
      return (2 * (v - lo)) / (hi - lo) - 1;
    });
    expectClose(
      l.dataSync(),
      scaled.filter((_, i) => i % 3 === 0),
      1e-5,
    );
    expectClose(
      ab.dataSync(),
      scaled.filter((_, i) => i % 3 !== 0),
      1e-5,
    );
    expectClose(
      lRaw.dataSync(),
      Array.from(raw).filter((_, i) => i % 3 === 0),
      1e-4,
    );
    expectClose(
      abRaw.dataSync(),
      Array.from(raw).filter((_, i) => i % 3 !== 0),
      1e-4,
    );
    tf.dispose([x, lab, l, ab, lRaw, abRaw]);
  });

  it('rejects a 1-channel image, a wrong rank and an unknown scale with typed errors', () => {
    const gray = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    expect(() => rgbToLab(gray)).toThrow(ShapeError);
    expect(() => rgbToLab(gray)).toThrow(/rgbToLab: argument 'images' must have 3 channels.*got 1/);
    expect(() => labToRgb(gray)).toThrow(/labToRgb: argument 'lab' must have 3 channels/);
    expect(() => labSplit(tf.zeros([4, 4, 3]) as unknown as tf.Tensor4D)).toThrow(/labSplit: argument 'images' must have rank 4/);
    const rgb = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    expect(() => labSplit(rgb, { scale: 'unit' as never })).toThrow(ConfigError);
    tf.dispose([gray, rgb]);
  });

  it('leaves no tensors behind, forward and backward', () => {
    const x = testImages([2, 4, 4, 3]);
    expectNoLeak(() => rgbToLab(x));
    expectNoLeak(() => labToRgb(x));
    expectNoLeak(() => labSplit(x));
    expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(rgbToLab(v as tf.Tensor4D)))(x));
    x.dispose();
  });
});
