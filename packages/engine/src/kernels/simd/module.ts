/**
 * infomax's WebAssembly SIMD kernels (a GEMM, im2col/col2im, fused Adam and SGD steps), instantiated on the
 * tfjs wasm backend's own memory so that they read and write tensors in place: no copies
 * in or out. The module is built by `scripts/simd-kernels.js`; see there for the layout.
 *
 * Two builds exist: `fma` (relaxed SIMD's f32x4.relaxed_madd) where the engine validates
 * it, else `plain` (f32x4.mul + f32x4.add). Node 20 has relaxed SIMD behind a V8 flag,
 * which the Node entry point turns on (see `enableRelaxedSimd` in node.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { FMA_BASE64, PLAIN_BASE64, GEMM_WORK_FLOATS } from './binary';

/** The parts of tfjs's BackendWasm the kernels use. */
export interface WasmBackendLike extends tf.KernelBackend {
  wasm: { asm: { memory: WebAssembly.Memory }; _malloc(bytes: number): number };
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

interface Exports {
  gemm(
    M: number,
    N: number,
    K: number,
    A: number,
    rsA: number,
    csA: number,
    B: number,
    rsB: number,
    csB: number,
    C: number,
    ldc: number,
    acc: number,
    work: number,
  ): void;
  im2col(x: number, p: number, geom: number, mode: number): void;
  adam(
    n: number,
    w: number,
    g: number,
    m: number,
    v: number,
    wo: number,
    mo: number,
    vo: number,
    b1: number,
    b2: number,
    r1: number,
    r2: number,
    c1: number,
    c2: number,
    eps: number,
    negLr: number,
    keep: number,
  ): void;
  sgd(
    n: number,
    w: number,
    g: number,
    b: number,
    wo: number,
    bo: number,
    mu: number,
    wd: number,
    negLr: number,
    scale: number,
    nesterov: number,
  ): void;
  sum(n: number, x: number, squares: number): number;
}

/** The kernels bound to one wasm backend. */
export interface SimdKernels {
  readonly variant: SimdVariant;
  /**
   * C = A·B for float32 matrices in the backend's memory; addresses in bytes, strides in
   * elements: A[i, k] is at `a + 4·(i·rsA + k·csA)`, C row-major with `ldc` elements per row.
   * `accumulate` adds A·B to C instead of overwriting it.
   */
  gemm(
    m: number,
    n: number,
    k: number,
    a: number,
    rsA: number,
    csA: number,
    b: number,
    rsB: number,
    csB: number,
    c: number,
    ldc: number,
    accumulate?: boolean,
  ): void;
  /**
   * The patches of an NHWC image `x` as the rows of `p` ([B·OH·OW, KH·KW·C]), zeros off the
   * image; or, with `scatter`, the reverse: `x` = Σ of the rows of `p` at their patches (col2im).
   */
  im2col(x: number, p: number, g: PatchGeometry, scatter: boolean): void;
  /** One Adam step over `n` floats (tfjs's formula; the weight first scaled by `keep`); outputs must not alias inputs. */
  adam(
    n: number,
    w: number,
    g: number,
    m: number,
    v: number,
    wOut: number,
    mOut: number,
    vOut: number,
    h: {
      beta1: number;
      beta2: number;
      oneMinusAccBeta1: number;
      oneMinusAccBeta2: number;
      epsilon: number;
      learningRate: number;
      keep: number;
    },
  ): void;
  /** One SGD step with momentum over `n` floats (PyTorch's formula, see kernels/sgd.ts); outputs must not alias inputs. */
  sgd(
    n: number,
    w: number,
    g: number,
    b: number,
    wOut: number,
    bOut: number,
    h: { learningRate: number; momentum: number; weightDecay: number; scale: number; nesterov: boolean },
  ): void;
  /** Σ x, or Σ x² with `squares`, over `n` floats at `x` (blocks of sixteen running float32 sums added in float64; not tfjs's order). */
  sum(n: number, x: number, squares: boolean): number;
  /** Byte address of a tensor's data. */
  address(info: tf.TensorInfo): number;
}

export type SimdVariant = 'fma' | 'plain';

/** Shape of a convolution for {@link SimdKernels.im2col}: pads are top/left, dilations ≥ 1. */
export interface PatchGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  outHeight: number;
  outWidth: number;
}

const decode = (b64: string): Uint8Array<ArrayBuffer> =>
  typeof Buffer !== 'undefined' ? Uint8Array.from(Buffer.from(b64, 'base64')) : Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

let compiled: { module: WebAssembly.Module; variant: SimdVariant } | null | undefined;
let fmaAllowed = true;

/** Whether the FMA build may be used (initEngine's `relaxedSimd` option). */
export function allowRelaxedSimd(on: boolean): void {
  if (on === fmaAllowed) return;
  fmaAllowed = on;
  resetSimdModule();
}

/** The variant this engine can run (`fma` needs relaxed SIMD), or null without SIMD at all. */
export function simdVariant(): SimdVariant | null {
  return compile()?.variant ?? null;
}

function compile(): { module: WebAssembly.Module; variant: SimdVariant } | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (typeof WebAssembly === 'undefined') return compiled;
  for (const [variant, b64] of [
    ['fma', FMA_BASE64],
    ['plain', PLAIN_BASE64],
  ] as const) {
    if (variant === 'fma' && !fmaAllowed) continue;
    const bytes = decode(b64);
    if (!WebAssembly.validate(bytes)) continue;
    compiled = { module: new WebAssembly.Module(bytes), variant };
    break;
  }
  return compiled;
}

/** Forget the compiled module (after V8 flags change); for tests and the Node entry. */
export function resetSimdModule(): void {
  compiled = undefined;
  bound = new WeakMap();
}

let bound = new WeakMap<object, SimdKernels | null>();
/** Per backend, the GEMM's packing area and im2col's geometry block: kept across module resets. */
const scratch = new WeakMap<object, { work: number; geom: number }>();

/** Where a tensor's data starts in the wasm backend's memory, or undefined. */
function memoryOffset(be: Partial<WasmBackendLike>, info: tf.TensorInfo): number | undefined {
  return be.dataIdMap?.get(info.dataId)?.memoryOffset;
}

/**
 * The kernels for `backend` (a tfjs BackendWasm), instantiated on first use; null when
 * this engine has no WebAssembly SIMD or the backend is not the wasm one.
 */
export function simdKernels(backend: tf.KernelBackend): SimdKernels | null {
  const cached = bound.get(backend);
  if (cached !== undefined) return cached;
  const be = backend as WasmBackendLike;
  const memory = be.wasm?.asm?.memory;
  const c = memory instanceof WebAssembly.Memory ? compile() : null;
  if (!c) {
    bound.set(backend, null);
    return null;
  }
  const k = new WebAssembly.Instance(c.module, { env: { memory } }).exports as unknown as Exports;
  let buffers = scratch.get(backend);
  if (!buffers) {
    buffers = { work: be.wasm._malloc(GEMM_WORK_FLOATS * 4), geom: be.wasm._malloc(16 * 4) };
    scratch.set(backend, buffers);
  }
  const { work, geom } = buffers;
  const kernels: SimdKernels = {
    variant: c.variant,
    gemm: (m, n, kk, a, rsA, csA, b, rsB, csB, cc, ldc, accumulate = false) =>
      k.gemm(m, n, kk, a, rsA, csA, b, rsB, csB, cc, ldc, accumulate ? 1 : 0, work),
    im2col: (x, p, g, scatter) => {
      new Int32Array(memory.buffer, geom, 14).set([
        g.batch,
        g.inHeight,
        g.inWidth,
        g.inChannels,
        g.filterHeight,
        g.filterWidth,
        g.strideHeight,
        g.strideWidth,
        g.dilationHeight,
        g.dilationWidth,
        g.padTop,
        g.padLeft,
        g.outHeight,
        g.outWidth,
      ]);
      k.im2col(x, p, geom, scatter ? 1 : 0);
    },
    adam: (n, w, g, m, v, wo, mo, vo, h) =>
      k.adam(
        n,
        w,
        g,
        m,
        v,
        wo,
        mo,
        vo,
        h.beta1,
        h.beta2,
        1 - h.beta1,
        1 - h.beta2,
        h.oneMinusAccBeta1,
        h.oneMinusAccBeta2,
        h.epsilon,
        -h.learningRate,
        h.keep,
      ),
    sgd: (n, w, g, b, wo, bo, h) => k.sgd(n, w, g, b, wo, bo, h.momentum, h.weightDecay, -h.learningRate, h.scale, h.nesterov ? 1 : 0),
    sum: (n, x, squares) => k.sum(n, x, squares ? 1 : 0),
    address: (info) => {
      const offset = memoryOffset(be, info);
      if (offset === undefined) throw new Error('infomax simd kernels: tensor data is not on this wasm backend');
      return offset;
    },
  };
  bound.set(backend, kernels);
  return kernels;
}

/**
 * A float32 view of a tensor's data in the wasm backend's memory (no copy), or null on
 * another backend. Valid until the next allocation may grow the memory.
 */
export function wasmHeapView(backend: tf.KernelBackend, info: tf.TensorInfo): Float32Array | null {
  const be = backend as Partial<WasmBackendLike>;
  const memory = be.wasm?.asm?.memory;
  const offset = memoryOffset(be, info);
  if (!(memory instanceof WebAssembly.Memory) || offset === undefined || info.dtype !== 'float32') return null;
  return new Float32Array(memory.buffer, offset, tf.util.sizeFromShape(info.shape));
}
