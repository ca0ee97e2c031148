/**
 * Conv2D and both its gradients on wasm as GEMMs over image patches (im2col), with
 * infomax's SIMD kernels (kernels/simd):
 *   forward   y[B·OH·OW, CO]   = P · W            (P = im2col(x) [B·OH·OW, KH·KW·C], W [KH·KW·C, CO])
 *   filter    dW[KH·KW·C, CO]  = Pᵀ · dy
 *   input     dx               = col2im(dy · Wᵀ)  (patch gradients scattered back and summed)
 * Transposes are GEMM strides, so only P (or its gradient) is ever materialised, in
 * batch chunks of at most PATCH_FLOATS. Each kernel falls back (NCHW data, no SIMD).
 */
import * as tf from '@tensorflow/tfjs';
import { simdKernels, type PatchGeometry, type SimdKernels, type WasmBackendLike } from './simd/module';
import { callKernel, release } from './kernel-utils';
import { gradientGeometry } from './conv-geometry';

/** Largest patch matrix materialised at once (floats): 64 MiB. */
const PATCH_FLOATS = 16 * 2 ** 20;

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface Plan {
  k: SimdKernels;
  be: WasmBackendLike;
  g: PatchGeometry;
  outChannels: number;
  /** Columns of P: KH·KW·C. */
  cols: number;
  /** Batch items per chunk. */
  chunk: number;
}

function plan(
  backend: tf.KernelBackend,
  xShape: number[],
  filterShape: number[],
  strides: number | [number, number],
  dilations: number | [number, number],
  pad: Pad,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  dataFormat: 'NHWC' | 'NCHW' | undefined,
): Plan | null {
  if ((dataFormat ?? 'NHWC') !== 'NHWC') return null;
  const k = simdKernels(backend);
  if (!k) return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
  );
  const g: PatchGeometry = {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
  };
  const cols = g.filterHeight * g.filterWidth * g.inChannels;
  const perItem = g.outHeight * g.outWidth * cols;
  const chunk = Math.max(1, Math.min(g.batch, Math.floor(PATCH_FLOATS / Math.max(1, perItem))));
  return { k, be: backend as WasmBackendLike, g, outChannels: info.outChannels, cols, chunk };
}

/** Runs `body(first, count, patches)` over batch chunks with one patch buffer. */
function chunks(p: Plan, body: (first: number, count: number, patches: number) => void): void {
  const { g, chunk, cols, be, k } = p;
  if (g.batch === 0 || g.outHeight * g.outWidth === 0) return;
  const buffer = be.makeOutput([chunk * g.outHeight * g.outWidth, cols], 'float32');
  const patches = k.address(buffer);
  for (let first = 0; first < g.batch; first += chunk) body(first, Math.min(chunk, g.batch - first), patches);
  be.disposeData(buffer.dataId);
}

/** y = conv2d(x, W) into a new tensor; null when the kernel does not apply. */
function forward(backend: tf.KernelBackend, x: tf.TensorInfo, filter: tf.TensorInfo, a: tf.Conv2DAttrs): tf.TensorInfo | null {
  if (x.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  const p = plan(backend, x.shape, filter.shape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, a.dataFormat);
  if (!p) return null;
  const { g, k, cols, outChannels: co } = p;
  const y = p.be.makeOutput([g.batch, g.outHeight, g.outWidth, co], 'float32');
  const [px, pw, py] = [k.address(x), k.address(filter), k.address(y)];
  const inItem = g.inHeight * g.inWidth * g.inChannels * 4;
  const rowsPerItem = g.outHeight * g.outWidth;
  chunks(p, (first, count, patches) => {
    k.im2col(px + first * inItem, patches, { ...g, batch: count }, false);
    k.gemm(count * rowsPerItem, co, cols, patches, cols, 1, pw, co, 1, py + first * rowsPerItem * co * 4, co);
  });
  return y;
}

/** Conv2D through im2col + GEMM, else `fallback`. */
export function simdConv2d(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    return forward(args.backend as tf.KernelBackend, x, filter, args.attrs as unknown as tf.Conv2DAttrs) ?? (fallback(args) as tf.TensorInfo);
  };
}

/** The activation kernels a fused op may apply, by tfjs activation name. */
export const ACTIVATIONS: Record<
  string,
  (x: tf.TensorInfo, alpha: tf.TensorInfo | undefined, attrs: tf.NamedAttrMap) => [string, Record<string, tf.TensorInfo>, Record<string, unknown>]
> = {
  relu: (x) => ['Relu', { x }, {}],
  relu6: (x) => ['Relu6', { x }, {}],
  elu: (x) => ['Elu', { x }, {}],
  sigmoid: (x) => ['Sigmoid', { x }, {}],
  leakyrelu: (x, _, attrs) => ['LeakyRelu', { x }, { alpha: attrs.leakyreluAlpha ?? 0.2 }],
  prelu: (x, alpha) => ['Prelu', { x, alpha: alpha! }, {}],
};

/** Adds `bias` and applies `activation` with the backend's kernels, freeing `y`. */
export function biasAndActivation(
  backendName: string,
  be: tf.KernelBackend,
  y: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  activation: string,
  alpha: tf.TensorInfo | undefined,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo {
  let out = y;
  if (bias) {
    out = callKernel(backendName, 'Add', be, { a: y, b: bias });
    release(be, y);
  }
  if (activation !== 'linear') {
    const [name, inputs, extra] = ACTIVATIONS[activation](out, alpha, attrs);
    const activated = callKernel(backendName, name, be, inputs, extra);
    release(be, out);
    out = activated;
  }
  return out;
}

/** FusedConv2D (conv + bias + activation) with the GEMM convolution, else `fallback`. */
export function simdFusedConv2d(backendName: string, fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as tf.FusedConv2DAttrs;
    const activation = attrs.activation ?? 'linear';
    if (activation !== 'linear' && !ACTIVATIONS[activation]) return fallback(args);
    const be = args.backend as tf.KernelBackend;
    const y = forward(be, x!, filter!, attrs);
    if (!y) return fallback(args);
    return biasAndActivation(backendName, be, y, bias, activation, preluActivationWeights, args.attrs ?? {});
  };
}

/** Conv2DBackpropFilter: dW = im2col(x)ᵀ · dy, accumulated over batch chunks; else `fallback`. */
export function simdConv2dBackpropFilter(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const be = args.backend as tf.KernelBackend;
    if ((a.dataFormat ?? 'NHWC') !== 'NHWC') return fallback(args);
    gradientGeometry('Conv2DBackpropFilter', x.shape, a.filterShape, dy, a); // checks dy's shape
    const p = x.dtype === 'float32' && dy.dtype === 'float32'
      ? plan(be, x.shape, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, a.dataFormat)
      : null;
    if (!p) return fallback(args);
    const { g, k, cols, outChannels: co } = p;
    const dw = p.be.makeOutput(a.filterShape, 'float32');
    const [px, pdy, pdw] = [k.address(x), k.address(dy), k.address(dw)];
    if (g.batch === 0 || g.outHeight * g.outWidth === 0) new Float32Array(p.be.wasm.asm.memory.buffer, pdw, cols * co).fill(0);
    const inItem = g.inHeight * g.inWidth * g.inChannels * 4;
    const rowsPerItem = g.outHeight * g.outWidth;
    chunks(p, (first, count, patches) => {
      k.im2col(px + first * inItem, patches, { ...g, batch: count }, false);
      // dW[cols, co] (+)= Pᵀ[cols, rows] · dy[rows, co]: P read transposed through strides.
      k.gemm(cols, co, count * rowsPerItem, patches, 1, cols, pdy + first * rowsPerItem * co * 4, co, 1, pdw, co, first > 0);
    });
    return dw;
  };
}

/** Conv2DBackpropInput: dx = col2im(dy · Wᵀ), per batch chunk; else `fallback`. */
export function simdConv2dBackpropInput(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const be = args.backend as tf.KernelBackend;
    if ((a.dataFormat ?? 'NHWC') !== 'NHWC') return fallback(args);
    gradientGeometry('Conv2DBackpropInput', a.inputShape, filter.shape, dy, a); // checks dy's shape
    const p = dy.dtype === 'float32' && filter.dtype === 'float32'
      ? plan(be, a.inputShape, filter.shape, a.strides, 1, a.pad, a.dimRoundingMode, a.dataFormat)
      : null;
    if (!p) return fallback(args);
    const { g, k, cols, outChannels: co } = p;
    const dx = p.be.makeOutput(a.inputShape, 'float32');
    const [pdy, pw, pdx] = [k.address(dy), k.address(filter), k.address(dx)];
    const inItem = g.inHeight * g.inWidth * g.inChannels * 4;
    if (g.outHeight * g.outWidth === 0) new Float32Array(p.be.wasm.asm.memory.buffer, pdx, tf.util.sizeFromShape(a.inputShape)).fill(0);
    const rowsPerItem = g.outHeight * g.outWidth;
    chunks(p, (first, count, patches) => {
      // dP[rows, cols] = dy[rows, co] · Wᵀ[co, cols]: W [cols, co] read transposed through strides.
      k.gemm(count * rowsPerItem, cols, co, pdy + first * rowsPerItem * co * 4, co, 1, pw, 1, co, patches, cols);
      k.im2col(pdx + first * inItem, patches, { ...g, batch: count }, true);
    });
    return dx;
  };
}
