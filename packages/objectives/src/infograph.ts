/**
 * InfoGraph: Deep InfoMax's local term on graphs. A GIN encodes every node (the
 * "patches": each node's outputs of every layer) and every graph (each layer's nodes
 * summed, concatenated); the MI between a graph's vector and each of its nodes' vectors
 * is maximised, the batch's other graphs serving as negatives:
 *
 *   L = −(1/N) Σ_i Î(h_φ(x_i); g_ψ(G(i)))   scores[i, k] = h_φ(x_i) · g_ψ(G_k) / τ
 *
 * a `[nodes, graphs]` score matrix whose positives are each node's own graph (the
 * estimators' `positiveMask`), with any bound of `@infomax/estimators` (JSD by default,
 * InfoGraph's). h_φ and g_ψ are InfoGraph's heads. The representation is the graph vector.
 *
 * Sun et al. 2020, "InfoGraph: Unsupervised and Semi-supervised Graph-Level Representation
 * Learning via Mutual Information Maximization", https://arxiv.org/abs/1908.01000
 */
import * as tf from '@tensorflow/tfjs';
import { ginEncoder, infographHead, type GinConfig, type GraphEncoder, type GraphInput } from '@infomax/encoders';
import { membershipMask } from '@infomax/estimators';
import { int, nullish, object, oneOf } from '@infomax/engine';
import { ShapeError } from './errors';
import { MASKED_ESTIMATOR_KINDS, ObjectiveBounds, type EstimatorKind } from './estimator';
import { checkBuffers } from './internal/buffers';
import { buildPart, estimatorField, ownedPart, seedField, temperatureField } from './internal/config-schema';
import { partSeeds } from './internal/encoder-part';
import type { GraphObjective, LossResult } from './objective';

/** The GIN inside an InfoGraph config: its options without the ones the objective sets. */
export type GinPart = Omit<GinConfig, 'featureSize' | 'seed'>;

/** An InfoGraph config with every default filled in (what `objective.config` holds). */
export type InfographConfig = {
  kind: 'infograph';
  /** Width of each node's input features (e.g. a dataset's `featureSize`). Required. */
  featureSize: number;
  /** The GIN. Default `{ kind: 'gin', hidden: 32, layers: 5, batchNorm: true }` (InfoGraph's): 160-d node and graph vectors. */
  encoder: GinPart;
  /** The bound, one of MASKED_ESTIMATOR_KINDS (its scores are nodes × graphs, with a positive mask). Default 'jsd' (InfoGraph's). */
  estimator: EstimatorKind;
  /** Width of the node and graph heads. Default: the encoder's width, layers × hidden (InfoGraph's). */
  headUnits: number;
  /**
   * Scores are divided by this τ > 0. Default 1 (InfoGraph's plain dot products). Graph
   * vectors are sums over nodes, so untrained scores reach the hundreds: harmless for JSD,
   * InfoNCE, DV and SMILE, but NWJ's E[e^T] overflows there; √headUnits keeps them near 1.
   */
  temperature: number;
  /** Seed of every initialisation. Default 0. */
  seed: number;
};

/** A GIN as a config gives it: options left out take the encoders' defaults. */
type GivenGin = { kind: 'gin' } & Partial<GinPart>;
const GIN_DEFAULT: GivenGin = { kind: 'gin' };

/** An InfoGraph config's keys and defaults (the one place they are set); `headUnits` null: the GIN's width. */
export const INFOGRAPH_SCHEMA = object({
  kind: oneOf(['infograph'] as const),
  featureSize: int(1),
  encoder: nullish(
    ownedPart(['gin'] as const, ['featureSize', 'seed'], "a GIN config ({ kind: 'gin', ...options })").transform((e) => e as GivenGin),
    GIN_DEFAULT,
  ),
  estimator: estimatorField('jsd', MASKED_ESTIMATOR_KINDS),
  headUnits: nullish(int(1), null),
  temperature: temperatureField(1),
  seed: seedField(),
});

/** Builds InfoGraph from a config {@link INFOGRAPH_SCHEMA} resolved (a resolved config's `headUnits` kept). */
export function buildInfograph(
  config: Omit<InfographConfig, 'encoder' | 'headUnits'> & { encoder: GivenGin; headUnits: number | null },
): InfographObjective {
  const seeds = partSeeds(config.seed, 3);
  const encoder = buildPart('encoder', 'a valid GIN config', config.encoder, () =>
    ginEncoder({ ...config.encoder, featureSize: config.featureSize, seed: seeds[0] } as GinConfig),
  );
  const { featureSize: _f, seed: _s, ...stored } = encoder.config;
  return new InfographObjective({ ...config, encoder: stored, headUnits: config.headUnits ?? encoder.globalSize }, encoder, seeds);
}

/** InfoGraph as an objective on graphs; build it with `buildObjective({ kind: 'infograph', featureSize })`. */
export class InfographObjective implements GraphObjective {
  readonly auxiliaryOptimizers: Record<string, tf.Optimizer> = {};
  readonly auxiliaryVariables: tf.Variable[] = [];
  private readonly nodeHead: tf.LayersModel;
  private readonly graphHead: tf.LayersModel;
  private readonly bounds: ObjectiveBounds;

  constructor(
    readonly config: InfographConfig,
    readonly encoder: GraphEncoder,
    seeds: number[],
  ) {
    this.nodeHead = infographHead(encoder.localSize, { units: config.headUnits, seed: seeds[1] });
    this.graphHead = infographHead(encoder.globalSize, { units: config.headUnits, seed: seeds[2] });
    // Graph vectors are sums over nodes: untrained scores reach the hundreds, where JSD's usual report,
    // NWJ's E[e^T], overflows to −∞ (and fails the step's finiteness check). DV is shift-invariant and stays finite.
    this.bounds = new ObjectiveBounds(config.estimator, 'InfographObjective', ['nodes'], { jsdReport: 'dv' });
  }

  /** The GIN's and both heads' trainable variables. */
  get variables(): tf.Variable[] {
    const weights = [...this.nodeHead.trainableWeights, ...this.graphHead.trainableWeights];
    return [...this.encoder.trainableVariables, ...weights.map((w) => w.read() as tf.Variable)];
  }

  /**
   * The InfoGraph loss of one batch of graphs.
   * @param batch graphs as one disjoint union (see `GraphInput`), at least 2 graphs
   * @returns loss and metric `mi_local` (the bound's estimate over node–graph pairs, nats; DV on the critic for JSD)
   * @throws ShapeError for a batch that is not a graph batch or has fewer than 2 graphs
   */
  loss(batch: GraphInput, options: { training: boolean; step: number }): LossResult {
    if (!(batch?.features instanceof tf.Tensor)) {
      throw new ShapeError(
        `InfographObjective.loss: argument batch must be a batch of graphs ({ features, source, target, segmentIds, numGraphs }); got keys ${JSON.stringify(Object.keys(batch ?? {}))}`,
      );
    }
    return tf.tidy(() => {
      const { local, global } = this.encoder.encode(batch, { training: options.training });
      const nodes = this.nodeHead.apply(local, { training: options.training }) as tf.Tensor2D;
      const graphs = this.graphHead.apply(global, { training: options.training }) as tf.Tensor2D;
      const scores = tf.div(tf.matMul(nodes, graphs, false, true), this.config.temperature); // [nodes, graphs]
      const positiveMask = membershipMask(batch.segmentIds, batch.numGraphs);
      const bound = this.bounds.apply('nodes', scores, { positiveMask }, options.training);
      return { loss: bound.loss, metrics: { mi_local: bound.estimate } };
    });
  }

  /**
   * The representation a probe evaluates: the graph vector (every layer's sum pooling), in inference mode.
   * @param graphs a batch of graphs @returns `[numGraphs, layers · hidden]`
   */
  embed(graphs: GraphInput): tf.Tensor2D {
    return tf.tidy(() => this.encoder.encode(graphs, { training: false }).global);
  }

  /** MINE's moving average (`bound_nodes`) with `estimator: 'mine'`; else none. */
  buffers(): Record<string, tf.Tensor> {
    return this.bounds.buffers();
  }

  /** Puts back what {@link buffers} returned. @throws ShapeError naming the buffer at fault */
  setBuffers(buffers: Record<string, tf.Tensor>): void {
    checkBuffers('InfographObjective.setBuffers', buffers, this.bounds.bufferShapes());
    this.bounds.setBuffers(buffers);
  }

  /** Frees the encoder, both heads and the bound's state. */
  dispose(): void {
    this.bounds.dispose();
    this.encoder.dispose();
    this.nodeHead.dispose();
    this.graphHead.dispose();
  }
}
