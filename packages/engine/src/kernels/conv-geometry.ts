/**
 * The geometry of a 2-D convolution's gradient: padding and output sizes of the
 * forward op as tfjs computes them, checked for the cases our kernels handle.
 */
import * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '../errors';

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
