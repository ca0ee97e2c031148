/**
 * AlexNet-style encoder that Deep InfoMax uses for 64×64 images (Tiny ImageNet,
 * STL-10): five 3×3 convs (96-192-384-384-192) with 3×3 stride-2 max pooling
 * after the 1st, 2nd and 5th, two 4096-unit hidden layers and a 64-d code.
 * Hjelm et al. 2019, "Learning deep representations by mutual information
 * estimation and maximization", https://arxiv.org/abs/1808.06670 (layout after
 * Krizhevsky et al. 2012, and Donahue et al. 2017's BiGAN encoder).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/engine';
import type { Encoder } from './encoder';
import { assemble, type Plan } from './internal/assemble';
import { convBlock, fcTail, on, type Branches, type Sym } from './internal/build';
import { bool, finite, int, list, object, oneOf, optional, reject } from '@infomax/engine';
import { imageShape, parseOptions } from './internal/options';

/** Options of {@link alexnetEncoder} (a `{ kind: 'alexnet', ... }` config without `kind`). */
export interface AlexnetOptions {
  /** Image shape `[height, width, channels]`; at least 15×15 (three poolings). Required. */
  inputShape: [number, number, number];
  /** Filters of the five 3×3 convs. Default [96, 192, 384, 384, 192]. */
  filters?: [number, number, number, number, number];
  /** Units of the hidden fully connected layers. Default [4096, 4096]. */
  fc?: number[];
  /** Size D of the code (the global vector). Default 64. */
  codeSize?: number;
  /** Which conv's output (0-based, after ReLU and pooling) is the local map. Default 2, as in DIM (15×15×384 at 64×64). */
  localLayer?: number;
  /** Batch norm after every conv and hidden dense layer (DIM uses it). Default false. */
  batchNorm?: boolean;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

/** {@link AlexnetOptions} with every default filled in. */
export type ResolvedAlexnetOptions = Required<AlexnetOptions>;

/** Conv layers followed by 3×3 stride-2 max pooling. */
const POOLED = [0, 1, 4];

const SCHEMA = object({
  kind: oneOf(['alexnet'] as const).optional(),
  inputShape: imageShape(),
  filters: optional(list(int(1), { length: 5 }), [96, 192, 384, 384, 192]),
  fc: optional(list(int(1)), [4096, 4096]),
  codeSize: optional(int(1), 64),
  localLayer: optional(int(0, 4), 2),
  batchNorm: optional(bool(), false),
  seed: optional(finite(), 0),
}).transform(({ kind: _kind, ...o }, ctx): ResolvedAlexnetOptions =>
  Math.min(o.inputShape[0], o.inputShape[1]) < 15
    ? reject(ctx, ['inputShape'], 'at least 15 pixels high and wide (three 3×3 stride-2 poolings)', o.inputShape)
    : { ...o, inputShape: o.inputShape as [number, number, number], filters: o.filters as ResolvedAlexnetOptions['filters'] },
);

/** Validates options and fills in defaults (the one place they are resolved). */
export function resolveAlexnet(options: unknown, fn = 'alexnetEncoder', at: string[] = []): ResolvedAlexnetOptions {
  return parseOptions(fn, SCHEMA, options, at);
}

/** The layers, on a symbolic input. Taps: `conv` (last conv map, pooled), `fc` (last hidden layer, if any), `code`. */
export function alexnetBody(x: Sym, o: ResolvedAlexnetOptions, rng: Rng): Branches {
  let h = x;
  let local: Sym | undefined;
  o.filters.forEach((filters, i) => {
    h = convBlock(h, rng, { name: `conv${i + 1}`, filters, kernelSize: 3, strides: 1, batchNorm: o.batchNorm });
    if (POOLED.includes(i)) {
      h = on(tf.layers.maxPooling2d({ name: `pool${i + 1}`, poolSize: 3, strides: 2, padding: 'valid' }), h);
    }
    if (i === o.localLayer) local = h;
  });
  return fcTail(h, local as Sym, rng, o);
}

/** The build plan of a resolved config. */
export function alexnetPlan(o: ResolvedAlexnetOptions): Plan {
  return { config: { kind: 'alexnet', ...o }, inputShape: o.inputShape, seed: o.seed, body: (x, rng) => alexnetBody(x, o, rng) };
}

/**
 * Builds the AlexNet-style encoder.
 *
 * @param options see {@link AlexnetOptions}
 * @returns an {@link Encoder}: images `[batch, H, W, C]` → local `[batch, M, M, C']`,
 *   global `[batch, codeSize]`; taps `conv`, `fc`, `code`
 * @throws ConfigError naming the option that is missing or out of range
 * @example
 * const enc = alexnetEncoder({ inputShape: [64, 64, 3] });
 * enc.localShape; // [15, 15, 384]
 */
export function alexnetEncoder(options: AlexnetOptions): Encoder {
  return assemble(alexnetPlan(resolveAlexnet(options)));
}
