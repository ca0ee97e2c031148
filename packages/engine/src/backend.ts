/**
 * Backend choice. The browser-safe part: `wasm` and `cpu`. The Node entry point
 * (`node.ts`) adds the native TensorFlow backends through a loader hook, so this
 * file imports nothing Node-only.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { BackendError, ConfigError } from './errors';
import { registerEngineKernels } from './register';
import { allowRelaxedSimd, simdVariant, type SimdVariant } from './kernels/simd/module';

/** Backends `initEngine` accepts; `auto` picks the fastest available. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Options of {@link initEngine}. */
export interface EngineOptions {
  /**
   * Which backend to run. Default `'auto'`: native GPU → native CPU → wasm → cpu, where a
   * WebGPU adapter that renders on the CPU (SwiftShader, lavapipe/llvmpipe, a fallback
   * adapter) does not count as a GPU; `'webgpu'` by name runs on such an adapter too.
   */
  backend?: BackendChoice;
  /** Register infomax's fast training kernels on wasm and cpu. Default `true`. */
  fastKernels?: boolean;
  /**
   * Let infomax's wasm GEMM use fused multiply-add (relaxed SIMD). Default `true`. Browsers
   * that ship relaxed SIMD have it; on Node 20 the Node entry turns on V8's
   * `--experimental-wasm-relaxed-simd` for it. `false` keeps the plain SIMD build.
   */
  relaxedSimd?: boolean;
  /**
   * Threads for infomax's wasm kernels (GEMM, im2col, Adam, SGD), this one included.
   * Default 1. Node only: more than 1 starts the wasm backend on a shared memory with
   * `threads − 1` worker threads that take part of each large kernel call; results are the
   * same as on one thread, bit for bit. Ignored by the other backends (see `EngineInfo.threads`).
   */
  threads?: number;
  /** Log the one-line choice (`console.log` by default; `null` silences it). */
  log?: ((line: string) => void) | null;
}

/** What {@link initEngine} set up. */
export interface EngineInfo {
  /** The tfjs backend name now active (`tensorflow`, `webgpu`, `wasm`, `cpu`). */
  backend: string;
  /** Where the math runs (`cpu` for webgpu on a software adapter). */
  device: 'gpu' | 'cpu';
  /** Threads the backend computes with (on wasm: infomax's kernel threads, this one included). */
  threads: number;
  /** Kernels infomax registered for this backend (empty when `fastKernels` is off). */
  kernels: string[];
  /** Which build of infomax's WebAssembly SIMD kernels runs on wasm (`fma`, `plain`), or null. */
  simd: SimdVariant | null;
  /** One line saying what runs and why the faster candidates did not. */
  reason: string;
}

/** What loading a {@link NativeCandidate} gave: the backend it registered, or why it could not. */
export type NativeLoadResult =
  | {
      ok: true;
      backend: string;
      threads: number;
      /** Where the math runs, when not the candidate's usual device (a software WebGPU adapter: `cpu`). */
      device?: 'gpu' | 'cpu';
      /** A few words for the log line (e.g. which software adapter runs). */
      note?: string;
    }
  | { ok: false; why: string };

/**
 * A native candidate (tfjs-node-gpu, tfjs-node, webgpu) that a platform entry
 * point knows how to load. `load` returns the backend name it registered, or a
 * reason it could not; `requested` says the backend was asked for by name (not
 * `auto`), which lets a candidate accept what `auto` should pass over (a WebGPU
 * adapter that renders on the CPU).
 */
export interface NativeCandidate {
  name: 'tensorflow' | 'webgpu';
  label: string;
  device: 'gpu' | 'cpu';
  load: (options?: { requested: boolean }) => Promise<NativeLoadResult>;
}

/**
 * Initialise TensorFlow.js on the chosen backend and register our kernels.
 *
 * @param options see {@link EngineOptions}
 * @param natives native candidates in priority order (the Node entry point passes them)
 * @param kernelThreads starts the wasm kernels' other threads (the Node entry point passes it) and returns the thread count
 * @returns what runs, see {@link EngineInfo}
 * @throws ConfigError for an unknown backend name; BackendError when an explicitly
 *   requested backend cannot start.
 * @example
 * const info = await initEngine({ backend: 'wasm' });
 * console.log(info.backend, info.threads);
 */
export async function initEngine(
  options: EngineOptions = {},
  natives: NativeCandidate[] = [],
  kernelThreads: ((backend: tf.KernelBackend) => Promise<number>) | null = null,
): Promise<EngineInfo> {
  const choice = options.backend ?? 'auto';
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    throw new ConfigError(`initEngine: option 'backend' must be one of ${BACKEND_CHOICES.join(', ')}; got '${String(choice)}'`);
  }
  const wanted = options.threads ?? 1;
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > 64) {
    throw new ConfigError(`initEngine: option 'threads' must be an integer in 1..64; got ${String(options.threads)}`);
  }
  if (wanted > 1 && kernelThreads === null) {
    throw new ConfigError(`initEngine: option 'threads' above 1 needs Node.js (worker threads); got ${wanted}`);
  }
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  const fastKernels = options.fastKernels ?? true;
  const skipped: string[] = [];

  const candidates = natives.filter((n) => choice === 'auto' || n.name === choice);
  if (choice === 'tensorflow' || choice === 'webgpu') {
    if (candidates.length === 0) {
      throw new BackendError(
        `initEngine: backend '${choice}' is not available in this environment (it needs Node.js and its optional package)`,
      );
    }
  }
  for (const candidate of candidates) {
    const result = await candidate.load({ requested: choice !== 'auto' });
    if (result.ok) {
      await tf.setBackend(result.backend);
      await tf.ready();
      const device = result.device ?? candidate.device;
      const info: EngineInfo = {
        backend: result.backend,
        device,
        threads: result.threads,
        kernels: [],
        simd: null,
        reason: `infomax engine: ${candidate.label} (${device}${result.note ? `, ${result.note}` : ''})${whyNot(skipped)}`,
      };
      log?.(info.reason);
      return info;
    }
    skipped.push(`${candidate.label}: ${result.why}`);
    if (choice !== 'auto') {
      throw new BackendError(`initEngine: backend '${choice}' could not start: ${result.why}`);
    }
  }

  const order: Array<'wasm' | 'cpu'> = choice === 'cpu' ? ['cpu'] : choice === 'wasm' ? ['wasm'] : ['wasm', 'cpu'];
  for (const name of order) {
    let ok = false;
    try {
      ok = await tf.setBackend(name);
      await tf.ready();
    } catch (e) {
      skipped.push(`${name}: ${(e as Error).message}`);
    }
    if (!ok) {
      if (choice === name) {
        throw new BackendError(`initEngine: backend '${name}' could not start${whyNot(skipped)}`);
      }
      continue;
    }
    allowRelaxedSimd(options.relaxedSimd ?? true);
    const kernels = fastKernels ? registerEngineKernels(name) : [];
    const threads = name === 'wasm' ? (kernelThreads ? await kernelThreads(tf.backend()) : wasmThreads()) : 1;
    const simd = name === 'wasm' && fastKernels ? simdVariant() : null;
    const info: EngineInfo = {
      backend: name,
      device: 'cpu',
      threads,
      kernels,
      simd,
      reason:
        `infomax engine: ${name} (cpu, ${threads} thread${threads === 1 ? '' : 's'}, ` +
        `${kernels.length} infomax kernels${simd ? `, SIMD GEMM${simd === 'fma' ? ' with FMA' : ''}` : ''})${whyNot(skipped)}`,
    };
    log?.(info.reason);
    return info;
  }
  throw new BackendError(`initEngine: no backend could start${whyNot(skipped)}`);
}

function whyNot(skipped: string[]): string {
  return skipped.length ? `; not used: ${skipped.join('; ')}` : '';
}

function wasmThreads(): number {
  const backend = tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
  return backend.wasm?.tfjs?.getThreadsCount?.() ?? 1;
}
