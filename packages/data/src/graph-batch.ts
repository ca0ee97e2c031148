/**
 * Mini-batches of graphs: the chosen graphs as one disjoint union (a block-diagonal
 * adjacency given by edge index lists), with each node's graph as a segment id, the
 * input a message-passing network and a per-graph sum pooling take.
 */
import * as tf from '@tensorflow/tfjs';
import { optionError } from './errors';
import type { GraphDataset } from './graph-dataset';
import { planBatches, resolvePlan, type BatchOrderOptions } from './internal/batch-plan';

/** Graphs gathered into one disjoint union, as plain arrays. */
export interface GraphBatchArrays {
  /** `[nodes, featureSize]` row-major node features. */
  features: Float32Array;
  /** Width of a node's features. */
  featureSize: number;
  /** `[edges]` source node of each edge, numbered within the batch. */
  source: Int32Array;
  /** `[edges]` target node of each edge, numbered within the batch. */
  target: Int32Array;
  /** `[nodes]` the batch graph (0 … numGraphs−1) each node belongs to; non-decreasing. */
  segmentIds: Int32Array;
  /** Graphs in the batch. */
  numGraphs: number;
  /** `[numGraphs]` class of each graph. */
  labels: Int32Array;
  /** `[numGraphs]` positions of these graphs in the dataset. */
  indices: Int32Array;
}

/**
 * One batch of graphs as tensors. The consumer owns the tensors: `tf.dispose(batch)` frees them all.
 */
export type GraphBatch = {
  /** `[nodes, featureSize]` float32 node features. */
  features: tf.Tensor2D;
  /** `[edges]` int32 source node of each edge (messages flow source → target). */
  source: tf.Tensor1D;
  /** `[edges]` int32 target node of each edge. */
  target: tf.Tensor1D;
  /** `[nodes]` int32 graph of each node within the batch. */
  segmentIds: tf.Tensor1D;
  /** Graphs in the batch (the number of segments). */
  numGraphs: number;
  /** `[numGraphs]` int32 classes. */
  labels: tf.Tensor1D;
  /** `[numGraphs]` positions of these graphs in the dataset. */
  indices: Int32Array;
  /** 0-based epoch of the batch (0 outside a stream). */
  epoch: number;
  /** 0-based batch number within the epoch (0 outside a stream). */
  step: number;
};

/**
 * Gathers graphs into one disjoint union, renumbering their nodes from 0.
 *
 * @param dataset the graphs.
 * @param indices positions of the graphs to take, in that order (at least one).
 * @returns a {@link GraphBatchArrays}.
 * @throws DatasetError `invalid-option` for an empty list or an index outside `[0, count)`.
 * @example
 * const b = gatherGraphs(mutag, [0, 5, 9]); // b.segmentIds: 0…0 1…1 2…2
 */
export function gatherGraphs(dataset: GraphDataset, indices: ArrayLike<number>): GraphBatchArrays {
  const fn = 'gatherGraphs';
  if (indices.length === 0) throw optionError(fn, 'indices', 'at least one graph index', '[]');
  const { nodeOffsets, edgeOffsets, featureSize: f } = dataset;
  let nodes = 0;
  let edges = 0;
  for (let i = 0; i < indices.length; i++) {
    const g = indices[i];
    if (!Number.isInteger(g) || g < 0 || g >= dataset.count)
      throw optionError(fn, `indices[${i}]`, `an integer in [0, ${dataset.count})`, g);
    nodes += nodeOffsets[g + 1] - nodeOffsets[g];
    edges += edgeOffsets[g + 1] - edgeOffsets[g];
  }
  const out: GraphBatchArrays = {
    features: new Float32Array(nodes * f),
    featureSize: f,
    source: new Int32Array(edges),
    target: new Int32Array(edges),
    segmentIds: new Int32Array(nodes),
    numGraphs: indices.length,
    labels: new Int32Array(indices.length),
    indices: Int32Array.from(indices),
  };
  let n = 0;
  let e = 0;
  for (let i = 0; i < indices.length; i++) {
    const g = indices[i];
    const [first, end] = [nodeOffsets[g], nodeOffsets[g + 1]];
    out.features.set(dataset.features.subarray(first * f, end * f), n * f);
    out.segmentIds.fill(i, n, n + end - first);
    for (let k = edgeOffsets[g]; k < edgeOffsets[g + 1]; k++, e++) {
      out.source[e] = dataset.edgeSource[k] - first + n;
      out.target[e] = dataset.edgeTarget[k] - first + n;
    }
    out.labels[i] = dataset.labels[g];
    n += end - first;
  }
  return out;
}

/**
 * Gathers graphs into a {@link GraphBatch} of tensors.
 *
 * @param dataset the graphs.
 * @param indices positions of the graphs to take, in that order.
 * @param position the epoch and step the batch is labelled with. Default both 0.
 * @returns the batch; the caller owns its tensors (`tf.dispose(batch)`).
 * @throws DatasetError as {@link gatherGraphs}.
 * @example
 * const batch = graphBatch(mutag, [0, 1, 2]);
 * const { global } = encoder.encode(batch); // [3, D]
 * tf.dispose(batch);
 */
export function graphBatch(dataset: GraphDataset, indices: ArrayLike<number>, position = { epoch: 0, step: 0 }): GraphBatch {
  const a = gatherGraphs(dataset, indices);
  return {
    features: tf.tensor2d(a.features, [a.segmentIds.length, a.featureSize], 'float32'),
    source: tf.tensor1d(a.source, 'int32'),
    target: tf.tensor1d(a.target, 'int32'),
    segmentIds: tf.tensor1d(a.segmentIds, 'int32'),
    numGraphs: a.numGraphs,
    labels: tf.tensor1d(a.labels, 'int32'),
    indices: a.indices,
    epoch: position.epoch,
    step: position.step,
  };
}

/**
 * Streams a graph dataset as {@link GraphBatch}es, every graph once per epoch in a
 * seeded order. Options are checked when called, before the first batch. A plain
 * generator (gathering graphs is cheap): `for … of` and `for await … of` both work.
 *
 * @param dataset the graphs.
 * @param options the order: `batchSize` (graphs per batch), `seed`, `epochs`, `dropLast`, `shuffle`, `startStep` (see `BatchOrderOptions`).
 * @returns batches; the consumer owns each batch's tensors (`tf.dispose(batch)`).
 * @throws DatasetError `invalid-option` for a bad option, or when `dropLast` leaves no batch.
 * @example
 * for (const batch of graphBatchStream(mutag, { batchSize: 128, seed: 1, epochs: 20 })) {
 *   trainOn(batch);
 *   tf.dispose(batch);
 * }
 */
export function graphBatchStream(dataset: GraphDataset, options: BatchOrderOptions): Generator<GraphBatch, void, undefined> {
  const plan = resolvePlan('graphBatchStream', dataset.name, dataset.count, 'graphs', options);
  return (function* () {
    for (const { indices, epoch, step } of planBatches(dataset.count, plan)) yield graphBatch(dataset, indices, { epoch, step });
  })();
}
