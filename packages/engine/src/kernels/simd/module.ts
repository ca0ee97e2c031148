/**
 * infomax's WebAssembly SIMD kernels (a GEMM, im2col/col2im, fused Adam and SGD steps), instantiated on the
 * tfjs wasm backend's own memory so that they read and write tensors in place: no copies
 * in or out. The module is built by `scripts/simd-kernels.js`; see there for the layout.
 *
 * Two builds exist: `fma` (relaxed SIMD's f32x4.relaxed_madd) where the engine validates
 * it, else `plain` (f32x4.mul + f32x4.add), each also for a shared memory. Node 20 has
 * relaxed SIMD behind a V8 flag, which the Node entry point turns on (see
 * `enableRelaxedSimd` in node.ts). On a shared memory (Node's wasm backend), a GEMM,
 * im2col/col2im, Adam or SGD call large enough is split over the kernel threads attached
 * with {@link attachKernelThreads}, each part written as one thread writes it.
 */
import * as tf from '@tensorflow/tfjs';
import { FMA_BASE64, FMA_SHARED_BASE64, GEMM_TILE, GEMM_WORK_FLOATS, PLAIN_BASE64, PLAIN_SHARED_BASE64 } from './binary';

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

type Compiled = { module: WebAssembly.Module; variant: SimdVariant };
/** Per memory kind (shared or not): the compiled build, or null where none validates. */
const compiled = new Map<boolean, Compiled | null>();
let fmaAllowed = true;

/** Whether the FMA build may be used (initEngine's `relaxedSimd` option). */
export function allowRelaxedSimd(on: boolean): void {
  if (on === fmaAllowed) return;
  fmaAllowed = on;
  resetSimdModule();
}

/** The variant this engine can run (`fma` needs relaxed SIMD), or null without SIMD at all. */
export function simdVariant(): SimdVariant | null {
  return compile(false)?.variant ?? null;
}

/** The kernel module for a memory that is (or is not) shared, compiled once. */
export function compile(shared: boolean): Compiled | null {
  const known = compiled.get(shared);
  if (known !== undefined) return known;
  let found: Compiled | null = null;
  if (typeof WebAssembly !== 'undefined') {
    for (const [variant, b64] of [
      ['fma', shared ? FMA_SHARED_BASE64 : FMA_BASE64],
      ['plain', shared ? PLAIN_SHARED_BASE64 : PLAIN_BASE64],
    ] as const) {
      if (variant === 'fma' && !fmaAllowed) continue;
      const bytes = decode(b64);
      if (!WebAssembly.validate(bytes)) continue;
      found = { module: new WebAssembly.Module(bytes), variant };
      break;
    }
  }
  compiled.set(shared, found);
  return found;
}

/** Forget the compiled module (after V8 flags change); for tests and the Node entry. */
export function resetSimdModule(): void {
  compiled.clear();
  bound = new WeakMap();
}

/** A kernel of the module, by export name. */
export type KernelName = 'gemm' | 'im2col' | 'adam' | 'sgd';

/**
 * Other threads running this module on the same (shared) memory: Node's KernelPool.
 * A call is split into parts that write disjoint outputs, each computed as one thread
 * computes it, so results do not depend on the thread count.
 */
export interface KernelThreads {
  /** Threads a call is split over now, this one included (1: no splitting). */
  readonly threads: number;
  /**
   * Runs export `kernel` with `parts[i]` as its arguments on thread i + 1 while `here`
   * runs on this thread; returns when every part has finished.
   * @throws EngineError naming the thread whose part failed
   */
  run(kernel: KernelName, parts: number[][], here: () => void): void;
}

/** Whether a memory is shared (a page without cross-origin isolation has no SharedArrayBuffer at all). */
function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** The kernel threads attached to each wasm memory. */
const pools = new WeakMap<WebAssembly.Memory, KernelThreads>();

/**
 * Lets the kernels on `memory` split their calls over `threads` (or stop, with null).
 * @throws Error when the memory is not shared
 */
export function attachKernelThreads(memory: WebAssembly.Memory, threads: KernelThreads | null): void {
  if (threads === null) {
    pools.delete(memory);
    return;
  }
  if (!isShared(memory)) throw new Error('attachKernelThreads: the wasm memory is not shared');
  pools.set(memory, threads);
}

/** Multiply-adds below which a GEMM stays on one thread (handing over costs tens of microseconds). */
export const PARALLEL_GEMM_MIN = 1 << 20;
/** Floats below which an im2col, Adam or SGD call stays on one thread. */
export const PARALLEL_FLOATS_MIN = 1 << 16;

/**
 * `[lo, hi)` ranges of `0..n` for up to `threads` parts, each starting on a multiple of
 * `unit`; empty parts are dropped.
 */
export function splitRange(n: number, threads: number, unit: number): Array<[number, number]> {
  const units = Math.ceil(n / unit);
  const out: Array<[number, number]> = [];
  for (let t = 0; t < threads; t++) {
    const lo = Math.min(n, Math.round((t * units) / threads) * unit);
    const hi = Math.min(n, Math.round(((t + 1) * units) / threads) * unit);
    if (hi > lo) out.push([lo, hi]);
  }
  return out;
}

let bound = new WeakMap<object, SimdKernels | null>();
/** Per backend and thread, the GEMM's packing area and im2col's geometry block: kept across module resets. */
const scratch = new WeakMap<object, Array<{ work: number; geom: number }>>();

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
  const c = memory instanceof WebAssembly.Memory ? compile(isShared(memory)) : null;
  if (!c) {
    bound.set(backend, null);
    return null;
  }
  const k = new WebAssembly.Instance(c.module, { env: { memory } }).exports as unknown as Exports;
  const buffers = scratch.get(backend) ?? [];
  scratch.set(backend, buffers);
  /** Thread t's packing area and geometry block, allocated on first use. */
  const area = (t: number): { work: number; geom: number } => {
    while (buffers.length <= t) buffers.push({ work: be.wasm._malloc(GEMM_WORK_FLOATS * 4), geom: be.wasm._malloc(16 * 4) });
    return buffers[t];
  };
  area(0);
  /**
   * Runs `kernel` on `0..length` cut into runs starting on multiples of `unit` (one per
   * thread when a pool is attached and the call's `size` reaches `min`, else one run):
   * `partOf(lo, hi, t)` gives thread t's arguments; thread 0 is this one.
   */
  const run = (
    kernel: KernelName,
    size: number,
    min: number,
    length: number,
    unit: number,
    partOf: (lo: number, hi: number, t: number) => number[],
  ): void => {
    const pool = pools.get(memory);
    const threads = pool && size >= min ? pool.threads : 1;
    const ranges = length > 0 ? splitRange(length, threads, unit) : [[0, 0] as [number, number]];
    const parts = ranges.map(([lo, hi], t) => partOf(lo, hi, t));
    const here = (): void => void (k[kernel] as (...args: number[]) => unknown)(...parts[0]);
    if (parts.length > 1) pool!.run(kernel, parts.slice(1), here);
    else here();
  };
  const writeGeometry = (at: number, g: PatchGeometry, batch: number): void => {
    new Int32Array(memory.buffer, at, 14).set([
      batch,
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
  };
  /** An elementwise update over `n` floats at `pointers`, split into runs of whole 16-float blocks. */
  const elementwise = (kernel: 'adam' | 'sgd', n: number, pointers: number[], scalars: number[]): void =>
    run(kernel, n, PARALLEL_FLOATS_MIN, n, 16, (lo, hi) => [hi - lo, ...pointers.map((p) => p + 4 * lo), ...scalars]);
  const kernels: SimdKernels = {
    variant: c.variant,
    gemm: (m, n, kk, a, rsA, csA, b, rsB, csB, cc, ldc, accumulate = false) => {
      const acc = accumulate ? 1 : 0;
      // Split the longer side of C. Each tile sums a depth block from zero before adding it to C, so any
      // split gives the one-thread values; tile boundaries keep every packed panel but the last full.
      const byRows = m >= n;
      run('gemm', m * n * kk, PARALLEL_GEMM_MIN, byRows ? m : n, byRows ? GEMM_TILE.rows : GEMM_TILE.cols, (lo, hi, t) =>
        byRows
          ? [hi - lo, n, kk, a + 4 * lo * rsA, rsA, csA, b, rsB, csB, cc + 4 * lo * ldc, ldc, acc, area(t).work]
          : [m, hi - lo, kk, a, rsA, csA, b + 4 * lo * csB, rsB, csB, cc + 4 * lo, ldc, acc, area(t).work],
      );
    },
    im2col: (x, p, g, scatter) => {
      const rowFloats = g.filterHeight * g.filterWidth * g.inChannels;
      // Images are independent (each scatters into its own part of x), so a run of them is a whole call.
      run('im2col', g.batch * g.outHeight * g.outWidth * rowFloats, PARALLEL_FLOATS_MIN, g.batch, 1, (lo, hi, t) => {
        const { geom } = area(t);
        writeGeometry(geom, g, hi - lo);
        return [
          x + 4 * lo * g.inHeight * g.inWidth * g.inChannels,
          p + 4 * lo * g.outHeight * g.outWidth * rowFloats,
          geom,
          scatter ? 1 : 0,
        ];
      });
    },
    adam: (n, w, g, m, v, wo, mo, vo, h) =>
      elementwise(
        'adam',
        n,
        [w, g, m, v, wo, mo, vo],
        [h.beta1, h.beta2, 1 - h.beta1, 1 - h.beta2, h.oneMinusAccBeta1, h.oneMinusAccBeta2, h.epsilon, -h.learningRate, h.keep],
      ),
    sgd: (n, w, g, b, wo, bo, h) =>
      elementwise('sgd', n, [w, g, b, wo, bo], [h.momentum, h.weightDecay, -h.learningRate, h.scale, h.nesterov ? 1 : 0]),
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
