/**
 * Turns an encoder body into an {@link Encoder}: names every output with a
 * {@link Tap} layer (`local`, `global`, then the further taps), builds one
 * functional tf.LayersModel and stores the config in its metadata so that a
 * saved model comes back as the same encoder.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import type { EncoderConfig } from '../config';
import { Encoder, ENCODER_METADATA_KEY } from '../encoder';
import { on, type Branches, type Sym } from './build';
import { Tap } from './layers';

/** A validated encoder config and how to build its layers. */
export interface Plan {
  /** The config with defaults filled in; stored in the model's metadata. */
  config: EncoderConfig;
  /** Input shape without the batch axis. */
  inputShape: number[];
  /** Seed of the weight initialisers. */
  seed: number;
  /** Adds the encoder's layers on a symbolic input. */
  body: (x: Sym, rng: Rng) => Branches;
}

/** Builds the model of `plan.body` on an input of `plan.inputShape`, seeding weights from `plan.seed`. */
export function assemble({ config, inputShape, seed, body }: Plan): Encoder {
  const rng = new Rng(seed);
  const input = tf.input({ shape: inputShape, name: 'images' });
  const b = body(input, rng);
  const named: Record<string, Sym> = { local: b.local, global: b.global, ...b.taps };
  const outputs = Object.entries(named).map(([name, t]) => on(new Tap({ name }), t));
  const model = tf.model({ inputs: input, outputs, name: `${config.kind}_encoder` });
  model.setUserDefinedMetadata({ [ENCODER_METADATA_KEY]: config as unknown as tf.serialization.ConfigDict });
  return new Encoder(model);
}
