import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { derangement, permuteRows, shuffleNegatives } from './shuffle';
import { MemoryQueue } from './memory-queue';
import { dv } from '../bounds/dv';
import { infoNce } from '../bounds/info-nce';
import { ConfigError, ShapeError } from '../errors';
import { separableCritic } from '../critics/separable-critic';
import { concatCritic } from '../critics/concat-critic';
import { bilinearCritic } from '../critics/bilinear-critic';
import { expectAllClose, expectClose, expectNoLeak, randomScores, read } from '../test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

describe('shuffle negatives (MINE)', () => {
  test('derangement of 50: a permutation without fixed points; same seed, same σ', () => {
    const sigma = derangement(new Rng(4), 50);
    expect([...sigma].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    sigma.forEach((j, i) => expect(j).not.toBe(i));
    expect(derangement(new Rng(4), 50)).toEqual(sigma);
  });

  test('σ(0) is uniform over the other indices (n=4, 6000 draws, each ≈ 1/3)', () => {
    const rng = new Rng(9);
    const counts = [0, 0, 0, 0];
    for (let t = 0; t < 6000; t++) counts[derangement(rng, 4)[0]]++;
    expect(counts[0]).toBe(0);
    for (const c of counts.slice(1)) expectClose(c / 6000, 1 / 3, 0.03);
  });

  test('B=6: the mask has one 1 per row at σ(i), and DV on it uses exactly those pairs', () => {
    const mask = shuffleNegatives(new Rng(2), 6);
    const m = mask.arraySync();
    const s = randomScores(3, [6, 6], 3);
    const v = s.arraySync() as number[][];
    m.forEach((row, i) => {
      expect(row.reduce((a, b) => a + b)).toBe(1);
      expect(row[i]).toBe(0);
    });
    const partner = m.map((row) => row.indexOf(1));
    const expected = v.reduce((a, row, i) => a + row[i], 0) / 6 - Math.log(partner.reduce((a, k, i) => a + Math.exp(v[i][k]), 0) / 6);
    expectClose(read(dv(s, { negativeMask: mask })).estimate, expected, 1e-5);
    tf.dispose([mask, s]);
  });

  test('permuteRows: out[i] = y[σ(i)], and its gradient routes back to the source rows', () => {
    const y = randomScores(5, [4, 3]) as tf.Tensor2D;
    const sigma = [2, 0, 3, 1];
    const rows = y.arraySync();
    const out = permuteRows(y, sigma);
    expectAllClose(
      out.dataSync(),
      sigma.flatMap((j) => rows[j]),
      0,
    );
    const w = tf.tensor2d([[1], [2], [3], [4]]);
    // d/dy of Σ_i w_i·sum(out_i) is w_{σ⁻¹(j)} on row j.
    const g = tf
      .grad((t: tf.Tensor) => tf.sum(tf.mul(permuteRows(t, sigma), w)))(y)
      .arraySync() as number[][];
    expect(g.map((row) => row[0])).toEqual([2, 4, 1, 3]);
    expect(() => permuteRows(y, [0, 1])).toThrow(ShapeError);
    expect(() => permuteRows(y, [0, 1, 2, 4])).toThrow(/permuteRows: 'permutation' entries must be integers in \[0, 4\), got 4 at 3/);
    tf.dispose([y, out, w]);
  });

  test('bad sizes are typed errors', () => {
    expect(() => shuffleNegatives(new Rng(0), 1)).toThrow(/at least 2/);
    expect(() => derangement(new Rng(0), 2.5)).toThrow(ConfigError);
  });
});

describe('MemoryQueue (MoCo/CMC)', () => {
  test('capacity 5, dim 2: FIFO, newest first, oldest dropped', () => {
    const queue = new MemoryQueue({ capacity: 5, dim: 2 });
    expect(queue.size).toBe(0);
    const empty = queue.values();
    expect(empty.shape).toEqual([0, 2]);
    empty.dispose();
    const batch = (v: number) =>
      tf.tensor2d([
        [v, v],
        [v + 0.5, v + 0.5],
      ]);
    for (const v of [1, 2, 3]) {
      const b = batch(v);
      queue.push(b);
      b.dispose(); // the queue holds its own copy
    }
    expect(queue.size).toBe(5);
    const rows = queue.values();
    expect((rows.arraySync() as number[][]).map((r) => r[0])).toEqual([3, 3.5, 2, 2.5, 1]);
    rows.dispose();
    queue.dispose();
    expect(queue.size).toBe(0);
  });

  test('queue rows as extra InfoNCE negatives raise the ceiling to log(B + Q) and match the formula', () => {
    const queue = new MemoryQueue({ capacity: 6, dim: 3 });
    const past = randomScores(8, [6, 3]) as tf.Tensor2D;
    queue.push(past);
    const x = randomScores(9, [4, 3]) as tf.Tensor2D;
    const y = randomScores(10, [4, 3]) as tf.Tensor2D;
    const { s, extra } = tf.tidy(() => {
      const memory = queue.values();
      return { s: tf.matMul(x, y, false, true), extra: tf.matMul(x, memory, false, true) };
    });
    const sv = s.arraySync() as number[][];
    const ev = extra.arraySync() as number[][];
    let expected = 0;
    sv.forEach((row, i) => {
      const all = [...row, ...ev[i]];
      expected += row[i] - Math.log(all.reduce((a, v) => a + Math.exp(v), 0) / all.length);
    });
    expectClose(read(infoNce(s, { extra })).estimate, expected / 4, 1e-5);
    tf.dispose([past, x, y, s, extra]);
    queue.dispose();
  });

  test('an empty queue scores to [B, 0] with every critic, and adds nothing to the bound', () => {
    const queue = new MemoryQueue({ capacity: 8, dim: 3 });
    const x = randomScores(12, [4, 3]) as tf.Tensor2D;
    const critics = [
      separableCritic({ xDim: 3, yDim: 3, hidden: [4] }),
      concatCritic({ xDim: 3, yDim: 3, hidden: [4] }),
      bilinearCritic({ xDim: 3, yDim: 3 }),
    ];
    for (const critic of critics) {
      const [s, extra] = tf.tidy(() => [critic.scores(x, x), critic.scores(x, queue.values())]);
      expect(extra.shape).toEqual([4, 0]);
      expectClose(read(infoNce(s, { extra })).estimate, read(infoNce(s)).estimate, 1e-7);
      tf.dispose([s, extra]);
      critic.dispose();
    }
    x.dispose();
  });

  test('pushing leaks nothing; bad batches are typed errors', () => {
    const queue = new MemoryQueue({ capacity: 8, dim: 2 });
    const b = tf.ones([3, 2]) as tf.Tensor2D;
    expectNoLeak(() => queue.push(b));
    const wrong = tf.ones([3, 4]) as tf.Tensor2D;
    expect(() => queue.push(wrong)).toThrow(/MemoryQueue.push: 'y' must have shape \[batch, 2\], got a tensor of shape \[3,4\]/);
    const ints = tf.tensor2d([[1, 0]], [1, 2], 'int32') as tf.Tensor2D;
    expect(() => queue.push(ints)).toThrow(/MemoryQueue.push: 'y' must be float32, got int32/);
    expect(() => new MemoryQueue({ capacity: 0, dim: 2 })).toThrow(ConfigError);
    tf.dispose([b, wrong, ints]);
    queue.dispose();
  });

  test('load puts saved rows back: the reloaded queue holds and drops rows as the original does', () => {
    const original = new MemoryQueue({ capacity: 5, dim: 2 });
    const first = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const next = tf.tensor2d([
      [7, 8],
      [9, 10],
    ]);
    original.push(first);
    const saved = original.values();
    const copy = new MemoryQueue({ capacity: 5, dim: 2 });
    copy.load(saved);
    saved.dispose(); // the queue keeps its own copy
    const before = tf.memory().numTensors;
    for (const q of [original, copy]) q.push(next);
    {
      const [a, b] = [original.values(), copy.values()];
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      expect(b.shape).toEqual([5, 2]);
      tf.dispose([a, b]);
    }
    expect(tf.memory().numTensors).toBe(before);
    const empty = tf.zeros([0, 2]) as tf.Tensor2D;
    copy.load(empty);
    expect(copy.size).toBe(0);
    const tooMany = tf.zeros([6, 2]) as tf.Tensor2D;
    expect(() => copy.load(tooMany)).toThrow(/MemoryQueue.load: 'rows' must have shape \[n ≤ 5, 2\]/);
    tf.dispose([first, next, empty, tooMany]);
    [original, copy].forEach((q) => q.dispose());
  });
});
