/**
 * Conv2DBackpropFilter as a forward convolution, for backends that lack it (wasm)
 * or whose own is pathologically slow (cpu: ~20 s for x=[64,14,14,32]).
 *
 * With dilation 1 the filter gradient is
 *   dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·s + kh − padTop, ow·s + kw − padLeft, ci] · dy[b,oh,ow,co],
 * which is a convolution of x' = xᵀ [ci, H, W, b] with the filter dy' [OH, OW, b, co],
 * stride 1 and dilation s (the forward stride), giving [ci, KH, KW, co].
 */
import * as tf from '@tensorflow/tfjs';
import { gradientGeometry } from './conv-geometry';
import { Backend, makeInfo, callKernel, release, sliceHW } from './kernel-utils';

/** Makes the kernel function for `backendName`, built on that backend's Conv2D. */
export function conv2dBackpropFilter(backendName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const b = backend as Backend;
    const g = gradientGeometry('Conv2DBackpropFilter', x.shape, a.filterShape, dy, a);
    // Rows/cols of x the forward conv reads end at (O−1)·s + K − 1 − pad.
    const needH = (g.outHeight - 1) * g.strideHeight + g.filterHeight - g.padTop;
    const needW = (g.outWidth - 1) * g.strideWidth + g.filterWidth - g.padLeft;
    if (needH <= 0 || needW <= 0 || g.batch === 0) {
      return makeInfo(b, a.filterShape, 'float32', new Float32Array(tf.util.sizeFromShape(a.filterShape)));
    }
    const keepH = Math.min(needH, g.inHeight);
    const keepW = Math.min(needW, g.inWidth);
    const cropped = keepH < g.inHeight || keepW < g.inWidth ? sliceHW(backendName, b, x, 0, keepH, 0, keepW) : null;
    const xT = callKernel(backendName, 'Transpose', b, { x: cropped ?? x }, { perm: [3, 1, 2, 0] });
    const dyT = callKernel(backendName, 'Transpose', b, { x: dy }, { perm: [1, 2, 0, 3] });
    const gradT = callKernel(
      backendName,
      'Conv2D',
      b,
      { x: xT, filter: dyT },
      {
        strides: [1, 1],
        dilations: [g.strideHeight, g.strideWidth],
        pad: [
          [0, 0],
          [g.padTop, needH - keepH],
          [g.padLeft, needW - keepW],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
    );
    const grad = callKernel(backendName, 'Transpose', b, { x: gradT }, { perm: [1, 2, 0, 3] });
    release(b, cropped, xT, dyT, gradT);
    return grad;
  };
}
