import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { separableCritic } from './separable-critic';
import { bilinearCritic } from './bilinear-critic';
import { concatCritic } from './concat-critic';
import type { Critic } from './types';
import { ConfigError, ShapeError } from '../errors';
import { expectAllClose, randomScores } from '../test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

type Matrix = number[][];
const matmul = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const addBias = (a: Matrix, b: number[]): Matrix => a.map((row) => row.map((v, j) => v + b[j]));
const relu = (a: Matrix): Matrix => a.map((row) => row.map((v) => Math.max(0, v)));
const tanh = (a: Matrix): Matrix => a.map((row) => row.map(Math.tanh));
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const unit = (a: number[]) => a.map((v) => v / Math.sqrt(dot(a, a)));

/** Plain-JS MLP: weights/biases as read from the variables; ReLU (or tanh) on all but the last layer. */
function naiveMlp(x: Matrix, weights: Matrix[], biases: number[][], act: (a: Matrix) => Matrix = relu): Matrix {
  let h = x;
  weights.forEach((w, i) => {
    h = addBias(matmul(h, w), biases[i]);
    if (i + 1 < weights.length) h = act(h);
  });
  return h;
}

const values = (critic: Critic) => critic.variables.map((v) => v.arraySync() as Matrix & number[]);

describe('separableCritic', () => {
  test('B=5, M=3, hidden [8, 8] → 4: scores[i, k] = g(x_i)·h(y_k), as a plain-JS MLP computes it', () => {
    const critic = separableCritic({ xDim: 3, yDim: 2, hidden: [8, 8], embedDim: 4, seed: 5 });
    const x = randomScores(1, [5, 3]) as tf.Tensor2D;
    const y = randomScores(2, [3, 2]) as tf.Tensor2D;
    const v = values(critic); // g: w0, w1, w2, b0, b1, b2; then h the same.
    const g = naiveMlp(x.arraySync(), v.slice(0, 3) as Matrix[], v.slice(3, 6) as unknown as number[][]);
    const h = naiveMlp(y.arraySync(), v.slice(6, 9) as Matrix[], v.slice(9, 12) as unknown as number[][]);
    const expected = g.map((gi) => h.map((hk) => dot(gi, hk)));
    const s = critic.scores(x, y);
    expect(s.shape).toEqual([5, 3]);
    expectAllClose(s.dataSync(), expected.flat(), 1e-4);
    tf.dispose([x, y, s]);
    critic.dispose();
  });

  test('cosine with temperature 0.5: scores are cos(g(x), h(y)) / 0.5', () => {
    // tanh, so that no embedding is an all-zero row (whose cosine is undefined).
    const critic = separableCritic({
      xDim: 3,
      yDim: 3,
      hidden: [6],
      embedDim: 4,
      activation: 'tanh',
      cosine: true,
      temperature: 0.5,
      seed: 2,
    });
    const plain = separableCritic({ xDim: 3, yDim: 3, hidden: [6], embedDim: 4, activation: 'tanh', seed: 2 });
    const x = randomScores(3, [4, 3]) as tf.Tensor2D;
    const v = values(plain);
    const g = naiveMlp(x.arraySync(), v.slice(0, 2) as Matrix[], v.slice(2, 4) as unknown as number[][], tanh);
    const h = naiveMlp(x.arraySync(), v.slice(4, 6) as Matrix[], v.slice(6, 8) as unknown as number[][], tanh);
    const expected = g.map((gi) => h.map((hk) => dot(unit(gi), unit(hk)) / 0.5));
    const s = critic.scores(x, x);
    expectAllClose(s.dataSync(), expected.flat(), 1e-4);
    tf.dispose([x, s]);
    critic.dispose();
    plain.dispose();
  });
});

describe('bilinearCritic', () => {
  test('B=4, M=6: scores = x W yᵀ / τ', () => {
    const critic = bilinearCritic({ xDim: 3, yDim: 5, temperature: 2, seed: 9 });
    const x = randomScores(4, [4, 3]) as tf.Tensor2D;
    const y = randomScores(5, [6, 5]) as tf.Tensor2D;
    const w = values(critic)[0] as Matrix;
    const expected = matmul(x.arraySync(), w).map((xw) => (y.arraySync() as Matrix).map((yk) => dot(xw, yk) / 2));
    const s = critic.scores(x, y);
    expect(s.shape).toEqual([4, 6]);
    expectAllClose(s.dataSync(), expected.flat(), 1e-5);
    tf.dispose([x, y, s]);
    critic.dispose();
  });

  test('cosine: scaling x or y by a positive factor changes nothing', () => {
    const critic = bilinearCritic({ xDim: 3, yDim: 3, cosine: true, seed: 1 });
    const x = randomScores(6, [4, 3]) as tf.Tensor2D;
    const y = randomScores(7, [4, 3]) as tf.Tensor2D;
    const [a, b] = tf.tidy(() => [critic.scores(x, y), critic.scores(tf.mul(x, 7), tf.mul(y, 0.1))]);
    expectAllClose(b.dataSync(), a.dataSync(), 1e-5);
    tf.dispose([x, y, a, b]);
    critic.dispose();
  });
});

describe('concatCritic', () => {
  test('B=4, M=3, hidden [8, 6]: scores[i, k] = MLP([x_i, y_k]) for every pair', () => {
    const critic = concatCritic({ xDim: 2, yDim: 3, hidden: [8, 6], seed: 4 });
    const x = randomScores(8, [4, 2]) as tf.Tensor2D;
    const y = randomScores(9, [3, 3]) as tf.Tensor2D;
    const [wx, wy, b0, w1, w2, b1, b2] = values(critic);
    const w0 = [...(wx as Matrix), ...(wy as Matrix)]; // [x, y]·W with W the stacked blocks
    const xs = x.arraySync();
    const ys = y.arraySync();
    const expected = xs.map((xi) =>
      ys.map((yk) => naiveMlp([[...xi, ...yk]], [w0, w1, w2] as Matrix[], [b0, b1, b2] as unknown as number[][])[0][0]),
    );
    const s = critic.scores(x, y);
    expect(s.shape).toEqual([4, 3]);
    expectAllClose(s.dataSync(), expected.flat(), 1e-4);
    tf.dispose([x, y, s]);
    critic.dispose();
  });
});

describe.each<[string, (seed: number) => Critic]>([
  ['separableCritic', (seed) => separableCritic({ xDim: 3, yDim: 3, hidden: [5], embedDim: 2, seed })],
  ['bilinearCritic', (seed) => bilinearCritic({ xDim: 3, yDim: 3, seed })],
  ['concatCritic', (seed) => concatCritic({ xDim: 3, yDim: 3, hidden: [5], seed })],
])('%s', (name, make) => {
  test('the same seed gives the same scores, another seed others', () => {
    const [a, b, c] = [make(1), make(1), make(2)];
    const x = randomScores(10, [4, 3]) as tf.Tensor2D;
    const [sa, sb, sc] = [a.scores(x, x), b.scores(x, x), c.scores(x, x)];
    expectAllClose(sb.dataSync(), sa.dataSync(), 0);
    expect(Math.max(...Array.from(tf.sub(sa, sc).abs().dataSync()))).toBeGreaterThan(1e-3);
    tf.dispose([x, sa, sb, sc]);
    [a, b, c].forEach((k) => k.dispose());
  });

  test('every variable receives a non-zero gradient; scores, gradients and dispose leak nothing', () => {
    const x = randomScores(11, [4, 3]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const critic = make(3);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(critic.scores(x, x))) as tf.Scalar, critic.variables);
    expect(Object.keys(grads)).toHaveLength(critic.variables.length);
    for (const g of Object.values(grads)) expect(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    critic.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  test('x or y of the wrong size is a ShapeError naming the argument', () => {
    const critic = make(0);
    const bad = tf.zeros([4, 2]) as tf.Tensor2D;
    const good = tf.zeros([4, 3]) as tf.Tensor2D;
    expect(() => critic.scores(good, bad)).toThrow(ShapeError);
    expect(() => critic.scores(good, bad)).toThrow(
      new RegExp(`^${name}.scores: 'y' must have shape \\[batch, 3\\], got a tensor of shape \\[4,2\\]`),
    );
    expect(() => critic.scores(bad, good)).toThrow(/'x' must have shape/);
    tf.dispose([bad, good]);
    critic.dispose();
  });
});

test('bad options are ConfigErrors naming the critic and option', () => {
  expect(() => separableCritic({ xDim: 0, yDim: 2 })).toThrow(ConfigError);
  expect(() => separableCritic({ xDim: 2, yDim: 2, embedDim: 1.5 })).toThrow(
    /separableCritic: option 'embedDim' must be a positive integer/,
  );
  expect(() => bilinearCritic({ xDim: 2, yDim: 2, temperature: 0 })).toThrow(/bilinearCritic: option 'temperature'/);
  expect(() => concatCritic({ xDim: 2, yDim: 2, hidden: [] })).toThrow(/concatCritic: option 'hidden' must be an array of at least 1/);
  expect(() => concatCritic({ xDim: 2, yDim: 2, activation: 'gelu' as never })).toThrow(
    /concatCritic: option 'activation' must be one of 'relu', 'elu', 'tanh', 'linear'/,
  );
});
