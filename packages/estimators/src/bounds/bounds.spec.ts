import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { dv } from './dv';
import { nwj } from './nwj';
import { jsd } from './jsd';
import { infoNce } from './info-nce';
import { tuba } from './tuba';
import { smile } from './smile';
import { interpolated } from './interpolated';
import type { BoundResult, NegativeOptions } from './types';
import { expectAllClose, expectClose, expectNoLeak, randomScores, read, toNested } from '../test-utils/helpers';
import {
  defaultNeg,
  naiveDv,
  naiveInfoNce,
  naiveInterpolated,
  naiveJsd,
  naiveNwj,
  naiveTuba,
  type NaiveInput,
} from '../test-utils/naive-bounds';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

interface Case {
  title: string;
  scores: () => tf.Tensor;
  options: () => NegativeOptions;
}

const shuffleMask = (b: number) => tf.tensor2d(defaultNeg(b, b).map((row, i) => row.map((_, k) => (k === (i + 2) % b ? 1 : 0))));

const cases: Case[] = [
  { title: 'B=6, all in-batch negatives', scores: () => randomScores(1, [6, 6], 4), options: () => ({}) },
  { title: 'B=5 L=3, all in-batch negatives', scores: () => randomScores(2, [5, 5, 3], 6, 1), options: () => ({}) },
  {
    title: 'B=6, one shuffled negative per row',
    scores: () => randomScores(3, [6, 6], 4),
    options: () => ({ negativeMask: shuffleMask(6) }),
  },
  { title: 'B=6 + Q=4 extra negatives', scores: () => randomScores(4, [6, 6], 4), options: () => ({ extra: randomScores(5, [6, 4], 4) }) },
  {
    title: 'B=5 L=2, shuffled + Q=3 extra negatives',
    scores: () => randomScores(6, [5, 5, 2], 4),
    options: () => ({ negativeMask: shuffleMask(5), extra: randomScores(7, [5, 3, 2], 4) }),
  },
];

/** The naive input of a case: scores with the extra columns appended, and the mask. */
function naiveInput(scores: tf.Tensor, options: NegativeOptions): NaiveInput {
  const s = toNested(scores);
  const b = s.length;
  const extra = options.extra ? toNested(options.extra) : s.map(() => []);
  const neg = options.negativeMask
    ? (options.negativeMask.arraySync() as number[][]).map((row) => [...row, ...extra[0].map(() => 1)])
    : defaultNeg(b, b + extra[0].length);
  return { s: s.map((row, i) => [...row, ...extra[i]]), neg };
}

describe.each(cases)('$title', ({ scores, options }) => {
  let s: tf.Tensor;
  let opts: NegativeOptions;
  let input: NaiveInput;
  beforeAll(() => {
    s = scores();
    opts = options();
    input = naiveInput(s, opts);
  });
  afterAll(() => {
    s.dispose();
    opts.negativeMask?.dispose();
    opts.extra?.dispose();
  });

  const check = (name: string, run: () => BoundResult, estimate: () => number, loss: () => number) => {
    test(`${name} matches the float64 formula`, () => {
      const r = read(run());
      expectClose(r.estimate, estimate(), 1e-4);
      expectClose(r.loss, loss(), 1e-4);
    });
  };
  check(
    'dv',
    () => dv(s, opts),
    () => naiveDv(input),
    () => -naiveDv(input),
  );
  check(
    'nwj',
    () => nwj(s, opts),
    () => naiveNwj(input),
    () => -naiveNwj(input),
  );
  check(
    'infoNce',
    () => infoNce(s, opts),
    () => naiveInfoNce(input),
    () => -naiveInfoNce(input),
  );
  check(
    'jsd report=jsd',
    () => jsd(s, { ...opts, report: 'jsd' }),
    () => naiveJsd(input),
    () => -naiveJsd(input),
  );
  // A JSD critic T estimates log-ratio; NWJ is read off T + 1.
  check(
    'jsd report=nwj',
    () => jsd(s, opts),
    () => naiveTuba(input, () => 0),
    () => -naiveJsd(input),
  );
  check(
    'jsd report=dv',
    () => jsd(s, { ...opts, report: 'dv' }),
    () => naiveDv(input),
    () => -naiveJsd(input),
  );
  check(
    'tuba, constant baseline',
    () => tuba(s, { ...opts, logBaseline: 0.7 }),
    () => naiveTuba(input, () => 0.7),
    () => -naiveTuba(input, () => 0.7),
  );
  check(
    'tuba, per-row baseline [B]',
    () => tf.tidy(() => tuba(s, { ...opts, logBaseline: tf.linspace(-1, 1, s.shape[0]) })),
    () => naiveTuba(input, (i) => -1 + (2 * i) / (s.shape[0] - 1)),
    () => -naiveTuba(input, (i) => -1 + (2 * i) / (s.shape[0] - 1)),
  );
  check(
    'smile clip=1, smile-trained',
    () => smile(s, { ...opts, clip: 1, train: 'smile' }),
    () => naiveDv(input, 1),
    () => -naiveDv(input, 1),
  );
  check(
    'smile clip=5, jsd-trained',
    () => smile(s, opts),
    () => naiveDv(input, 5),
    () => -naiveJsd(input),
  );
  check(
    'smile clip=Infinity is DV',
    () => smile(s, { ...opts, clip: Infinity }),
    () => naiveDv(input),
    () => -naiveJsd(input),
  );

  test('no bound leaks tensors', () => {
    expectNoLeak(() => {
      for (const r of [dv(s, opts), nwj(s, opts), jsd(s, opts), infoNce(s, opts), tuba(s, opts), smile(s, opts)]) read(r);
    });
  });
});

describe('interpolated (I_α, Poole et al. 2019)', () => {
  const alphas = [0, 0.01, 0.5, 1];
  test.each(alphas)('B=6 L=2, alpha=%p, per-row baseline: matches the float64 formula', (alpha) => {
    const s = randomScores(11, [6, 6, 2], 4);
    const base = tf.tensor2d([
      [0.1, -0.3],
      [0.5, 0.2],
      [-0.4, 0],
      [0.3, 0.3],
      [0, 1],
      [-1, 0.5],
    ]);
    const b = base.arraySync();
    const r = read(interpolated(s, { alpha, logBaseline: base }));
    const expected = naiveInterpolated(toNested(s), alpha, (i, l) => b[i][l]);
    expectClose(r.estimate, expected, 1e-4);
    expectClose(r.loss, -expected, 1e-4);
    tf.dispose([s, base]);
  });

  test('alpha=0 equals TUBA with the same baseline', () => {
    const s = randomScores(12, [7, 7], 3);
    expectClose(read(interpolated(s, { alpha: 0, logBaseline: 0.4 })).estimate, read(tuba(s, { logBaseline: 0.4 })).estimate, 1e-5);
    s.dispose();
  });

  test('a unique row maximum 200 nats above the rest stays finite and exact', () => {
    // The leave-one-out mean leaving out that maximum must not be computed as total − max.
    const v = randomScores(13, [5, 5], 2).arraySync() as number[][];
    v[2][2] = 200;
    const s = tf.tensor2d(v);
    const expected = naiveInterpolated(toNested(s), 1, () => 0);
    const r = read(interpolated(s, { alpha: 1 }));
    expect(Number.isFinite(r.estimate)).toBe(true);
    // exp(200) overflows float32 but not float64: compare in the log domain's terms.
    expectClose(r.estimate, expected, 1e-3);
    s.dispose();
  });

  test('B=5 L=2, alpha=0.3: gradients w.r.t. scores and a [B] baseline match central differences', () => {
    const s = randomScores(15, [5, 5, 2], 3);
    const base = tf.tensor1d([0.2, -0.1, 0.4, 0, 0.3]);
    const f = (t: tf.Tensor, b: tf.Tensor) => interpolated(t, { alpha: 0.3, logBaseline: b }).estimate;
    const [gs, gb] = tf.grads(f)([s, base]);
    const numeric = (which: 0 | 1, index: number) => {
      const h = 1e-2;
      const shifted = (sign: number) =>
        tf.tidy(() => {
          const src = which === 0 ? s : base;
          const delta = tf.buffer(src.shape);
          delta.values[index] = sign * h;
          const moved = tf.add(src, delta.toTensor());
          return read(
            which === 0 ? interpolated(moved, { alpha: 0.3, logBaseline: base }) : interpolated(s, { alpha: 0.3, logBaseline: moved }),
          ).estimate;
        });
      return (shifted(1) - shifted(-1)) / (2 * h);
    };
    const gsv = gs.dataSync();
    for (const i of [0, 7, 13, 24, 49]) expectClose(gsv[i], numeric(0, i), 2e-3);
    const gbv = gb.dataSync();
    for (let i = 0; i < 5; i++) expectClose(gbv[i], numeric(1, i), 2e-3);
    tf.dispose([s, base, gs, gb]);
  });

  test('no leaks', () => {
    const s = randomScores(14, [6, 6], 2);
    expectNoLeak(() => read(interpolated(s, { alpha: 0.2, logBaseline: 0.1 })));
    s.dispose();
  });
});

describe('numerical stability (masking after exp)', () => {
  test('B=4: positives at 1000 and negatives at −1000 give finite, exact values', () => {
    const s = tf.tidy(() => tf.add(tf.mul(tf.eye(4), 2000), -1000));
    // DV = 1000 − log mean e^−1000 = 2000; InfoNCE = log 4 − log(1 + 3e−2000) ≈ log 4.
    expectClose(read(dv(s)).estimate, 2000, 1e-2);
    expectClose(read(infoNce(s)).estimate, Math.log(4), 1e-5);
    expectClose(read(smile(s, { clip: 5 })).estimate, 1005, 1e-2);
    // JSD: softplus(−1000) = 0 both ways.
    expectClose(read(jsd(s, { report: 'jsd' })).estimate, 0, 1e-6);
    s.dispose();
  });

  test('B=3: a masked-out positive at +500 cannot overflow the negative term', () => {
    const s = tf.tensor2d([
      [500, 0, 1],
      [2, 500, 0],
      [1, 1, 500],
    ]);
    // Negatives are {0, 1, 2, 0, 1, 1}; DV = 500 − log mean(e^neg).
    const negMean = (1 + Math.E + Math.exp(2) + 1 + Math.E + Math.E) / 6;
    expectClose(read(dv(s)).estimate, 500 - Math.log(negMean), 1e-3);
    expectClose(read(nwj(s)).estimate, 500 - negMean / Math.E, 1e-3);
    s.dispose();
  });
});

describe('gradients', () => {
  test('B=4: dDV/dscores is 1/B on the diagonal and −softmax weights off it', () => {
    const s = randomScores(21, [4, 4], 2);
    const v = s.arraySync() as number[][];
    const g = tf
      .grad((t: tf.Tensor) => dv(t).estimate)(s)
      .arraySync() as number[][];
    let z = 0;
    v.forEach((row, i) => row.forEach((x, k) => (z += k === i ? 0 : Math.exp(x))));
    const expected = v.map((row, i) => row.map((x, k) => (k === i ? 1 / 4 : -Math.exp(x) / z)));
    expectAllClose(g.flat(), expected.flat(), 1e-5);
    s.dispose();
  });
});

describe('gradients of the log-sum-exp bounds (written out, not taped)', () => {
  /** d InfoNCE / d s[i][k][l] = (δ_ik − candidate softmax over k) / (B·L); 0 where the pair is no candidate. */
  const infoNceGrad = (v: number[][][], candidate: (i: number, k: number) => boolean) => {
    const b = v.length;
    const l = v[0][0].length;
    return v.map((row, i) =>
      row.map((cells, k) =>
        cells.map((_, p) => {
          if (!candidate(i, k)) return 0;
          let z = 0;
          row.forEach((c, j) => (z += candidate(i, j) ? Math.exp(c[p]) : 0));
          return ((k === i ? 1 : 0) - Math.exp(v[i][k][p]) / z) / (b * l);
        }),
      ),
    );
  };

  test("B=5 L=3 with one shuffled negative per row: InfoNCE's gradient is the candidate softmax, exactly 0 off the candidates", () => {
    const s = randomScores(31, [5, 5, 3], 3);
    const mask = shuffleMask(5);
    const g = tf.grad((t: tf.Tensor) => infoNce(t, { negativeMask: mask }).estimate)(s);
    const expected = infoNceGrad(s.arraySync() as number[][][], (i, k) => k === i || k === (i + 2) % 5);
    expectAllClose(Array.from(g.dataSync()), expected.flat(2), 1e-6);
    tf.dispose([s, mask, g]);
  });

  test('B=4: positives at 1000 and negatives at −1000 give a finite gradient, (1 − softmax) / B on the diagonal', () => {
    const s = tf.tidy(() => tf.add(tf.mul(tf.eye(4), 2000), -1000));
    const g = tf
      .grad((t: tf.Tensor) => infoNce(t).estimate)(s)
      .dataSync();
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    // softmax of a row: 1 on the positive, e^−2000 ≈ 0 elsewhere, so every entry is 0.
    expectAllClose(Array.from(g), new Array(16).fill(0), 1e-7);
    const dvGrad = tf
      .grad((t: tf.Tensor) => dv(t).estimate)(s)
      .dataSync();
    // DV: 1/B on the diagonal, −1/12 on each of the 12 equal negatives.
    expectAllClose(
      Array.from(dvGrad),
      Array.from({ length: 16 }, (_, j) => (j % 5 === 0 ? 0.25 : -1 / 12)),
      1e-6,
    );
    s.dispose();
  });

  test('the gradient leaks no tensors', () => {
    const s = randomScores(32, [6, 6, 2], 2);
    expectNoLeak(() =>
      tf
        .grad((t: tf.Tensor) => infoNce(t).estimate)(s)
        .dispose(),
    );
    s.dispose();
  });
});
