/**
 * The encoder inside an objective's config: a full @infomax/encoders config
 * whose `inputShape` and `seed` the objective sets (so one config describes the
 * encoder of every view); stored with every default filled in.
 */
import { buildEncoder, ENCODER_KINDS, type Encoder, type EncoderConfig, type ImageEncoderConfig } from '@infomax/encoders';
import { Rng } from '@infomax/engine';
import { ConfigError } from '../errors';
import type { ConfigReader } from './config-reader';

/** An image encoder config without the keys the objective owns. */
export type EncoderPart = Omit<ImageEncoderConfig, 'inputShape' | 'seed'>;

const IMAGE_KINDS = ENCODER_KINDS.filter((k) => k !== 'patch');

/**
 * Reads `key` (default `{ kind: fallbackKind }`), builds the encoder on `inputShape`
 * with `seed`, and returns it with the resolved config minus `inputShape` / `seed`.
 * An invalid encoder option is rethrown with the key path in front.
 */
export function readEncoder(
  r: ConfigReader,
  key: string,
  inputShape: number[],
  seed: number,
  fallback: EncoderPart,
): { encoder: Encoder; stored: EncoderPart } {
  const value = r.raw(key) ?? fallback;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) r.fail(key, 'an encoder config object', value);
  const given = value as Record<string, unknown>;
  if (!(IMAGE_KINDS as readonly unknown[]).includes(given.kind)) {
    r.fail(`${key}.kind`, `one of ${IMAGE_KINDS.map((k) => `'${k}'`).join(', ')}`, given.kind);
  }
  for (const owned of ['inputShape', 'seed'] as const) {
    if (given[owned] !== undefined) r.fail(`${key}.${owned}`, `absent (the objective sets it from its top-level '${owned}')`, given[owned]);
  }
  const encoder = buildEncoderAt(r, key, { ...given, inputShape, seed } as EncoderConfig);
  const { inputShape: _shape, seed: _seed, ...stored } = encoder.config as ImageEncoderConfig;
  return { encoder, stored: stored as EncoderPart };
}

/** `buildEncoder`, with a failing option reported under the objective's key path. */
export function buildEncoderAt(r: ConfigReader, key: string, config: EncoderConfig): Encoder {
  try {
    return buildEncoder(config);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${r.fn}: config key '${r.path(key)}' is not a valid encoder config: ${err.message}`);
    throw err;
  }
}

/** Reads the top-level `inputShape` `[height, width, channels]`. */
export function readInputShape(r: ConfigReader): [number, number, number] {
  const shape = r.ints('inputShape', undefined, 1);
  if (shape.length !== 3) r.fail('inputShape', '[height, width, channels] of positive integers', shape);
  return shape as [number, number, number];
}

/** Seeds for an objective's parts, drawn in a fixed order from a generator seeded by its `seed`. */
export function partSeeds(seed: number, count: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => rng.int(2 ** 31));
}
