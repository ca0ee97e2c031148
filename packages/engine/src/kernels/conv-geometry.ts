/**
 * The geometry of a 2-D convolution's gradient: padding and output sizes of the
 * forward op as tfjs computes them, checked for the cases our kernels handle.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError, UnsupportedError } from '../errors';

/** Forward conv geometry (dilation 1, NHWC). */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Resolves the forward geometry the same way the tfjs op did.
 * @throws UnsupportedError for NCHW data or dilations other than 1.
 */
export function convGeometry(
  kernel: string,
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat?: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    dilations?: number | [number, number];
  },
): ConvGeometry {
  if (attrs.dataFormat === 'NCHW') {
    throw new UnsupportedError(`infomax ${kernel}: dataFormat 'NCHW' is not supported; expected 'NHWC'`);
  }
  const d = attrs.dilations ?? 1;
  const [dh, dw] = typeof d === 'number' ? [d, d] : d;
  if (dh !== 1 || dw !== 1) {
    throw new UnsupportedError(`infomax ${kernel}: dilations must be 1 (tfjs gradients require it), got [${dh}, ${dw}]`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

type Shape4 = [number, number, number, number];

/**
 * The forward geometry of a conv gradient kernel, after checking that the forward
 * input and filter shapes are rank 4 and that `dy` is the forward output's shape.
 * @throws ShapeError naming the kernel and the shapes that disagree
 */
export function gradientGeometry(
  kernel: string,
  xShape: number[],
  filterShape: number[],
  dy: tf.TensorInfo,
  attrs: Parameters<typeof convGeometry>[3],
): ConvGeometry {
  if (xShape.length !== 4 || filterShape.length !== 4 || dy.shape.length !== 4) {
    throw new ShapeError(
      `infomax ${kernel}: input, filter and dy must be rank 4 [batch, height, width, channels]; ` +
        `got [${xShape}], [${filterShape}] and [${dy.shape}]`,
    );
  }
  const g = convGeometry(kernel, xShape as Shape4, filterShape as Shape4, attrs);
  const expected = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  if (dy.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      `infomax ${kernel}: dy must have shape [${expected}] for input [${xShape}] and filter [${filterShape}]; got [${dy.shape}]`,
    );
  }
  return g;
}
