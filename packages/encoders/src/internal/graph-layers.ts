/**
 * The custom tfjs layers of graph encoders: message passing over edge index lists
 * and per-graph sum pooling. Both are gathers and segment sums, and so are their
 * gradients, written out: the adjoint of "sum the sources' rows into the targets" is
 * "sum the targets' rows into the sources". The taped gradient of a segment sum
 * instead gathers with negative ids dropped (a broadcast logical and plus a select over
 * every gathered row: most of a step's time on wasm). Registered in `register.ts`.
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
    const [h, source, target] = inputs as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
    const n = h.shape[0];
    /** `x + A x` for the adjacency A[t, s] = number of edges s → t. */
    const spread = (x: tf.Tensor, from: tf.Tensor1D, to: tf.Tensor1D) => tf.add(x, tf.unsortedSegmentSum(tf.gather(x, from), to, n));
    return tf.customGrad((x) => ({
      value: spread(x as tf.Tensor, source, target),
      gradFunc: (dy: tf.Tensor) => spread(dy, target, source), // (I + A)ᵀ dy
    }))(h);
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
    const [h, segmentIds, graphs] = inputs as [tf.Tensor, tf.Tensor1D, tf.Tensor];
    return tf.customGrad((x) => ({
      value: tf.unsortedSegmentSum(x as tf.Tensor, segmentIds, graphs.shape[0]),
      gradFunc: (dy: tf.Tensor) => tf.gather(dy, segmentIds), // each node gets its graph's gradient row
    }))(h);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [null, ...shapes(inputShape)[0].slice(1)];
  }
}
