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
import { gradientGeometry } from './conv-geometry';
import { fusedKernel } from './fused';

/** Largest patch matrix materialised at once (floats): 64 MiB. */
const PATCH_FLOATS = 16 * 2 ** 20;

interface Plan {
  k: SimdKernels;
  be: WasmBackendLike;
  g: PatchGeometry;
  outChannels: number;
  /** Columns of P: KH·KW·C. */
  cols: number;
  /** Rows of P per batch item: OH·OW. */
  rowsPerItem: number;
  /** Bytes of one batch item of the image. */
  itemBytes: number;
}

/** The plan of a convolution of geometry `g`; null without SIMD. */
function plan(backend: tf.KernelBackend, g: PatchGeometry, outChannels: number): Plan | null {
  const k = simdKernels(backend);
  if (!k) return null;
  return {
    k,
    be: backend as WasmBackendLike,
    g,
    outChannels,
    cols: g.filterHeight * g.filterWidth * g.inChannels,
    rowsPerItem: g.outHeight * g.outWidth,
    itemBytes: g.inHeight * g.inWidth * g.inChannels * 4,
  };
}

/**
 * Runs `body(first, count, patches)` over batch chunks with one patch buffer, at least
 * once (count 0 for an empty batch), so that an empty input still writes its zero output.
 */
function chunks(p: Plan, body: (first: number, count: number, patches: number) => void): void {
  const { g, cols, rowsPerItem, be, k } = p;
  const chunk = Math.max(1, Math.min(g.batch, Math.floor(PATCH_FLOATS / Math.max(1, rowsPerItem * cols))));
  const buffer = be.makeOutput([chunk * rowsPerItem, cols], 'float32');
  const patches = k.address(buffer);
  for (let first = 0; first === 0 || first < g.batch; first += chunk) body(first, Math.min(chunk, g.batch - first), patches);
  be.disposeData(buffer.dataId);
}

/** y = conv2d(x, W) into a new tensor; null when the kernel does not apply. */
function forward(backend: tf.KernelBackend, x: tf.TensorInfo, filter: tf.TensorInfo, a: tf.Conv2DAttrs): tf.TensorInfo | null {
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || (a.dataFormat ?? 'NHWC') !== 'NHWC') return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
  );
  const p = plan(backend, { ...info, batch: info.batchSize, padTop: info.padInfo.top, padLeft: info.padInfo.left }, info.outChannels);
  if (!p) return null;
  const { g, k, cols, rowsPerItem, outChannels: co } = p;
  const y = p.be.makeOutput([g.batch, g.outHeight, g.outWidth, co], 'float32');
  const [px, pw, py] = [k.address(x), k.address(filter), k.address(y)];
  chunks(p, (first, count, patches) => {
    k.im2col(px + first * p.itemBytes, patches, { ...g, batch: count }, false);
    k.gemm(count * rowsPerItem, co, cols, patches, cols, 1, pw, co, 1, py + first * rowsPerItem * co * 4, co);
  });
  return y;
}

/** Conv2D through im2col + GEMM, else `fallback`. */
export function simdConv2d(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    return (
      forward(args.backend as tf.KernelBackend, x, filter, args.attrs as unknown as tf.Conv2DAttrs) ?? (fallback(args) as tf.TensorInfo)
    );
  };
}

/** FusedConv2D (conv + bias + activation) with the GEMM convolution, else `fallback`. */
export function simdFusedConv2d(backendName: string, fallback: tf.KernelFunc): tf.KernelFunc {
  return fusedKernel(backendName, fallback, (args) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    return forward(args.backend as tf.KernelBackend, x, filter, args.attrs as unknown as tf.FusedConv2DAttrs);
  });
}

/**
 * The plan of a gradient kernel, from the geometry that also checks dy's shape and refuses
 * NCHW (an UnsupportedError, as the fallback would give); null without SIMD or float32 data.
 */
function gradientPlan(
  kernel: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput',
  backend: tf.KernelBackend,
  xShape: number[],
  filterShape: number[],
  dy: tf.TensorInfo,
  other: tf.TensorInfo,
  attrs: tf.Conv2DBackpropFilterAttrs | tf.Conv2DBackpropInputAttrs,
): Plan | null {
  const cg = gradientGeometry(kernel, xShape, filterShape, dy, attrs);
  if (dy.dtype !== 'float32' || other.dtype !== 'float32') return null;
  return plan(backend, { ...cg, dilationHeight: 1, dilationWidth: 1 }, cg.outChannels);
}

/** Conv2DBackpropFilter: dW = im2col(x)ᵀ · dy, accumulated over batch chunks; else `fallback`. */
export function simdConv2dBackpropFilter(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const p = gradientPlan('Conv2DBackpropFilter', args.backend as tf.KernelBackend, x.shape, a.filterShape, dy, x, a);
    if (!p) return fallback(args);
    const { g, k, cols, rowsPerItem, outChannels: co } = p;
    const dw = p.be.makeOutput(a.filterShape, 'float32');
    const [px, pdy, pdw] = [k.address(x), k.address(dy), k.address(dw)];
    chunks(p, (first, count, patches) => {
      k.im2col(px + first * p.itemBytes, patches, { ...g, batch: count }, false);
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
    const p = gradientPlan('Conv2DBackpropInput', args.backend as tf.KernelBackend, a.inputShape, filter.shape, dy, filter, a);
    if (!p) return fallback(args);
    const { g, k, cols, rowsPerItem, outChannels: co } = p;
    const dx = p.be.makeOutput(a.inputShape, 'float32');
    const [pdy, pw, pdx] = [k.address(dy), k.address(filter), k.address(dx)];
    chunks(p, (first, count, patches) => {
      // dP[rows, cols] = dy[rows, co] · Wᵀ[co, cols]: W [cols, co] read transposed through strides.
      k.gemm(count * rowsPerItem, cols, co, pdy + first * rowsPerItem * co * 4, co, 1, pw, 1, co, patches, cols);
      k.im2col(pdx + first * p.itemBytes, patches, { ...g, batch: count }, true); // zeroes dx's chunk first
    });
    return dx;
  };
}
