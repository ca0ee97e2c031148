/**
 * The check every encoder class runs on the model it wraps: built by this package
 * (its config in the metadata) with `local` and `global` as its first outputs.
 */
import type * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../errors';

/** Key under which the encoder config travels in the model's `userDefinedMetadata`. */
export const ENCODER_METADATA_KEY = 'infomaxEncoder';

/**
 * The config stored in `model`'s metadata.
 * @throws ConfigError naming `fn` when the metadata or the `local` / `global` outputs are missing
 */
export function storedConfig(fn: string, model: tf.LayersModel): Record<string, unknown> {
  const meta = model.getUserDefinedMetadata() as Record<string, unknown> | undefined;
  const config = meta?.[ENCODER_METADATA_KEY];
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError(
      `${fn}: argument model must carry '${ENCODER_METADATA_KEY}' in its userDefinedMetadata ` +
        `(models built by @infomax/encoders do); got ${JSON.stringify(meta ?? null)}`,
    );
  }
  const names = model.outputNames;
  if (names[0] !== 'local' || names[1] !== 'global') {
    throw new ConfigError(`${fn}: argument model must have outputs 'local' and 'global' first; got ${JSON.stringify(names)}`);
  }
  return config as Record<string, unknown>;
}
