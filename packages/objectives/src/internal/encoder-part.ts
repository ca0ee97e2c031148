/**
 * The encoder inside an objective's config: a full @infomax/encoders config
 * whose `inputShape` and `seed` the objective sets (so one config describes the
 * encoder of every view); stored with every default filled in.
 */
import { buildEncoder, ENCODER_KINDS, type Encoder, type EncoderConfig, type ImageEncoderConfig } from '@infomax/encoders';
import { nullish, Rng } from '@infomax/engine';
import { buildPart, ownedPart } from './config-schema';

/** An image encoder config without the keys the objective owns. */
export type EncoderPart = Omit<ImageEncoderConfig, 'inputShape' | 'seed'>;

const IMAGE_KINDS = ENCODER_KINDS.filter((k) => k !== 'patch') as unknown as readonly [EncoderPart['kind'], ...EncoderPart['kind'][]];

/**
 * The `encoder` key: an image encoder config without `inputShape` and `seed` (its other
 * options are checked by the encoders when it is built).
 * @param fallback the encoder when the key is absent
 */
export const encoderField = (fallback: EncoderPart) =>
  nullish(
    ownedPart(IMAGE_KINDS, ['inputShape', 'seed'], 'an encoder config ({ kind, ...options })').transform((e) => e as EncoderPart),
    fallback,
  );

/**
 * Builds `part` on `inputShape` with `seed`, and returns it with its resolved config minus
 * `inputShape` / `seed` (what the objective's config stores).
 * @throws ConfigError naming `encoder` when the encoders refuse an option
 */
export function buildImageEncoder(
  part: EncoderPart,
  inputShape: readonly number[],
  seed: number,
): { encoder: Encoder; stored: EncoderPart } {
  const encoder = buildEncoderAt(part, { ...part, inputShape, seed } as EncoderConfig);
  const { inputShape: _shape, seed: _seed, ...stored } = encoder.config as ImageEncoderConfig;
  return { encoder, stored: stored as EncoderPart };
}

/** `buildEncoder(config)`, a refused option reported under the objective's `encoder` key (`part`: what the config gave). */
export function buildEncoderAt(part: EncoderPart, config: EncoderConfig): Encoder {
  return buildPart('encoder', 'a valid encoder config', part, () => buildEncoder(config));
}

/** Seeds for an objective's parts, drawn in a fixed order from a generator seeded by its `seed`. */
export function partSeeds(seed: number, count: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => rng.int(2 ** 31));
}
