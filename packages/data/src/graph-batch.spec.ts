import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { gatherGraphs, graphBatch, graphBatchStream } from './graph-batch';
import { loadTuDataset } from './tu-dataset';
import { DatasetError } from './errors';
import { tempDir } from './test-utils/fixtures';
import { SMALL_TU, writeTu } from './test-utils/tu-fixtures';

const tmp = tempDir('graph-batch');
afterAll(() => tmp.remove());
const load = () => loadTuDataset(writeTu(path.join(tmp.dir, 'toy'), 'TOY', SMALL_TU));

describe('gatherGraphs / graphBatch', () => {
  it('graphs 2, 0 of the toy set: nodes renumbered from 0 in batch order, edges follow, segment ids per graph', async () => {
    const ds = await load();
    const b = gatherGraphs(ds, [1, 0]);
    expect(b.numGraphs).toBe(2);
    expect(Array.from(b.segmentIds)).toEqual([0, 0, 1, 1, 1]);
    // Graph 1 (nodes 4, 5 → 0, 1) first, then graph 0 (nodes 1, 2, 3 → 2, 3, 4).
    expect(Array.from(b.source)).toEqual([0, 1, 2, 3, 3, 4]);
    expect(Array.from(b.target)).toEqual([1, 0, 3, 2, 4, 3]);
    expect(Array.from(b.features)).toEqual([0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0]);
    expect(Array.from(b.labels)).toEqual([0, 1]);
    expect(Array.from(b.indices)).toEqual([1, 0]);
  });

  it('the batch as a block-diagonal adjacency equals the dataset adjacency restricted to those graphs', async () => {
    const ds = await load();
    const b = gatherGraphs(ds, [2, 0, 1]);
    const n = b.segmentIds.length;
    const dense = (src: Int32Array, dst: Int32Array, map: (i: number) => number, size: number) => {
      const a = new Array(size * size).fill(0);
      src.forEach((s, e) => (a[map(s) * size + map(dst[e])] += 1));
      return a;
    };
    // Batch node k is dataset node order[k].
    const order = [5, 0, 1, 2, 3, 4];
    const back = new Map(order.map((d, k) => [d, k]));
    expect(dense(b.source, b.target, (i) => i, n)).toEqual(dense(ds.edgeSource, ds.edgeTarget, (i) => back.get(i)!, n));
  });

  it('tensors: shapes and dtypes; tf.dispose(batch) frees them all', async () => {
    const ds = await load();
    const before = tf.memory().numTensors;
    const batch = graphBatch(ds, [0, 1, 2]);
    expect(batch.features.shape).toEqual([6, 3]);
    expect([batch.source.dtype, batch.target.dtype, batch.segmentIds.dtype, batch.labels.dtype]).toEqual([
      'int32',
      'int32',
      'int32',
      'int32',
    ]);
    expect(batch.numGraphs).toBe(3);
    tf.dispose(batch);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('bad indices are typed errors', async () => {
    const ds = await load();
    expect(() => gatherGraphs(ds, [])).toThrow(DatasetError);
    expect(() => gatherGraphs(ds, [0, 3])).toThrow(/gatherGraphs: option indices\[1\] must be an integer in \[0, 3\), got 3/);
  });
});

describe('graphBatchStream', () => {
  it('batch 2 over 3 graphs, 4 epochs: every graph once per epoch, same seed same order, another seed another', async () => {
    const ds = await load();
    const run = (seed: number) => {
      const seen: number[][] = [];
      for (const b of graphBatchStream(ds, { batchSize: 2, seed, epochs: 4 })) {
        seen.push(Array.from(b.indices));
        expect(b.features.shape[0]).toBe(b.segmentIds.shape[0]);
        tf.dispose(b);
      }
      return seen;
    };
    const a = run(3);
    expect(a.length).toBe(8);
    for (let e = 0; e < 4; e++) expect([...a[2 * e], ...a[2 * e + 1]].sort()).toEqual([0, 1, 2]);
    expect(run(3)).toEqual(a);
    expect(run(4)).not.toEqual(a);
  });

  it('dropLast, no shuffle, startStep; bad options are typed errors before the first batch', async () => {
    const ds = await load();
    const batches = [...graphBatchStream(ds, { batchSize: 2, dropLast: true, shuffle: false, epochs: 2 })];
    expect(batches.map((b) => Array.from(b.indices))).toEqual([
      [0, 1],
      [0, 1],
    ]);
    batches.forEach((b) => tf.dispose(b));
    const resumed = [...graphBatchStream(ds, { batchSize: 1, shuffle: false, startStep: 2 })];
    expect(resumed.map((b) => [b.step, b.indices[0]])).toEqual([[2, 2]]);
    resumed.forEach((b) => tf.dispose(b));
    expect(() => graphBatchStream(ds, { batchSize: 0 })).toThrow(/graphBatchStream: option batchSize must be a positive integer/);
    expect(() => graphBatchStream(ds, { batchSize: 4, dropLast: true })).toThrow(/has 3 graphs, too few for one batch of 4 with dropLast/);
  });
});
