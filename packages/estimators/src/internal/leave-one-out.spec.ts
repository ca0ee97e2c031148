import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { logLeaveOneOutMeanExp } from './leave-one-out';
import { expectAllClose } from '../test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

/** log mean_{k≠j} e^{s[i][k]}, float64, shifted by the max over k≠j so nothing overflows. */
function naive(rows: number[][]): number[] {
  return rows.flatMap((row) =>
    row.map((_, j) => {
      const rest = row.filter((_, k) => k !== j);
      const m = Math.max(...rest);
      return m + Math.log(rest.reduce((a, v) => a + Math.exp(v - m), 0) / rest.length);
    }),
  );
}

const cases: Array<[string, number[][]]> = [
  ['random 5×5', Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, k) => 3 * Math.sin(7 * i + 3 * k + 1)))],
  [
    'a unique maximum 300 above the rest (float32 e^300 overflows)',
    [
      [300, 0, 1, -1],
      [0, 2, 1, 3],
      [5, 5, 4, 1],
      [-50, -60, -70, -80],
    ],
  ],
  [
    'tied maxima',
    [
      [3, 3, 0, 1],
      [1, 1, 1, 1],
      [7, -1, 7, 7],
      [0, 0, 0, 2],
    ],
  ],
  [
    'every other entry 120 below the maximum (the rest underflows relative to it)',
    [
      [0, -120, -121, -122],
      [-120, 0, -120, -120],
      [1, 2, 3, 4],
      [9, 8, 7, 6],
    ],
  ],
];

test.each(cases)('%s: matches the float64 leave-one-out log-mean-exp', (_, rows) => {
  const s = tf.tensor3d(rows.map((r) => r.map((v) => [v])));
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => logLeaveOneOutMeanExp(s));
  expect(tf.memory().numTensors).toBe(before + 1);
  expectAllClose(out.dataSync(), naive(rows), 1e-4);
  tf.dispose([s, out]);
});

test('its gradient stays finite where one branch is discarded', () => {
  const s = tf.tensor3d([
    [[300], [0], [1]],
    [[2], [2], [0]],
    [[0], [-150], [-200]],
  ]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(logLeaveOneOutMeanExp(t as tf.Tensor3D)))(s);
  expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
  tf.dispose([s, g]);
});
