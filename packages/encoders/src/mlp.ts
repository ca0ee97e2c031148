/**
 * MLP encoder: flatten → hidden ReLU layers → linear code. The simplest encoder
 * for small images (e.g. the MNIST top/bottom halves of Tschannen et al. 2020,
 * "On mutual information maximization for representation learning",
 * https://arxiv.org/abs/1907.13625). The default sizes are ours, not a paper's.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/engine';
import type { Encoder } from './encoder';
import { assemble, type Plan } from './internal/assemble';
import { codeLayer, denseBlock, on, type Branches, type Sym } from './internal/build';
import { bool, finite, int, list, object, oneOf, optional } from '@infomax/engine';
import { imageShape, parseOptions } from './internal/options';

/** Options of {@link mlpEncoder} (a `{ kind: 'mlp', ... }` config without `kind`). */
export interface MlpOptions {
  /** Image shape `[height, width, channels]`. Required. */
  inputShape: [number, number, number];
  /** Units of the hidden layers (at least one). Default [512, 512]. */
  hidden?: number[];
  /** Size D of the code (the global vector). Default 64. */
  codeSize?: number;
  /** Batch norm after every hidden layer. Default false. */
  batchNorm?: boolean;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

/** {@link MlpOptions} with every default filled in. */
export type ResolvedMlpOptions = Required<MlpOptions>;

const SCHEMA = object({
  kind: oneOf(['mlp'] as const).optional(),
  inputShape: imageShape(),
  hidden: optional(list(int(1), { min: 1 }), [512, 512]),
  codeSize: optional(int(1), 64),
  batchNorm: optional(bool(), false),
  seed: optional(finite(), 0),
}).transform(({ kind: _kind, ...o }): ResolvedMlpOptions => ({ ...o, inputShape: o.inputShape as [number, number, number] }));

/** Validates options and fills in defaults (the one place they are resolved). */
export function resolveMlp(options: unknown, fn = 'mlpEncoder', at: string[] = []): ResolvedMlpOptions {
  return parseOptions(fn, SCHEMA, options, at);
}

/**
 * The layers, on a symbolic input. An MLP has no spatial map: its local map is
 * the last hidden layer as a 1×1 map, `[batch, 1, 1, hidden]`. Taps: `fc`, `code`.
 */
export function mlpBody(x: Sym, o: ResolvedMlpOptions, rng: Rng): Branches {
  let h = on(tf.layers.flatten({ name: 'flatten' }), x);
  o.hidden.forEach((units, i) => {
    h = denseBlock(h, rng, { name: `fc${i + 1}`, units, batchNorm: o.batchNorm });
  });
  const fc = h;
  const units = o.hidden[o.hidden.length - 1];
  const local = on(tf.layers.reshape({ name: 'fc_map', targetShape: [1, 1, units] }), fc);
  const code = codeLayer(fc, rng, o.codeSize);
  return { local, global: code, taps: { fc, code } };
}

/** The build plan of a resolved config. */
export function mlpPlan(o: ResolvedMlpOptions): Plan {
  return { config: { kind: 'mlp', ...o }, inputShape: o.inputShape, seed: o.seed, body: (x, rng) => mlpBody(x, o, rng) };
}

/**
 * Builds the MLP encoder.
 *
 * @param options see {@link MlpOptions}
 * @returns an {@link Encoder}: images `[batch, H, W, C]` → local `[batch, 1, 1, hidden]`,
 *   global `[batch, codeSize]`; taps `fc`, `code`
 * @throws ConfigError naming the option that is missing or out of range
 * @example
 * const enc = mlpEncoder({ inputShape: [14, 28, 1], hidden: [300, 300] });
 */
export function mlpEncoder(options: MlpOptions): Encoder {
  return assemble(mlpPlan(resolveMlp(options)));
}
