/**
 * Small ResNet with the ResNet-18 layout: a stem, four stages of basic blocks
 * (two 3×3 convs and an identity or 1×1 projection shortcut), widths w, 2w, 4w,
 * 8w, global average pooling and an optional linear code. He et al. 2016,
 * "Deep residual learning for image recognition", https://arxiv.org/abs/1512.03385.
 * ResNet-18 itself is `width: 64, blocks: [2, 2, 2, 2], stem: 'imagenet'`; the
 * default is 4× narrower with the CIFAR-style 3×3 stem, to train on a CPU.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/engine';
import type { Encoder } from './encoder';
import { assemble, type Plan } from './internal/assemble';
import { codeLayer, convBlock, on, type Branches, type Sym } from './internal/build';
import { bool, finite, int, list, object, oneOf, optional, reject } from '@infomax/engine';
import { imageShape, parseOptions } from './internal/options';

/** Stems {@link resnetEncoder} accepts: `small` = 3×3 stride-1 conv; `imagenet` = 7×7 stride-2 conv + 3×3 stride-2 max pool. */
export const RESNET_STEMS = ['small', 'imagenet'] as const;
/** One of {@link RESNET_STEMS}. */
export type ResnetStem = (typeof RESNET_STEMS)[number];

/** Options of {@link resnetEncoder} (a `{ kind: 'resnet', ... }` config without `kind`). */
export interface ResnetOptions {
  /** Image shape `[height, width, channels]`. Required. */
  inputShape: [number, number, number];
  /** Filters of the stem and first stage; stage i has width·2^i. Default 16 (ResNet-18: 64). */
  width?: number;
  /** Basic blocks per stage; stages after the first halve the map. Default [2, 2, 2, 2]. */
  blocks?: number[];
  /** The stem. Default `'small'` (CIFAR-style, keeps the resolution). */
  stem?: ResnetStem;
  /** Size D of a linear code after pooling; 0 makes the pooled features the global vector. Default 64. */
  codeSize?: number;
  /** Which stage's output (0-based) is the local map. Default the second-to-last (8×8 at 32×32). */
  localStage?: number;
  /** Batch norm after every conv, as in ResNet. Default true. */
  batchNorm?: boolean;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

/** {@link ResnetOptions} with every default filled in. */
export type ResolvedResnetOptions = Required<ResnetOptions>;

const SCHEMA = object({
  kind: oneOf(['resnet'] as const).optional(),
  inputShape: imageShape(),
  width: optional(int(1), 16),
  blocks: optional(list(int(1), { min: 1 }), [2, 2, 2, 2]),
  stem: optional(oneOf(RESNET_STEMS), 'small'),
  codeSize: optional(int(0), 64),
  localStage: int(0).optional(),
  batchNorm: optional(bool(), true),
  seed: optional(finite(), 0),
}).transform(({ kind: _kind, ...o }, ctx): ResolvedResnetOptions => {
  const n = o.blocks.length;
  const localStage = o.localStage ?? Math.max(0, n - 2);
  if (localStage >= n) return reject(ctx, ['localStage'], `an integer in 0..${n - 1} (an index into the stages)`, localStage);
  return { ...o, inputShape: o.inputShape as [number, number, number], localStage };
});

/** Validates options and fills in defaults (the one place they are resolved). */
export function resolveResnet(options: unknown, fn = 'resnetEncoder', at: string[] = []): ResolvedResnetOptions {
  return parseOptions(fn, SCHEMA, options, at);
}

function basicBlock(x: Sym, rng: Rng, name: string, filters: number, strides: number, batchNorm: boolean): Sym {
  const bn = { batchNorm };
  const y1 = convBlock(x, rng, { name: `${name}_conv1`, filters, kernelSize: 3, strides, ...bn });
  const y = convBlock(y1, rng, { name: `${name}_conv2`, filters, kernelSize: 3, strides: 1, relu: false, ...bn });
  const inChannels = x.shape[3];
  const shortcut =
    strides === 1 && inChannels === filters
      ? x
      : convBlock(x, rng, { name: `${name}_proj`, filters, kernelSize: 1, strides, relu: false, ...bn });
  const sum = on(tf.layers.add({ name: `${name}_add` }), [y, shortcut]);
  return on(tf.layers.reLU({ name: `${name}_relu` }), sum);
}

/** The layers, on a symbolic input. Taps: `conv` (last stage), `pool` (averaged), `code` (when codeSize > 0). */
export function resnetBody(x: Sym, o: ResolvedResnetOptions, rng: Rng): Branches {
  const bn = o.batchNorm;
  let h =
    o.stem === 'small'
      ? convBlock(x, rng, { name: 'stem', filters: o.width, kernelSize: 3, strides: 1, batchNorm: bn })
      : on(
          tf.layers.maxPooling2d({ name: 'stem_pool', poolSize: 3, strides: 2, padding: 'same' }),
          convBlock(x, rng, { name: 'stem', filters: o.width, kernelSize: 7, strides: 2, batchNorm: bn }),
        );
  let local: Sym | undefined;
  o.blocks.forEach((count, stage) => {
    const filters = o.width * 2 ** stage;
    for (let b = 0; b < count; b++) {
      const strides = stage > 0 && b === 0 ? 2 : 1;
      h = basicBlock(h, rng, `s${stage + 1}b${b + 1}`, filters, strides, bn);
    }
    if (stage === o.localStage) local = h;
  });
  const conv = h;
  const pool = on(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), h);
  if (o.codeSize === 0) return { local: local as Sym, global: pool, taps: { conv, pool } };
  const code = codeLayer(pool, rng, o.codeSize);
  return { local: local as Sym, global: code, taps: { conv, pool, code } };
}

/** The build plan of a resolved config. */
export function resnetPlan(o: ResolvedResnetOptions): Plan {
  return { config: { kind: 'resnet', ...o }, inputShape: o.inputShape, seed: o.seed, body: (x, rng) => resnetBody(x, o, rng) };
}

/**
 * Builds the ResNet encoder.
 *
 * @param options see {@link ResnetOptions}
 * @returns an {@link Encoder}: images `[batch, H, W, C]` → local `[batch, M, M, C']`,
 *   global `[batch, codeSize]` (or `[batch, 8·width]` when codeSize is 0); taps
 *   `conv`, `pool`, `code`
 * @throws ConfigError naming the option that is missing or out of range
 * @example
 * const enc = resnetEncoder({ inputShape: [32, 32, 3], width: 16 });
 * enc.localShape; // [8, 8, 64]
 */
export function resnetEncoder(options: ResnetOptions): Encoder {
  return assemble(resnetPlan(resolveResnet(options)));
}
