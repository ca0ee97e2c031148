/**
 * Loads the graph dataset a `data.dataset: tu` config names: every graph, unlabelled
 * for training (as InfoGraph trains) and labelled for the cross-validated probe.
 */
import { loadTuDataset, type GraphDataset } from '@infomax/data';
import type { DataConfig } from './config';
import { classMix } from './datasets';

/** A loaded graph dataset and the line that describes it. */
export interface LoadedGraphs {
  /** Every graph: the training set, and (with its labels) the probe's folds. */
  graphs: GraphDataset;
  /** Class names: the files' graph-label values, in increasing numeric order. */
  classes: string[];
  /** One line, e.g. `graphs: all 188 of MUTAG (3,371 nodes, node features labels (7)): -1×63 1×125`. */
  summary: string;
}

/**
 * Loads the TU folder or `.zip` at `config.path` (node features: one-hot labels, or one-hot
 * degrees where the dataset has no node labels, as Sun et al. 2020 do for IMDB).
 * @param config the run's `data` section, `dataset: 'tu'`
 * @returns the graphs, class names and summary line
 * @throws DatasetError naming the file (and line) when the folder, archive or a file is missing or malformed
 * @example
 * const { graphs, summary } = await loadGraphData({ ...resolveConfig({ data: { dataset: 'tu', path: 'tu/MUTAG' } }).data });
 * console.log(summary); // graphs: all 188 of MUTAG (3,371 nodes, node features labels (7)): -1×63 1×125
 */
export async function loadGraphData(config: DataConfig): Promise<LoadedGraphs> {
  const graphs = await loadTuDataset(config.path as string);
  const classes = [...graphs.classes];
  const summary =
    `graphs: all ${graphs.count.toLocaleString('en-US')} of ${graphs.name} (${graphs.nodeCount.toLocaleString('en-US')} nodes, ` +
    `node features ${graphs.nodeFeatures} (${graphs.featureSize})): ${classMix(graphs.labels, classes)}`;
  return { graphs, classes, summary };
}
