/**
 * The {@link Encoder}: one tf.LayersModel whose outputs are the local feature
 * map, the global vector and the intermediate layers a probe may want, with
 * the JSON config it was built from.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from './errors';
import type { EncoderConfig } from './config';
import { storedConfig } from './internal/model-check';

export { ENCODER_METADATA_KEY } from './internal/model-check';

/** What {@link Encoder.encode} returns. The caller owns (and disposes) every tensor. */
export interface EncoderOutput {
  /** Local feature map `[batch, M, M, C']` (for the patch encoder: `[batch, rows, cols, D]`). */
  local: tf.Tensor4D;
  /** Global vector `[batch, D]`. */
  global: tf.Tensor2D;
  /** Further named outputs (`conv`, `fc`, `code`, `pool`, ...; see each encoder). */
  taps: Record<string, tf.Tensor>;
}

/** Options of {@link Encoder.encode}. */
export interface EncodeOptions {
  /** Training mode: batch norm uses (and updates) batch statistics. Default `false`. */
  training?: boolean;
}

/**
 * An image encoder: maps images `[batch, height, width, channels]` in [0, 1] to
 * `{ local, global, taps }`. Build one with `buildEncoder(config)` or an
 * architecture function (`dcganEncoder`, ...); rebuild one around a loaded
 * model with {@link Encoder.fromModel}.
 *
 * @example
 * const enc = buildEncoder({ kind: 'dcgan', inputShape: [28, 28, 1] });
 * const { local, global } = enc.encode(images); // [B,7,7,128], [B,64]
 */
export class Encoder {
  /** The model: one input, outputs named by {@link Encoder.taps}. */
  readonly model: tf.LayersModel;
  /** The config it was built from, defaults filled in (JSON-serialisable). */
  readonly config: EncoderConfig;
  /** Output names in model order: `local`, `global`, then the further taps. */
  readonly taps: readonly string[];

  /**
   * Wraps a model built by this package (or loaded back from a save of one).
   * @throws ConfigError when the model lacks the encoder metadata or the
   *   `local` / `global` outputs.
   */
  constructor(model: tf.LayersModel) {
    const config = storedConfig('Encoder', model);
    this.model = model;
    this.config = config as unknown as EncoderConfig;
    this.taps = [...model.outputNames];
  }

  /**
   * Rebuilds an encoder around a model loaded with `loadModel` / `tf.loadLayersModel`.
   * @param model a model saved from an {@link Encoder}'s `model`
   * @throws ConfigError when the model was not built by this package
   * @example
   * const enc = Encoder.fromModel(await tf.loadLayersModel(handler));
   */
  static fromModel(model: tf.LayersModel): Encoder {
    return new Encoder(model);
  }

  /** Input shape without the batch axis, e.g. `[28, 28, 1]` or `[rows, cols, p, p, c]`. */
  get inputShape(): number[] {
    return this.model.inputs[0].shape.slice(1) as number[];
  }

  /** Shape of the local map without the batch axis, `[M, M, C']`. */
  get localShape(): [number, number, number] {
    const s = this.model.outputs[0].shape;
    return [s[1] as number, s[2] as number, s[3] as number];
  }

  /** Size D of the global vector. */
  get globalSize(): number {
    return this.model.outputs[1].shape[1] as number;
  }

  /** The variables an optimizer should train (batch-norm moving statistics excluded). */
  get trainableVariables(): tf.Variable[] {
    return this.model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /**
   * Encodes a batch.
   * @param images `[batch, ...inputShape]`, float32, in [0, 1]
   * @param options see {@link EncodeOptions}
   * @returns `local` `[batch, M, M, C']`, `global` `[batch, D]`, `taps` by name
   * @throws ShapeError when `images` does not have shape `[batch, ...inputShape]`
   * @example
   * const { local, global, taps } = enc.encode(batch, { training: true });
   */
  encode(images: tf.Tensor, options: EncodeOptions = {}): EncoderOutput {
    const want = this.inputShape;
    const got = images.shape;
    if (got.length !== want.length + 1 || want.some((d, i) => got[i + 1] !== d) || got[0] < 1) {
      throw new ShapeError(`Encoder.encode: argument images must have shape [batch, ${want.join(', ')}]; got [${got.join(', ')}]`);
    }
    const training = options.training ?? false;
    return tf.tidy(() => {
      const outs = this.model.apply(images, { training }) as tf.Tensor[];
      const taps: Record<string, tf.Tensor> = {};
      for (let i = 2; i < outs.length; i++) taps[this.taps[i]] = outs[i];
      return { local: outs[0], global: outs[1], taps } as unknown as tf.TensorContainer;
    }) as unknown as EncoderOutput;
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.model.dispose();
  }
}
