/**
 * InfoGraph's projection heads, as a choice of {@link projectionHead} blocks: three
 * dense → ReLU layers plus a linear shortcut, the same width in and out (Sun et al.
 * 2020, "InfoGraph", https://arxiv.org/abs/1908.01000, their `FF` module); one on
 * node representations, one on graph representations.
 */
import type * as tf from '@tensorflow/tfjs';
import type { HeadOptions } from './heads';
import { finite, int, object, optional } from '@infomax/engine';
import { parseOptions, positiveIntArgument } from './internal/options';
import { projectionHead } from './projection-head';

/**
 * InfoGraph's head: (dense → ReLU) × 3, plus a linear shortcut of the input.
 *
 * @param size width of the rows it maps, `[rows, size]` (nodes or graphs)
 * @param options see `HeadOptions`; `units` defaults to `size` (InfoGraph's)
 * @returns a model `[rows, size]` → `[rows, units]`
 * @throws ConfigError when `size` or an option is invalid
 * @example
 * const nodeHead = infographHead(160, { seed: 1 });
 * const l = nodeHead.apply(local) as tf.Tensor2D; // [nodes, 160]
 */
export function infographHead(size: number, options: HeadOptions = {}): tf.LayersModel {
  const fn = 'infographHead';
  positiveIntArgument(fn, 'size', size);
  const o = parseOptions(fn, object({ units: optional(int(1), size), seed: optional(finite(), 0) }), options);
  const units = o.units;
  const layer = [{ kind: 'dense', units } as const, { kind: 'relu' } as const];
  return projectionHead({
    inputShape: [size],
    blocks: [...layer, ...layer, ...layer],
    shortcut: true,
    seed: o.seed,
    name: 'infograph_head',
  });
}
