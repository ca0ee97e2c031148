/**
 * UnsortedSegmentSum (the gradient of `gather`), which the wasm backend lacks.
 * out[s, ...] = Σ_{i : ids[i] = s} x[i, ...]; ids outside [0, numSegments) are
 * dropped, as in TensorFlow. Plain JS over the backend's memory: it is a single
 * pass of additions, bound by memory, not arithmetic.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import { Backend, makeInfo } from './kernel-utils';

/** Makes the kernel function (it is the same for every backend). */
export function unsortedSegmentSum(): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    const b = backend as Backend;
    const idRank = segmentIds.shape.length;
    if (idRank > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
      throw new ShapeError(`infomax UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`);
    }
    const outShape = [numSegments, ...x.shape.slice(idRank)];
    const inner = tf.util.sizeFromShape(x.shape.slice(idRank));
    const values = b.readSync(x.dataId) as Float32Array | Int32Array;
    const ids = b.readSync(segmentIds.dataId) as Int32Array;
    const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
    for (let i = 0; i < ids.length; i++) {
      const s = ids[i];
      if (s < 0 || s >= numSegments) continue;
      const src = i * inner;
      const dst = s * inner;
      for (let j = 0; j < inner; j++) out[dst + j] += values[src + j];
    }
    return makeInfo(b, outShape, x.dtype === 'int32' ? 'int32' : 'float32', out);
  };
}
