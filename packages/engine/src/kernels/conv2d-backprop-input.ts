/**
 * Conv2DBackpropInput as stride-1 convolutions, one per output phase.
 *
 * With dilation 1, dx[b, ih, iw, ci] = Σ dy[b, oh, ow, co] · W[kh, kw, ci, co] over
 * ih + padTop = oh·s + kh. Writing t = ih + padTop = q·s + r, only taps kh ≡ r (mod s)
 * contribute: dx_r[q] = Σ_j dy[q − j] · W[r + s·j]. Each phase r is a stride-1
 * correlation of dy with the flipped sub-filter W[r + s·(J−1−j)], transposed to
 * [J, J', co, ci]; the phases are interleaved back with Pack + Reshape. This does
 * no multiplications by inserted zeros (the stock wasm kernel is a scalar loop).
 */
import * as tf from '@tensorflow/tfjs';
import { gradientGeometry, type ConvGeometry } from './conv-geometry';
import { Backend, makeInfo, callKernel, release, reshape, sliceHW } from './kernel-utils';

/** Makes the kernel function for `backendName`, built on that backend's Conv2D. */
export function conv2dBackpropInput(backendName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const b = backend as Backend;
    const g = gradientGeometry('Conv2DBackpropInput', a.inputShape, filter.shape, dy, a);
    const w = b.readSync(filter.dataId) as Float32Array;
    const rows = phaseRange(g.padTop, g.inHeight, g.strideHeight);
    const cols = phaseRange(g.padLeft, g.inWidth, g.strideWidth);

    const rowBlocks: tf.TensorInfo[] = [];
    for (let rh = 0; rh < g.strideHeight; rh++) {
      const phases: tf.TensorInfo[] = [];
      for (let rw = 0; rw < g.strideWidth; rw++) {
        phases.push(phaseConv(backendName, b, dy, w, g, rh, rw, rows, cols));
      }
      rowBlocks.push(interleave(backendName, b, phases, 3, [g.batch, rows.count, cols.count * g.strideWidth, g.inChannels]));
    }
    const full = interleave(backendName, b, rowBlocks, 2, [g.batch, rows.count * g.strideHeight, cols.count * g.strideWidth, g.inChannels]);
    const dx = sliceHW(
      backendName,
      b,
      full,
      g.padTop - rows.q0 * g.strideHeight,
      g.inHeight,
      g.padLeft - cols.q0 * g.strideWidth,
      g.inWidth,
    );
    release(b, full);
    return dx;
  };
}

/** The q's (t = q·s + r) that cover t ∈ [pad, pad + size). */
interface PhaseRange {
  q0: number;
  count: number;
}

function phaseRange(pad: number, size: number, stride: number): PhaseRange {
  const q0 = Math.floor(pad / stride);
  const q1 = Math.floor((pad + size - 1) / stride) + 1;
  return { q0, count: q1 - q0 };
}

/** dx for phase (rh, rw) at q ∈ [q0, q0 + count): [batch, rows.count, cols.count, inChannels]. */
function phaseConv(
  backendName: string,
  b: Backend,
  dy: tf.TensorInfo,
  w: Float32Array,
  g: ConvGeometry,
  rh: number,
  rw: number,
  rows: PhaseRange,
  cols: PhaseRange,
): tf.TensorInfo {
  const jh = rh < g.filterHeight ? Math.ceil((g.filterHeight - rh) / g.strideHeight) : 0;
  const jw = rw < g.filterWidth ? Math.ceil((g.filterWidth - rw) / g.strideWidth) : 0;
  const outShape = [g.batch, rows.count, cols.count, g.inChannels];
  if (jh === 0 || jw === 0) {
    return makeInfo(b, outShape, 'float32', new Float32Array(tf.util.sizeFromShape(outShape)));
  }
  const sub = subFilter(w, g, rh, rw, jh, jw);
  const filter = makeInfo(b, [jh, jw, g.outChannels, g.inChannels], 'float32', sub);
  // dy rows read: q − j for q ∈ [q0, q0+count), j ∈ [0, jh): from q0 − jh + 1 to q0 + count − 1.
  const [top, cropTop, keepH, bottom] = window(rows.q0 - jh + 1, rows.q0 + rows.count, g.outHeight);
  const [left, cropLeft, keepW, right] = window(cols.q0 - jw + 1, cols.q0 + cols.count, g.outWidth);
  if (keepH <= 0 || keepW <= 0) {
    release(b, filter);
    return makeInfo(b, outShape, 'float32', new Float32Array(tf.util.sizeFromShape(outShape)));
  }
  const cropped =
    cropTop > 0 || cropLeft > 0 || keepH < g.outHeight || keepW < g.outWidth
      ? sliceHW(backendName, b, dy, cropTop, keepH, cropLeft, keepW)
      : null;
  const out = callKernel(
    backendName,
    'Conv2D',
    b,
    { x: cropped ?? dy, filter },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
  release(b, cropped, filter);
  return out;
}

/**
 * For a read window [start, end) over an axis of length n: zero padding before,
 * the first index kept, how many are kept, and zero padding after.
 */
function window(start: number, end: number, n: number): [number, number, number, number] {
  const first = Math.max(start, 0);
  const last = Math.min(end, n);
  return [Math.max(-start, 0), first, last - first, Math.max(end - n, 0)];
}

/** W[rh + s·(jh−1−i), rw + s·(jw−1−j), ci, co] laid out as [i, j, co, ci]. */
function subFilter(w: Float32Array, g: ConvGeometry, rh: number, rw: number, jh: number, jw: number): Float32Array {
  const ci = g.inChannels;
  const co = g.outChannels;
  const out = new Float32Array(jh * jw * co * ci);
  for (let i = 0; i < jh; i++) {
    const kh = rh + g.strideHeight * (jh - 1 - i);
    for (let j = 0; j < jw; j++) {
      const kw = rw + g.strideWidth * (jw - 1 - j);
      const src = (kh * g.filterWidth + kw) * ci * co;
      const dst = (i * jw + j) * co * ci;
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) out[dst + o * ci + c] = w[src + c * co + o];
      }
    }
  }
  return out;
}

/** Packs `parts` on `axis` and reshapes so that consecutive parts interleave along axis − 1. */
function interleave(backendName: string, b: Backend, parts: tf.TensorInfo[], axis: number, shape: number[]): tf.TensorInfo {
  // Reshape shares its input's data and takes a reference: releasing the input after is always right.
  if (parts.length === 1) {
    const out = reshape(backendName, b, parts[0], shape);
    release(b, parts[0]);
    return out;
  }
  // Pack takes its inputs as an array, not as named inputs.
  const packed = callKernel(backendName, 'Pack', b, parts as unknown as Record<string, tf.TensorInfo>, { axis });
  release(b, ...parts);
  const out = reshape(backendName, b, packed, shape);
  release(b, packed);
  return out;
}
