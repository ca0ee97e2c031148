/**
 * The {@link GraphEncoder}: the graph counterpart of {@link Encoder}. Same contract —
 * one tf.LayersModel with outputs `local`, `global`, the config in its metadata,
 * `encode` returning `{ local, global, taps }`, save and load through tfjs' format —
 * but its input is a batch of graphs (node features, edge index lists, node → graph
 * segment ids) instead of images, so `local` is one row per node, not a feature map.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError } from './errors';
import type { EncodeOptions } from './encoder';
import type { GinConfig } from './gin';
import { storedConfig } from './internal/model-check';

/**
 * A batch of graphs as one disjoint union: what `@infomax/data`'s `graphBatch` yields.
 * Ids are 0-based within the batch; they are not read back to be checked (an id out of
 * range is an error on cpu and silently dropped or undefined on other backends).
 */
export type GraphInput = {
  /** `[nodes, featureSize]` float32 node features. */
  features: tf.Tensor2D;
  /** `[edges]` int32 source node of each edge (messages flow source → target). */
  source: tf.Tensor1D;
  /** `[edges]` int32 target node of each edge. */
  target: tf.Tensor1D;
  /** `[nodes]` int32 graph of each node, in `[0, numGraphs)`. */
  segmentIds: tf.Tensor1D;
  /** Graphs in the batch. */
  numGraphs: number;
};

/** What {@link GraphEncoder.encode} returns. The caller owns (and disposes) every tensor. */
export interface GraphEncoderOutput {
  /** Node ("patch") representations `[nodes, localSize]`. */
  local: tf.Tensor2D;
  /** Graph representations `[numGraphs, globalSize]`. */
  global: tf.Tensor2D;
  /** Further named outputs (none for GIN). */
  taps: Record<string, tf.Tensor>;
}

/** The model's inputs, in order. */
export const GRAPH_INPUTS = ['features', 'source', 'target', 'segmentIds', 'graphs'] as const;

function describe(t: unknown): string {
  return t instanceof tf.Tensor ? `a ${t.dtype} tensor of shape [${t.shape}]` : (JSON.stringify(t) ?? String(t));
}

/**
 * A graph encoder: maps a batch of graphs to node representations `local`
 * `[nodes, d]` and graph representations `global` `[graphs, D]`. Build one with
 * `ginEncoder(options)`; rebuild one around a loaded model with {@link GraphEncoder.fromModel}.
 *
 * @example
 * const enc = ginEncoder({ featureSize: 7 });
 * const { local, global } = enc.encode(graphBatch(mutag, [0, 1, 2])); // [nodes, 160], [3, 160]
 */
export class GraphEncoder {
  /** The model: inputs {@link GRAPH_INPUTS}, outputs named by {@link GraphEncoder.taps}. */
  readonly model: tf.LayersModel;
  /** The config it was built from, defaults filled in (JSON-serialisable). */
  readonly config: GinConfig;
  /** Output names in model order: `local`, `global`, then the further taps. */
  readonly taps: readonly string[];

  /**
   * Wraps a model built by this package (or loaded back from a save of one).
   * @throws ConfigError when the model lacks the encoder metadata, the `local` /
   *   `global` outputs or the graph inputs.
   */
  constructor(model: tf.LayersModel) {
    const config = storedConfig('GraphEncoder', model);
    const inputs = model.inputNames;
    if (inputs.length !== GRAPH_INPUTS.length || GRAPH_INPUTS.some((n, i) => inputs[i] !== n)) {
      throw new ConfigError(`GraphEncoder: argument model must have inputs ${JSON.stringify(GRAPH_INPUTS)}; got ${JSON.stringify(inputs)}`);
    }
    this.model = model;
    this.config = config as unknown as GinConfig;
    this.taps = [...model.outputNames];
  }

  /**
   * Rebuilds a graph encoder around a model loaded with `loadModel` / `tf.loadLayersModel`.
   * @param model a model saved from a {@link GraphEncoder}'s `model`
   * @throws ConfigError when the model was not built by this package as a graph encoder
   * @example
   * const enc = GraphEncoder.fromModel(await tf.loadLayersModel(handler));
   */
  static fromModel(model: tf.LayersModel): GraphEncoder {
    return new GraphEncoder(model);
  }

  /** Width of each node's input features. */
  get featureSize(): number {
    return this.model.inputs[0].shape[1] as number;
  }

  /** Width d of a node representation. */
  get localSize(): number {
    return this.model.outputs[0].shape[1] as number;
  }

  /** Width D of a graph representation. */
  get globalSize(): number {
    return this.model.outputs[1].shape[1] as number;
  }

  /** The variables an optimizer should train (batch-norm moving statistics excluded). */
  get trainableVariables(): tf.Variable[] {
    return this.model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /**
   * Encodes a batch of graphs.
   * @param graph see {@link GraphInput}
   * @param options see `EncodeOptions` (`training`: batch norm on batch statistics)
   * @returns `local` `[nodes, localSize]`, `global` `[numGraphs, globalSize]`, `taps`
   * @throws ShapeError when a tensor has another rank, width or dtype, the edge lists or
   *   the segment ids disagree in length with each other or the nodes, or `numGraphs` is not a positive integer
   * @example
   * const { local, global } = enc.encode(batch, { training: true });
   */
  encode(graph: GraphInput, options: EncodeOptions = {}): GraphEncoderOutput {
    this.check(graph);
    const training = options.training ?? false;
    return tf.tidy(() => {
      const graphs = tf.range(0, graph.numGraphs, 1, 'int32');
      const outs = this.model.apply([graph.features, graph.source, graph.target, graph.segmentIds, graphs], { training }) as tf.Tensor[];
      const taps: Record<string, tf.Tensor> = {};
      for (let i = 2; i < outs.length; i++) taps[this.taps[i]] = outs[i];
      return { local: outs[0], global: outs[1], taps } as unknown as tf.TensorContainer;
    }) as unknown as GraphEncoderOutput;
  }

  private check(graph: GraphInput): void {
    const fn = 'GraphEncoder.encode';
    const { features, source, target, segmentIds, numGraphs } = graph ?? ({} as GraphInput);
    const f = this.featureSize;
    if (!(features instanceof tf.Tensor) || features.rank !== 2 || features.shape[1] !== f || features.dtype !== 'float32') {
      throw new ShapeError(`${fn}: graph.features must be a float32 tensor [nodes, ${f}]; got ${describe(features)}`);
    }
    const nodes = features.shape[0];
    const ids: Array<[string, tf.Tensor | undefined, number | undefined]> = [
      ['source', source, undefined],
      ['target', target, source?.shape?.[0]],
      ['segmentIds', segmentIds, nodes],
    ];
    for (const [name, t, length] of ids) {
      if (!(t instanceof tf.Tensor) || t.rank !== 1 || t.dtype !== 'int32' || (length !== undefined && t.shape[0] !== length)) {
        throw new ShapeError(`${fn}: graph.${name} must be an int32 tensor [${length ?? 'edges'}]; got ${describe(t)}`);
      }
    }
    if (!Number.isInteger(numGraphs) || numGraphs < 1) {
      throw new ShapeError(`${fn}: graph.numGraphs must be a positive integer; got ${describe(numGraphs)}`);
    }
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.model.dispose();
  }
}
