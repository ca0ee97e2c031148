/**
 * DCGAN-style encoder, the one Deep InfoMax uses for 32×32 images and adapts to
 * 28×28 and 64×64: strided 4×4 convs (64-128-256 at 32×32), a 1024-unit hidden
 * layer and a 64-d code. Hjelm et al. 2019, "Learning deep representations by
 * mutual information estimation and maximization", https://arxiv.org/abs/1808.06670;
 * the layout follows Radford et al. 2016 (DCGAN), https://arxiv.org/abs/1511.06434.
 */
import type { Rng } from '@infomax/engine';
import type { Encoder } from './encoder';
import { assemble, type Plan } from './internal/assemble';
import { convBlock, fcTail, type Branches, type Sym } from './internal/build';
import { bool, finite, int, list, object, oneOf, optional, reject } from '@infomax/engine';
import { imageShape, parseOptions } from './internal/options';

/** Options of {@link dcganEncoder} (a `{ kind: 'dcgan', ... }` config without `kind`). */
export interface DcganOptions {
  /** Image shape `[height, width, channels]`. Required. */
  inputShape: [number, number, number];
  /**
   * Filters of each 4×4 stride-2 conv. Default: 64, 128, 256, ... — one layer per
   * halving while the map stays ≥ 4 wide: 28×28 → [64, 128] (7×7 map),
   * 32×32 → [64, 128, 256] (4×4), 64×64 → [64, 128, 256, 512] (4×4).
   */
  filters?: number[];
  /**
   * Conv kernel size (stride 2, 'same' padding). Default 4, DIM's 32×32 and 64×64
   * choice; DIM's own 28×28 config used 5 (same 14×14 → 7×7 maps).
   */
  kernelSize?: number;
  /** Units of the hidden fully connected layers. Default [1024]. */
  fc?: number[];
  /** Size D of the code (the global vector). Default 64. */
  codeSize?: number;
  /**
   * Which conv layer's output (0-based, after ReLU) is the local map. Default as in
   * DIM: the second-to-last conv, or the last when there are two (8×8×128 at 32×32,
   * 7×7×128 at 28×28).
   */
  localLayer?: number;
  /** Batch norm after every conv and hidden dense layer (DIM uses it). Default false. */
  batchNorm?: boolean;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

/** {@link DcganOptions} with every default filled in. */
export type ResolvedDcganOptions = Required<DcganOptions>;

const SCHEMA = object({
  kind: oneOf(['dcgan'] as const).optional(),
  inputShape: imageShape(),
  filters: list(int(1)).optional(),
  kernelSize: optional(int(1), 4),
  fc: optional(list(int(1)), [1024]),
  codeSize: optional(int(1), 64),
  localLayer: int(0).optional(),
  batchNorm: optional(bool(), false),
  seed: optional(finite(), 0),
}).transform(({ kind: _kind, ...o }, ctx): ResolvedDcganOptions => {
  const filters = o.filters ?? defaultFilters(Math.min(o.inputShape[0], o.inputShape[1]));
  if (filters.length === 0) return reject(ctx, ['inputShape'], 'at least 8 pixels high and wide (or give filters)', o.inputShape);
  const n = filters.length;
  const localLayer = o.localLayer ?? Math.min(n - 1, Math.max(1, n - 2));
  if (localLayer >= n) return reject(ctx, ['localLayer'], `an integer in 0..${n - 1} (an index into the conv layers)`, localLayer);
  return { ...o, inputShape: o.inputShape as [number, number, number], filters, localLayer };
});

/** Validates options and fills in defaults (the one place they are resolved). */
export function resolveDcgan(options: unknown, fn = 'dcganEncoder', at: string[] = []): ResolvedDcganOptions {
  return parseOptions(fn, SCHEMA, options, at);
}

function defaultFilters(size: number): number[] {
  const filters: number[] = [];
  for (let s = size; s / 2 >= 4; s = Math.ceil(s / 2)) filters.push(64 * 2 ** filters.length);
  return filters;
}

/** The layers, on a symbolic input. Taps: `conv` (last conv map), `fc` (last hidden layer, if any), `code`. */
export function dcganBody(x: Sym, o: ResolvedDcganOptions, rng: Rng): Branches {
  let h = x;
  let local: Sym | undefined;
  o.filters.forEach((filters, i) => {
    h = convBlock(h, rng, { name: `conv${i + 1}`, filters, kernelSize: o.kernelSize, strides: 2, batchNorm: o.batchNorm });
    if (i === o.localLayer) local = h;
  });
  return fcTail(h, local as Sym, rng, o);
}

/** The build plan of a resolved config. */
export function dcganPlan(o: ResolvedDcganOptions): Plan {
  return { config: { kind: 'dcgan', ...o }, inputShape: o.inputShape, seed: o.seed, body: (x, rng) => dcganBody(x, o, rng) };
}

/**
 * Builds the DCGAN-style encoder.
 *
 * @param options see {@link DcganOptions}
 * @returns an {@link Encoder}: images `[batch, H, W, C]` → local `[batch, M, M, C']`,
 *   global `[batch, codeSize]`; taps `conv`, `fc`, `code`
 * @throws ConfigError naming the option that is missing or out of range
 * @example
 * const enc = dcganEncoder({ inputShape: [32, 32, 3] });
 * enc.localShape; // [8, 8, 128]
 * enc.globalSize; // 64
 */
export function dcganEncoder(options: DcganOptions): Encoder {
  return assemble(dcganPlan(resolveDcgan(options)));
}
