/**
 * Generic projection head: a sequence of blocks (dense, 1×1 conv, ReLU, batch
 * norm, layer norm), optionally added to a linear shortcut of the input and
 * followed by more blocks. Method heads (`localHead`, `globalHead`) only choose
 * the blocks, as lightly's `ProjectionHead` does.
 */
import * as tf from '@tensorflow/tfjs';
import { bool, expectedOf, finite, int, list, object, oneOf, optional, reject, Rng, text } from '@infomax/engine';
import { glorotInit, heInit, on, type Sym } from './internal/build';
import { noisyIdentity } from './internal/noisy-identity';
import { parseOptions } from './internal/options';

/** Block kinds of a {@link projectionHead}, declared once. */
export const HEAD_BLOCK_KINDS = ['dense', 'conv1x1', 'relu', 'batchNorm', 'layerNorm'] as const;

/**
 * One block of a head. `dense` maps the last axis (any rank); `conv1x1` is a 1×1
 * convolution on `[batch, M, M, C]` maps (the same map at every location);
 * norms act on the last axis.
 */
export type HeadBlock =
  | { kind: 'dense'; units: number; useBias?: boolean }
  | { kind: 'conv1x1'; filters: number; useBias?: boolean }
  | { kind: 'relu' }
  | { kind: 'batchNorm' }
  | { kind: 'layerNorm' };

/** Config of {@link projectionHead}; plain JSON. */
export interface ProjectionHeadConfig {
  /** Input shape without the batch axis: `[D]` for vectors, `[M, M, C]` or `[null, null, C]` for maps. Required. */
  inputShape: Array<number | null>;
  /** The main branch, in order. Required, at least one block. */
  blocks: HeadBlock[];
  /**
   * Add a linear map of the input (no bias, initialised to ones on the diagonal
   * plus U(-0.01, 0.01) noise, as in DIM) to the main branch's output. Needs a
   * `dense` or `conv1x1` block to fix the output width. Default false.
   */
  shortcut?: boolean;
  /** Blocks applied after the sum (e.g. DIM's layer norm). Default []. */
  post?: HeadBlock[];
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
  /** Model name. Default `'projection_head'`. */
  name?: string;
}

const FN = 'projectionHead';

const BLOCK = object({
  kind: oneOf(HEAD_BLOCK_KINDS),
  units: int(1).optional(),
  filters: int(1).optional(),
  useBias: bool().optional(),
}).transform((b, ctx): HeadBlock => {
  if (b.kind === 'dense' && b.units === undefined) return reject(ctx, ['units'], expectedOf(int(1)), b.units);
  if (b.kind === 'conv1x1' && b.filters === undefined) return reject(ctx, ['filters'], expectedOf(int(1)), b.filters);
  return b as HeadBlock;
});

const SCHEMA = object({
  inputShape: list(int(1).nullable(), { min: 1, what: 'a shape without the batch axis, the last axis a positive integer' }),
  blocks: list(BLOCK, { min: 1, what: 'a list of at least 1 block' }),
  shortcut: optional(bool(), false),
  post: optional(list(BLOCK, { what: 'a list of blocks' }), []),
  seed: optional(finite(), 0),
  name: optional(text(), 'projection_head'),
}).transform((o, ctx) => {
  if (o.inputShape[o.inputShape.length - 1] === null)
    return reject(ctx, ['inputShape'], 'a shape whose last axis is a positive integer', o.inputShape);
  if (o.inputShape.length !== 3 && [...o.blocks, ...o.post].some((b) => b.kind === 'conv1x1')) {
    return reject(ctx, ['inputShape'], "[M, M, C] (a map) when a block is 'conv1x1'", o.inputShape);
  }
  if (o.shortcut && width(o.blocks) === undefined) {
    return reject(ctx, ['shortcut'], "false unless a 'dense' or 'conv1x1' block sets the output width", o.shortcut);
  }
  return o;
});

function width(blocks: HeadBlock[]): number | undefined {
  let w: number | undefined;
  for (const b of blocks) {
    if (b.kind === 'dense') w = b.units;
    if (b.kind === 'conv1x1') w = b.filters;
  }
  return w;
}

function applyBlock(h: Sym, b: HeadBlock, name: string, linearInit: () => ReturnType<typeof heInit>): Sym {
  switch (b.kind) {
    case 'dense':
      return on(tf.layers.dense({ name, units: b.units, useBias: b.useBias ?? true, kernelInitializer: linearInit() }), h);
    case 'conv1x1':
      return on(
        tf.layers.conv2d({ name, filters: b.filters, kernelSize: 1, useBias: b.useBias ?? true, kernelInitializer: linearInit() }),
        h,
      );
    case 'relu':
      return on(tf.layers.reLU({ name }), h);
    case 'batchNorm':
      return on(tf.layers.batchNormalization({ name }), h);
    case 'layerNorm':
      return on(tf.layers.layerNormalization({ name }), h);
  }
}

function applyBlocks(h: Sym, blocks: HeadBlock[], prefix: string, rng: Rng): Sym {
  blocks.forEach((b, i) => {
    // A linear layer followed by a ReLU gets He init; one that ends the branch, Glorot.
    const nextIsRelu = blocks.slice(i + 1).find((n) => n.kind !== 'batchNorm')?.kind === 'relu';
    h = applyBlock(h, b, `${prefix}${i + 1}_${b.kind}`, () => (nextIsRelu ? heInit(rng) : glorotInit(rng)));
  });
  return h;
}

/**
 * Builds a projection head as a tf.LayersModel.
 *
 * @param config see {@link ProjectionHeadConfig}
 * @returns a model mapping `[batch, ...inputShape]` to `[batch, ..., width]`
 *   (`[batch, D']` for vectors, `[batch, M, M, C']` for maps)
 * @throws ConfigError naming the option or block that is invalid
 * @example
 * const head = projectionHead({
 *   inputShape: [64],
 *   blocks: [{ kind: 'dense', units: 512 }, { kind: 'relu' }, { kind: 'dense', units: 128 }],
 * });
 * const z = head.apply(global) as tf.Tensor2D; // [B, 128]
 */
export function projectionHead(config: ProjectionHeadConfig): tf.LayersModel {
  const { inputShape, blocks, post, shortcut, seed, name } = parseOptions(FN, SCHEMA, config);
  const rank = inputShape.length + 1;
  const out = width(blocks);

  const rng = new Rng(seed);
  const input = tf.input({ shape: inputShape as number[], name: 'features' });
  let h = applyBlocks(input, blocks, 'block', rng);
  if (shortcut) {
    const init = noisyIdentity(rng.tfSeed());
    const linear =
      rank === 4
        ? tf.layers.conv2d({ name: 'shortcut', filters: out as number, kernelSize: 1, useBias: false, kernelInitializer: init })
        : tf.layers.dense({ name: 'shortcut', units: out as number, useBias: false, kernelInitializer: init });
    h = on(tf.layers.add({ name: 'shortcut_add' }), [h, on(linear, input)]);
  }
  h = applyBlocks(h, post, 'post', rng);
  return tf.model({ inputs: input, outputs: h, name });
}
