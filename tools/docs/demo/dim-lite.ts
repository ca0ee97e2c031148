/**
 * A small Deep InfoMax (local JSD) model for the live demo page, built from the
 * public API of @infomax/encoders and @infomax/estimators only — the same code runs
 * in Node (the docs-test checks it there) and in the browser bundle.
 */
import * as tf from '@tensorflow/tfjs';
import { dcganEncoder, localHead, globalHead, Encoder } from '@infomax/encoders';
import { infoNce, jsd } from '@infomax/estimators';

/** Sizes of the demo model; small so that a browser tab trains a step in ~0.1 s. */
export interface DimLiteOptions {
  /** Seed of every weight initialiser. */
  seed: number;
  /** Width of the two projection heads (the critic's embedding). */
  units: number;
  /** Adam's learning rate. */
  learningRate: number;
}

/** One training step's numbers. */
export interface DimLiteStep {
  /**
   * InfoNCE estimate (nats) of I(global code; local feature), read off the
   * JSD-trained critic: a lower bound that cannot exceed log(batch).
   */
  estimate: number;
  /** The JSD loss that was minimised. */
  loss: number;
}

/**
 * DIM's local objective: the global code of image i is scored against every
 * location of every image's local map, `scores[i, k, l] = ⟨g(global_i), h(local_k, l)⟩`,
 * and the JSD bound pushes the diagonal (k = i) up.
 */
export class DimLite {
  readonly encoder: Encoder;
  private readonly local: tf.LayersModel;
  private readonly global: tf.LayersModel;
  private readonly optimizer: tf.Optimizer;
  private readonly variables: tf.Variable[];

  constructor(options: DimLiteOptions) {
    this.encoder = dcganEncoder({ inputShape: [28, 28, 1], filters: [16, 32], fc: [128], codeSize: 32, seed: options.seed });
    const [, , channels] = this.encoder.localShape;
    this.local = localHead(channels, { units: options.units, seed: options.seed + 1 });
    this.global = globalHead(this.encoder.globalSize, { units: options.units, seed: options.seed + 2 });
    this.optimizer = tf.train.adam(options.learningRate);
    this.variables = [
      ...this.encoder.trainableVariables,
      ...this.local.trainableWeights.map((w) => w.read() as tf.Variable),
      ...this.global.trainableWeights.map((w) => w.read() as tf.Variable),
    ];
  }

  /**
   * One Adam step on a batch.
   * @param images [batch, 28, 28, 1] in [0, 1]; not disposed.
   */
  step(images: tf.Tensor4D): DimLiteStep {
    let estimate: tf.Scalar | undefined;
    const loss = this.optimizer.minimize(
      () => {
        const { local, global } = this.encoder.encode(images, { training: true });
        const l = this.local.apply(local, { training: true }) as tf.Tensor4D; // [B, M, M, U]
        const g = this.global.apply(global, { training: true }) as tf.Tensor2D; // [B, U]
        const [b, m, n, u] = l.shape;
        // [B, U] x [B·M·M, U]ᵀ → [B, B, M·M]: scores[i, k, loc]
        const scores = tf.reshape(tf.matMul(g, tf.reshape(l, [b * m * n, u]), false, true), [b, b, m * n]);
        // JSD trains (stable gradients); InfoNCE reports, bounded by log B and so
        // readable from the first step, where NWJ's e^T term is still huge.
        estimate = tf.keep(infoNce(scores).estimate);
        return jsd(scores).loss;
      },
      true,
      this.variables,
    ) as tf.Scalar;
    const out = { estimate: estimate!.dataSync()[0], loss: loss.dataSync()[0] };
    tf.dispose([loss, estimate!]);
    return out;
  }

  /** Frees the models and the optimizer's slots. */
  dispose(): void {
    this.encoder.dispose();
    this.local.dispose();
    this.global.dispose();
    this.optimizer.dispose();
  }
}

/**
 * Digits as stored in the demo's asset: a 16-byte header (`"IMXD"`, count, height,
 * width as little-endian u32), then `count·height·width` grey bytes, then `count` label bytes.
 */
export function decodeDigits(buffer: ArrayBuffer): { images: Uint8Array; labels: Uint8Array; count: number; size: number } {
  const head = new DataView(buffer, 0, 16);
  const magic = String.fromCharCode(head.getUint8(0), head.getUint8(1), head.getUint8(2), head.getUint8(3));
  if (magic !== 'IMXD') throw new Error(`decodeDigits: expected magic "IMXD", got "${magic}"`);
  const count = head.getUint32(4, true);
  const size = head.getUint32(8, true);
  const pixels = count * size * size;
  return {
    images: new Uint8Array(buffer, 16, pixels),
    labels: new Uint8Array(buffer, 16 + pixels, count),
    count,
    size,
  };
}

/**
 * Batch `index` of a fixed seeded order, as `[batch, size, size, 1]` in [0, 1].
 * @param order a permutation of the image indices.
 */
export function digitBatch(images: Uint8Array, size: number, order: ArrayLike<number>, index: number, batch: number): tf.Tensor4D {
  const out = new Float32Array(batch * size * size);
  const per = size * size;
  for (let j = 0; j < batch; j++) {
    const src = order[(index * batch + j) % order.length] * per;
    for (let p = 0; p < per; p++) out[j * per + p] = images[src + p] / 255;
  }
  return tf.tensor4d(out, [batch, size, size, 1]);
}
