/**
 * GIN, the Graph Isomorphism Network (Xu et al. 2019, "How Powerful are Graph Neural
 * Networks?", https://arxiv.org/abs/1810.00826), with InfoGraph's readout (Sun et al.
 * 2020, "InfoGraph: Unsupervised and Semi-supervised Graph-Level Representation
 * Learning via Mutual Information Maximization", https://arxiv.org/abs/1908.01000):
 *
 *   h_i^(k) = BN(ReLU(MLP^(k)(h_i^(k−1) + Σ_{j∈N(i)} h_j^(k−1))))
 *   local_i = [h_i^(1); …; h_i^(K)],  global_G = [Σ_{i∈G} h_i^(1); …; Σ_{i∈G} h_i^(K)]
 *
 * each MLP dense → ReLU → dense, as InfoGraph's code builds it.
 */
import * as tf from '@tensorflow/tfjs';
import { bool, finite, int, object, oneOf, optional, Rng } from '@infomax/engine';
import { GraphEncoder, GRAPH_INPUTS } from './graph-encoder';
import { heInit, on, type Sym } from './internal/build';
import { NeighbourSum, SegmentSum } from './internal/graph-layers';
import { Tap } from './internal/layers';
import { ENCODER_METADATA_KEY } from './internal/model-check';
import { parseOptions } from './internal/options';

/** Options of {@link ginEncoder} (a `{ kind: 'gin', ... }` config without `kind`). */
export interface GinOptions {
  /** Width of each node's input features (e.g. the number of atom types). Required. */
  featureSize: number;
  /** Units of every layer. Default 32 (InfoGraph's). */
  hidden?: number;
  /** Number of GIN layers K. Default 5 (InfoGraph's). */
  layers?: number;
  /** Batch norm after each layer, over the batch's nodes (momentum 0.9, ε 1e-5: PyTorch's). Default true (InfoGraph's). */
  batchNorm?: boolean;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

/** Config of the GIN encoder: {@link GinOptions} with `kind` and every default filled in. */
export type GinConfig = { kind: 'gin' } & Required<GinOptions>;

const SCHEMA = object({
  kind: optional(oneOf(['gin'] as const), 'gin'),
  featureSize: int(1),
  hidden: optional(int(1), 32),
  layers: optional(int(1), 5),
  batchNorm: optional(bool(), true),
  seed: optional(finite(), 0),
});

/** Validates options and fills in defaults (the one place they are resolved). */
export function resolveGin(options: unknown, fn = 'ginEncoder'): GinConfig {
  return parseOptions(fn, SCHEMA, options);
}

function concat(name: string, xs: Sym[]): Sym {
  return xs.length === 1 ? xs[0] : on(tf.layers.concatenate({ name, axis: -1 }), xs);
}

/**
 * Builds the GIN encoder.
 *
 * @param options see {@link GinOptions}
 * @returns a {@link GraphEncoder}: a graph batch → local `[nodes, layers·hidden]`,
 *   global `[graphs, layers·hidden]`
 * @throws ConfigError naming the option that is missing, unknown or out of range
 * @example
 * const enc = ginEncoder({ featureSize: 7, hidden: 32, layers: 5 });
 * const { local, global } = enc.encode(batch, { training: true }); // [nodes, 160], [graphs, 160]
 */
export function ginEncoder(options: GinOptions): GraphEncoder {
  const config = resolveGin(options);
  const rng = new Rng(config.seed);
  const [features, source, target, segmentIds, graphs] = GRAPH_INPUTS.map((name, i) =>
    tf.input({ name, shape: i === 0 ? [config.featureSize] : [], dtype: i === 0 ? 'float32' : 'int32' }),
  );
  let h = features;
  const nodes: Sym[] = [];
  const pooled: Sym[] = [];
  for (let k = 1; k <= config.layers; k++) {
    h = on(new NeighbourSum({ name: `gin${k}_sum` }), [h, source, target]);
    h = on(tf.layers.dense({ name: `gin${k}_fc1`, units: config.hidden, activation: 'relu', kernelInitializer: heInit(rng) }), h);
    h = on(tf.layers.dense({ name: `gin${k}_fc2`, units: config.hidden, activation: 'relu', kernelInitializer: heInit(rng) }), h);
    // PyTorch's BatchNorm1d defaults (InfoGraph's): moving statistics settle within the few
    // dozen steps a small dataset trains, where tfjs' momentum 0.99 would barely move them.
    if (config.batchNorm) h = on(tf.layers.batchNormalization({ name: `gin${k}_bn`, momentum: 0.9, epsilon: 1e-5 }), h);
    nodes.push(h);
    pooled.push(on(new SegmentSum({ name: `gin${k}_pool` }), [h, segmentIds, graphs]));
  }
  const outputs = [on(new Tap({ name: 'local' }), concat('nodes', nodes)), on(new Tap({ name: 'global' }), concat('readout', pooled))];
  const model = tf.model({ inputs: [features, source, target, segmentIds, graphs], outputs, name: 'gin_encoder' });
  model.setUserDefinedMetadata({ [ENCODER_METADATA_KEY]: config as unknown as tf.serialization.ConfigDict });
  return new GraphEncoder(model);
}
