/**
 * Building blocks shared by the encoder builders: seeded initialisers, conv and
 * dense blocks (linear → optional batch norm → ReLU), and the step that turns
 * named symbolic outputs into one multi-output tf.LayersModel.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/engine';
import type { KernelInitializer } from './noisy-identity';

/** A symbolic tensor inside a tfjs functional model under construction. */
export type Sym = tf.SymbolicTensor;

/** What an encoder body produces before its outputs are named. */
export interface Branches {
  /** `[batch, M, M, C']` */
  local: Sym;
  /** `[batch, D]` */
  global: Sym;
  /** Further named outputs a probe may want (`conv`, `fc`, `code`, ...). */
  taps: Record<string, Sym>;
}

/** Applies a layer to one symbolic tensor. */
export function on(layer: tf.layers.Layer, x: Sym | Sym[]): Sym {
  return layer.apply(x) as Sym;
}

/**
 * He-uniform (PyTorch's default family, which DIM trained with) for layers
 * followed by a ReLU, Glorot-uniform for linear outputs; each draws its own seed
 * from the encoder's generator, in construction order, so the same seed gives
 * the same weights. Uniform rather than tfjs' truncated normal: same variance,
 * and tfjs draws truncated normals 4–8× slower (seconds for an AlexNet).
 */
export function heInit(rng: Rng): KernelInitializer {
  return tf.initializers.heUniform({ seed: rng.tfSeed() });
}

export function glorotInit(rng: Rng): KernelInitializer {
  return tf.initializers.glorotUniform({ seed: rng.tfSeed() });
}

/** Conv → (batch norm) → ReLU. With batch norm the conv has no bias: BN's shift replaces it. */
export function convBlock(
  x: Sym,
  rng: Rng,
  o: { name: string; filters: number; kernelSize: number; strides: number; batchNorm: boolean; relu?: boolean },
): Sym {
  let h = on(
    tf.layers.conv2d({
      name: o.name,
      filters: o.filters,
      kernelSize: o.kernelSize,
      strides: o.strides,
      padding: 'same',
      useBias: !o.batchNorm,
      kernelInitializer: heInit(rng),
    }),
    x,
  );
  if (o.batchNorm) h = on(tf.layers.batchNormalization({ name: `${o.name}_bn` }), h);
  if (o.relu ?? true) h = on(tf.layers.reLU({ name: `${o.name}_relu` }), h);
  return h;
}

/** Dense → (batch norm) → ReLU: a hidden fully connected layer. */
export function denseBlock(x: Sym, rng: Rng, o: { name: string; units: number; batchNorm: boolean }): Sym {
  let h = on(tf.layers.dense({ name: o.name, units: o.units, useBias: !o.batchNorm, kernelInitializer: heInit(rng) }), x);
  if (o.batchNorm) h = on(tf.layers.batchNormalization({ name: `${o.name}_bn` }), h);
  return on(tf.layers.reLU({ name: `${o.name}_relu` }), h);
}

/** The linear output layer producing the code. */
export function codeLayer(x: Sym, rng: Rng, units: number): Sym {
  return on(tf.layers.dense({ name: 'out', units, kernelInitializer: glorotInit(rng) }), x);
}

/**
 * The fully connected tail every conv encoder shares: flatten the last conv map,
 * the fc blocks, then the code; taps `conv`, `fc` (when there is an fc layer), `code`.
 */
export function fcTail(conv: Sym, local: Sym, rng: Rng, o: { fc: readonly number[]; batchNorm: boolean; codeSize: number }): Branches {
  let h = on(tf.layers.flatten({ name: 'flatten' }), conv);
  o.fc.forEach((units, i) => {
    h = denseBlock(h, rng, { name: `fc${i + 1}`, units, batchNorm: o.batchNorm });
  });
  const fc: Record<string, Sym> = o.fc.length > 0 ? { fc: h } : {};
  const code = codeLayer(h, rng, o.codeSize);
  return { local, global: code, taps: { conv, ...fc, code } };
}
