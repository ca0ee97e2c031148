/**
 * The in-memory graph dataset every graph loader returns: many small graphs laid
 * end to end, nodes of a graph consecutive, edges as index lists (the sparse,
 * block-diagonal adjacency of the whole dataset), and the node feature matrix.
 */

/** Node features a graph loader can build, declared once. */
export const NODE_FEATURE_KINDS = ['labels', 'degree', 'constant'] as const;
/**
 * One of {@link NODE_FEATURE_KINDS}: `'labels'` one-hot node labels (atom types of
 * a molecule), `'degree'` one-hot node degree (for graphs without node labels, as
 * Xu et al. 2019 and Sun et al. 2020 do for IMDB), `'constant'` a single 1 per node.
 */
export type NodeFeatureKind = (typeof NODE_FEATURE_KINDS)[number];

/**
 * A labelled set of graphs. Graph `g` owns nodes `nodeOffsets[g] … nodeOffsets[g+1]−1`
 * and edges `edgeOffsets[g] … edgeOffsets[g+1]−1`; node and edge ids are 0-based and
 * dataset-wide. An undirected edge appears twice, once per direction, as TU files list it.
 */
export interface GraphDataset {
  /** The dataset name, e.g. `"MUTAG"`. */
  readonly name: string;
  /** Number of graphs. */
  readonly count: number;
  /** Number of nodes over all graphs. */
  readonly nodeCount: number;
  /** Number of (directed) edges over all graphs. */
  readonly edgeCount: number;
  /** `[count + 1]`: first node of each graph, then `nodeCount`. */
  readonly nodeOffsets: Int32Array;
  /** `[count + 1]`: first edge of each graph, then `edgeCount`. */
  readonly edgeOffsets: Int32Array;
  /** `[edgeCount]` source node of each edge. */
  readonly edgeSource: Int32Array;
  /** `[edgeCount]` target node of each edge. */
  readonly edgeTarget: Int32Array;
  /** Width of each node's feature vector. */
  readonly featureSize: number;
  /** `[nodeCount, featureSize]` row-major node features. */
  readonly features: Float32Array;
  /** What {@link features} holds. */
  readonly nodeFeatures: NodeFeatureKind;
  /** `[nodeCount]` node labels as the files give them, when the dataset has them. */
  readonly nodeLabels?: Int32Array;
  /** `[edgeCount]` edge labels as the files give them, when the dataset has them. */
  readonly edgeLabels?: Int32Array;
  /** `[count]` class of each graph, 0-based. */
  readonly labels: Int32Array;
  /** The file's label value of each class (`classes[labels[g]]`), in increasing numeric order. */
  readonly classes: readonly string[];
}

/**
 * The sum of each graph's node features: for one-hot labels, the node-label histogram
 * (for one-hot degrees, the degree histogram). The bag-of-labels baseline of graph
 * classification.
 *
 * @param dataset the graphs.
 * @returns `[count, featureSize]` row-major.
 * @example
 * const hist = featureHistogram(mutag); // [188, 7]: atoms of each type per molecule
 */
export function featureHistogram(dataset: GraphDataset): Float32Array {
  const f = dataset.featureSize;
  const out = new Float32Array(dataset.count * f);
  for (let g = 0; g < dataset.count; g++) {
    for (let n = dataset.nodeOffsets[g]; n < dataset.nodeOffsets[g + 1]; n++) {
      for (let j = 0; j < f; j++) out[g * f + j] += dataset.features[n * f + j];
    }
  }
  return out;
}
