/**
 * Small synthetic graph batches for specs: rings and stars of random sizes, node
 * features one-hot over a few random "atom types", as one disjoint union (the
 * `GraphInput` a graph encoder takes).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import type { GraphInput } from '@infomax/encoders';

/** Node feature width of {@link ringsAndStars}. */
export const GRAPH_FEATURES = 4;

/**
 * `count` graphs (even: rings, odd: stars) of 3–8 nodes, seeded; undirected edges both ways.
 * The caller owns the tensors (`tf.dispose(batch)`).
 */
export function ringsAndStars(count: number, seed: number): GraphInput {
  const rng = new Rng(seed);
  const features: number[] = [];
  const source: number[] = [];
  const target: number[] = [];
  const segmentIds: number[] = [];
  let first = 0;
  for (let g = 0; g < count; g++) {
    const n = 3 + rng.int(6);
    for (let i = 0; i < n; i++) {
      const type = g % 2 === 0 ? rng.int(2) : 2 + rng.int(2);
      features.push(...Array.from({ length: GRAPH_FEATURES }, (_, j) => (j === type ? 1 : 0)));
      segmentIds.push(g);
      const other = g % 2 === 0 ? (i + 1) % n : 0; // ring: next node; star: the hub
      if (g % 2 === 0 || i > 0) {
        source.push(first + i, first + other);
        target.push(first + other, first + i);
      }
    }
    first += n;
  }
  return {
    features: tf.tensor2d(features, [first, GRAPH_FEATURES]),
    source: tf.tensor1d(source, 'int32'),
    target: tf.tensor1d(target, 'int32'),
    segmentIds: tf.tensor1d(segmentIds, 'int32'),
    numGraphs: count,
  };
}
