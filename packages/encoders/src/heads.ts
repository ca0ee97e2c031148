/**
 * Deep InfoMax's heads, as choices of {@link projectionHead} blocks: a 1×1-conv
 * network on the local map and an MLP on the global vector, each with a linear
 * shortcut initialised near the identity. Hjelm et al. 2019, "Learning deep
 * representations by mutual information estimation and maximization",
 * https://arxiv.org/abs/1808.06670 (their `MI1x1ConvNet` and `MIFCNet`).
 */
import type * as tf from '@tensorflow/tfjs';
import { finite, int, object, optional } from '@infomax/engine';
import { parseOptions, positiveIntArgument } from './internal/options';
import { projectionHead } from './projection-head';

/** Options of {@link localHead} and {@link globalHead}. */
export interface HeadOptions {
  /** Units (output width) of the head. Default 2048, DIM's. */
  units?: number;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

const SCHEMA = object({ units: optional(int(1), 2048), seed: optional(finite(), 0) });

/**
 * DIM's local head: 1×1 conv (no bias) → batch norm → ReLU → 1×1 conv, plus a
 * linear 1×1 shortcut, then layer norm; works on maps of any size.
 *
 * @param channels C of the local map `[batch, M, M, C]`
 * @param options see {@link HeadOptions}
 * @returns a model `[batch, M, M, C]` → `[batch, M, M, units]`
 * @throws ConfigError when `channels` or an option is invalid
 * @example
 * const head = localHead(128, { units: 512 });
 * const l = head.apply(local) as tf.Tensor4D; // [B, 7, 7, 512]
 */
export function localHead(channels: number, options: HeadOptions = {}): tf.LayersModel {
  const { units, seed } = parseOptions('localHead', SCHEMA, options);
  positiveIntArgument('localHead', 'channels', channels);
  return projectionHead({
    inputShape: [null, null, channels],
    blocks: [
      { kind: 'conv1x1', filters: units, useBias: false },
      { kind: 'batchNorm' },
      { kind: 'relu' },
      { kind: 'conv1x1', filters: units },
    ],
    shortcut: true,
    post: [{ kind: 'layerNorm' }],
    seed,
    name: 'local_head',
  });
}

/**
 * DIM's global head: dense → batch norm → ReLU → dense, plus a linear shortcut.
 *
 * @param size D of the global vector `[batch, D]`
 * @param options see {@link HeadOptions}
 * @returns a model `[batch, D]` → `[batch, units]`
 * @throws ConfigError when `size` or an option is invalid
 * @example
 * const head = globalHead(64, { units: 512 });
 * const g = head.apply(global) as tf.Tensor2D; // [B, 512]
 */
export function globalHead(size: number, options: HeadOptions = {}): tf.LayersModel {
  const { units, seed } = parseOptions('globalHead', SCHEMA, options);
  positiveIntArgument('globalHead', 'size', size);
  return projectionHead({
    inputShape: [size],
    blocks: [{ kind: 'dense', units, useBias: false }, { kind: 'batchNorm' }, { kind: 'relu' }, { kind: 'dense', units }],
    shortcut: true,
    seed,
    name: 'global_head',
  });
}
