/**
 * `buildEncoder(config)`: one entry point from a JSON config to an {@link Encoder}.
 */
import { object, oneOf } from '@infomax/engine';
import { ENCODER_KINDS, type EncoderConfig } from './config';
import type { Encoder } from './encoder';
import { assemble } from './internal/assemble';
import { imageEncoderPlan } from './internal/plan';
import { parseOptions } from './internal/options';
import { patchPlan } from './patch';

/**
 * Builds the encoder a config describes.
 *
 * @param config `{ kind: 'dcgan' | 'alexnet' | 'resnet' | 'mlp' | 'patch', ...options }`
 *   (see each architecture's options)
 * @returns an {@link Encoder} mapping images `[batch, H, W, C]` (patch grids
 *   `[batch, rows, cols, p, p, c]` for `patch`) to local `[batch, M, M, C']` and
 *   global `[batch, D]`
 * @throws ConfigError naming the option that is unknown, missing or out of range
 * @example
 * const enc = buildEncoder({ kind: 'dcgan', inputShape: [28, 28, 1] });
 * enc.localShape; // [7, 7, 128]
 */
export function buildEncoder(config: EncoderConfig): Encoder {
  const { kind } = parseOptions('buildEncoder', object({ kind: oneOf(ENCODER_KINDS) }, { loose: true }), config);
  return assemble(kind === 'patch' ? patchPlan(config, 'buildEncoder') : imageEncoderPlan(config, 'buildEncoder'));
}
