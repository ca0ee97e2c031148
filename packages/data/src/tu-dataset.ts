/**
 * The TU Dortmund graph-kernel benchmark format (Kersting et al. 2016, "Benchmark
 * Data Sets for Graph Kernels", graphkernels.cs.tu-dortmund.de): MUTAG, PTC_MR, NCI1,
 * PROTEINS, IMDB-BINARY, … as the graph-classification literature uses them.
 *
 * `<name>_A.txt` (m lines `row, col`: 1-based node ids), `<name>_graph_indicator.txt`
 * (n lines: the 1-based graph of each node), `<name>_graph_labels.txt` (N lines), and
 * optionally `<name>_node_labels.txt` (n lines) and `<name>_edge_labels.txt` (m lines).
 * An edge listed more than once is kept once, with its first line's label (IMDB-BINARY
 * lists every edge twice), as PyTorch Geometric's reader merges them: an adjacency
 * matrix holds 0 or 1.
 */
import { DatasetError, optionError } from './errors';
import { NODE_FEATURE_KINDS, type GraphDataset, type NodeFeatureKind } from './graph-dataset';
import { degrees, oneHot } from './internal/node-features';
import { openTuSource } from './internal/tu-source';
import { parseIntRows, type TuTextFile } from './internal/tu-text';

/** Options of {@link loadTuDataset}. */
export interface TuDatasetOptions {
  /** The files' prefix (`<name>_A.txt`). Default: that of the one `*_A.txt` file found. */
  name?: string;
  /** Node features to build. Default `'labels'` when the dataset has node labels, else `'degree'`. */
  nodeFeatures?: NodeFeatureKind;
  /** With `'degree'`: degrees above this share the last one-hot slot. Default: the largest degree. */
  maxDegree?: number;
}

const FN = 'loadTuDataset';

/** Reads a required file, or throws `missing`. */
async function required(
  read: (s: string) => Promise<TuTextFile | undefined>,
  where: string,
  name: string,
  suffix: string,
): Promise<TuTextFile> {
  const file = await read(suffix);
  if (file === undefined) throw new DatasetError('missing', `${FN}: ${where} has no ${name}_${suffix}.txt`, where);
  return file;
}

/** An optional one-column file with one line per node (per edge), or undefined when absent. */
async function optionalColumn(
  pending: Promise<TuTextFile | undefined>,
  what: string,
  expected: number,
  counted: TuTextFile,
): Promise<Int32Array | undefined> {
  const file = await pending;
  if (file === undefined) return undefined;
  const values = parseIntRows(FN, file, 1);
  if (values.length !== expected) {
    throw new DatasetError(
      'count-mismatch',
      `${FN}: ${file.path} has ${values.length} lines; expected ${expected}, one per ${what} (as ${counted.path} lists)`,
      file.path,
    );
  }
  return values;
}

/** Graph labels → 0-based classes in increasing numeric order. */
function classesOf(raw: Int32Array): { labels: Int32Array; classes: string[] } {
  const values = [...new Set(raw)].sort((a, b) => a - b);
  const index = new Map(values.map((v, i) => [v, i]));
  return { labels: raw.map((v) => index.get(v)!), classes: values.map(String) };
}

/** Checks the graph indicator; returns each graph's first node (`[N + 1]`). */
function nodeOffsetsOf(file: TuTextFile, graphOf: Int32Array, graphs: number, labelsFile: TuTextFile): Int32Array {
  const offsets = new Int32Array(graphs + 1);
  for (let i = 0; i < graphOf.length; i++) {
    const g = graphOf[i];
    if (g < 1 || g > graphs) {
      throw new DatasetError(
        'out-of-range',
        `${FN}: ${file.path} line ${i + 1}: graph id ${g} is outside 1…${graphs} (${labelsFile.path} has ${graphs} graphs)`,
        file.path,
        i + 1,
      );
    }
    if (i > 0 && g < graphOf[i - 1]) {
      throw new DatasetError(
        'bad-line',
        `${FN}: ${file.path} line ${i + 1}: graph id ${g} after ${graphOf[i - 1]}; a graph's nodes must be consecutive lines, graphs in increasing order`,
        file.path,
        i + 1,
      );
    }
    offsets[g]++;
  }
  for (let g = 1; g <= graphs; g++) {
    if (offsets[g] === 0) {
      throw new DatasetError('empty', `${FN}: graph ${g} (line ${g} of ${labelsFile.path}) has no nodes in ${file.path}`, file.path);
    }
    offsets[g] += offsets[g - 1];
  }
  return offsets;
}

/**
 * Checks the edges and orders them by graph (stable), keeping the first of repeated
 * lines; returns the kept lines in order and each graph's first edge.
 */
function edgesByGraph(
  file: TuTextFile,
  pairs: Int32Array,
  graphOf: Int32Array,
  graphs: number,
): { order: Int32Array; offsets: Int32Array } {
  const m = pairs.length / 2;
  const n = graphOf.length;
  const offsets = new Int32Array(graphs + 1);
  const seen = new Set<number>();
  const kept: number[] = [];
  for (let e = 0; e < m; e++) {
    const [a, b] = [pairs[2 * e], pairs[2 * e + 1]];
    for (const id of [a, b]) {
      if (id < 1 || id > n) {
        throw new DatasetError(
          'out-of-range',
          `${FN}: ${file.path} line ${e + 1}: node id ${id} is outside 1…${n} (the graph indicator has ${n} nodes)`,
          file.path,
          e + 1,
        );
      }
    }
    if (graphOf[a - 1] !== graphOf[b - 1]) {
      throw new DatasetError(
        'bad-line',
        `${FN}: ${file.path} line ${e + 1}: edge ${a}, ${b} joins graph ${graphOf[a - 1]} to graph ${graphOf[b - 1]}; edges must stay inside one graph`,
        file.path,
        e + 1,
      );
    }
    const key = a * (n + 1) + b;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(e);
    offsets[graphOf[a - 1]]++;
  }
  for (let g = 1; g <= graphs; g++) offsets[g] += offsets[g - 1];
  const next = offsets.slice(0, graphs);
  const order = new Int32Array(kept.length);
  for (const e of kept) order[next[graphOf[pairs[2 * e] - 1] - 1]++] = e;
  return { order, offsets };
}

/**
 * Loads a TU graph dataset from a folder or a `.zip` archive of its text files.
 *
 * @param location a folder holding `<name>_A.txt`, …, or a `.zip` holding them.
 * @param options see {@link TuDatasetOptions}.
 * @returns a {@link GraphDataset}: classes are the graph-label values in increasing order.
 * @throws DatasetError, naming the file (and line): `missing` (no folder, archive or
 *   required file), `corrupt-zip`, `bad-line` (a non-integer or wrongly shaped line, nodes
 *   of a graph not consecutive, an edge between two graphs), `out-of-range` (a node or
 *   graph id past the counts), `count-mismatch` (files that disagree on the number of
 *   nodes or edges), `empty` (a graph without nodes, a file without lines),
 *   `invalid-option` (bad options, or `'labels'` for a dataset without node labels).
 * @example
 * const mutag = await loadTuDataset('datasets/tu/MUTAG');           // 188 graphs, 7 atom types
 * const imdb = await loadTuDataset('datasets/tu/IMDB-BINARY.zip');  // no node labels: one-hot degrees
 */
export async function loadTuDataset(location: string, options: TuDatasetOptions = {}): Promise<GraphDataset> {
  if (options.nodeFeatures !== undefined && !NODE_FEATURE_KINDS.includes(options.nodeFeatures)) {
    throw optionError(FN, 'nodeFeatures', `one of ${NODE_FEATURE_KINDS.map((k) => `'${k}'`).join(', ')}`, options.nodeFeatures);
  }
  if (options.maxDegree !== undefined && !(Number.isInteger(options.maxDegree) && options.maxDegree >= 0)) {
    throw optionError(FN, 'maxDegree', 'an integer ≥ 0', options.maxDegree);
  }
  const source = await openTuSource(FN, location, options.name);
  const { name } = source;
  const read = (suffix: string) => source.read(suffix);
  const labelsFile = await required(read, location, name, 'graph_labels');
  const indicatorFile = await required(read, location, name, 'graph_indicator');
  const adjacencyFile = await required(read, location, name, 'A');
  const rawLabels = parseIntRows(FN, labelsFile, 1);
  if (rawLabels.length === 0) throw new DatasetError('empty', `${FN}: ${labelsFile.path} lists no graphs`, labelsFile.path);
  const graphOf = parseIntRows(FN, indicatorFile, 1);
  const nodeOffsets = nodeOffsetsOf(indicatorFile, graphOf, rawLabels.length, labelsFile);
  const pairs = parseIntRows(FN, adjacencyFile, 2);
  const { order, offsets: edgeOffsets } = edgesByGraph(adjacencyFile, pairs, graphOf, rawLabels.length);
  const edgeSource = order.map((e) => pairs[2 * e] - 1);
  const edgeTarget = order.map((e) => pairs[2 * e + 1] - 1);

  const nodeLabels = await optionalColumn(read('node_labels'), 'node', graphOf.length, indicatorFile);
  const rawEdgeLabels = await optionalColumn(read('edge_labels'), 'edge', pairs.length / 2, adjacencyFile);

  const nodeFeatures = options.nodeFeatures ?? (nodeLabels ? 'labels' : 'degree');
  let features: Float32Array;
  let featureSize: number;
  if (nodeFeatures === 'labels') {
    if (!nodeLabels)
      throw optionError(FN, 'nodeFeatures', `'degree' or 'constant' for ${name}, which has no ${name}_node_labels.txt`, 'labels');
    const min = nodeLabels.reduce((a, b) => Math.min(a, b));
    featureSize = nodeLabels.reduce((a, b) => Math.max(a, b)) - min + 1;
    features = oneHot(
      nodeLabels.map((l) => l - min),
      featureSize,
    );
  } else if (nodeFeatures === 'degree') {
    const d = degrees(graphOf.length, edgeSource, options.maxDegree);
    featureSize = d.reduce((a, b) => Math.max(a, b), 0) + 1;
    features = oneHot(d, featureSize);
  } else {
    featureSize = 1;
    features = new Float32Array(graphOf.length).fill(1);
  }
  return Object.freeze({
    name,
    count: rawLabels.length,
    nodeCount: graphOf.length,
    edgeCount: order.length,
    nodeOffsets,
    edgeOffsets,
    edgeSource,
    edgeTarget,
    featureSize,
    features,
    nodeFeatures,
    ...(nodeLabels ? { nodeLabels } : {}),
    ...(rawEdgeLabels ? { edgeLabels: order.map((e) => rawEdgeLabels[e]) } : {}),
    ...classesOf(rawLabels),
  });
}
