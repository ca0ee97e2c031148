/**
 * The custom tfjs layers of graph encoders: message passing over edge index lists
 * and per-graph sum pooling. Both are gathers and segment sums, so their gradients
 * are the same two ops the other way round (the engine registers wasm's missing
 * UnsortedSegmentSum). Registered for serialisation in `register.ts`.
 */
import * as tf from '@tensorflow/tfjs';

type Shape = Array<number | null>;

function shapes(s: Shape | Shape[]): Shape[] {
  return Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape];
}

/**
 * GIN-0's neighbourhood sum: node i's own row plus the rows of every edge's source
 * whose target is i, `h_i + Σ_{(j→i)} h_j` (Xu et al. 2019, eq. 4.1 with ε = 0).
 * Inputs `[h [nodes, d], source [edges], target [edges]]` → `[nodes, d]`.
 */
export class NeighbourSum extends tf.layers.Layer {
  /** Name in saved model configs. */
  static readonly className = 'InfomaxNeighbourSum';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [h, source, target] = inputs as tf.Tensor[];
    return tf.tidy(() => tf.add(h, tf.unsortedSegmentSum(tf.gather(h, source), target as tf.Tensor1D, h.shape[0])));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return shapes(inputShape)[0];
  }
}

/**
 * Sum pooling of node rows into their graphs. Inputs `[h [nodes, d], segmentIds
 * [nodes], graphs [numGraphs]]` → `[numGraphs, d]`; `graphs` only carries the number
 * of graphs (its length), which a symbolic model cannot take as an attribute.
 */
export class SegmentSum extends tf.layers.Layer {
  /** Name in saved model configs. */
  static readonly className = 'InfomaxSegmentSum';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [h, segmentIds, graphs] = inputs as tf.Tensor[];
    return tf.unsortedSegmentSum(h, segmentIds as tf.Tensor1D, graphs.shape[0]);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [null, ...shapes(inputShape)[0].slice(1)];
  }
}
