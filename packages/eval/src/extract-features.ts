/** Frozen features: run an encoder over a whole image set in batches and keep the outputs. */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from './errors';
import { checkInt } from './internal/validate';

/**
 * Runs `predict` over `images` batch by batch (each batch inside `tf.tidy`) and
 * gathers the outputs, flattened per image, into one array: a conv map
 * `[b, h', w', c']` becomes `h'·w'·c'` features per row. `Uint8Array` pixels are
 * scaled by 1/255; `Float32Array` pixels are used as they are. Outputs are read back
 * with `await data()`, so it runs on every backend (webgpu too).
 *
 * @param predict frozen encoder: `[b, height, width, channels]` → `[b, ...]` (`[b]` counts as one feature); called inside `tf.tidy`, so its intermediates are freed.
 * @param images `[n, height, width, channels]` row-major pixels.
 * @param shape `[n, height, width, channels]`.
 * @param batchSize images per call of `predict` (≥ 1).
 * @returns `[n, dim]` row-major features (dim = output size per image).
 * @throws ShapeError when `images.length` differs from the product of `shape`, or `predict` returns a tensor whose batch size or row size changes.
 * @throws ConfigError when `batchSize` or a dimension of `shape` is not a positive integer.
 * @example
 * const codes = await extractFeatures((x) => encoder.apply(x).global, test.images, [2000, 28, 28, 1], 256);
 * const dim = codes.length / 2000;
 */
export async function extractFeatures(
  predict: (x: tf.Tensor4D) => tf.Tensor,
  images: Float32Array | Uint8Array,
  shape: [number, number, number, number],
  batchSize: number,
): Promise<Float32Array> {
  const fn = 'extractFeatures';
  if (shape.length !== 4) throw new ShapeError(`${fn}: shape must be [n, height, width, channels], got [${shape.join(', ')}]`);
  shape.forEach((s, i) => checkInt(fn, `shape[${i}]`, s, 1));
  checkInt(fn, 'batchSize', batchSize, 1);
  const [n, h, w, c] = shape;
  const pixels = h * w * c;
  if (images.length !== n * pixels) {
    throw new ShapeError(
      `${fn}: images must hold ${n}·${h}·${w}·${c} = ${n * pixels} values for shape [${shape.join(', ')}], got ${images.length}`,
    );
  }
  let out: Float32Array | null = null;
  let dim = 0;
  for (let first = 0; first < n; first += batchSize) {
    const size = Math.min(batchSize, n - first);
    const features = tf.tidy(() => {
      const raw = images.subarray(first * pixels, (first + size) * pixels);
      const x =
        raw instanceof Uint8Array ? tf.tensor4d(Float32Array.from(raw), [size, h, w, c]).div(255) : tf.tensor4d(raw, [size, h, w, c]);
      const y = predict(x as tf.Tensor4D);
      if (y.rank < 1 || y.shape[0] !== size) {
        throw new ShapeError(`${fn}: predict must return [${size}, ...] for a batch of ${size}, got [${y.shape.join(', ')}]`);
      }
      return y.reshape([size, -1]);
    });
    const values = await features.data();
    features.dispose();
    if (out === null) {
      dim = values.length / size;
      out = new Float32Array(n * dim);
    } else if (values.length !== size * dim) {
      throw new ShapeError(`${fn}: predict returned ${values.length / size} features per image, earlier ${dim}`);
    }
    out.set(values, first * dim);
  }
  return out as Float32Array;
}
