/**
 * Node.js entry point of @infomax/engine: everything in the browser entry, plus
 * the native TensorFlow backends (`@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node`),
 * which are optional installs. Node resolves `@infomax/engine` here by the
 * package's `node` export condition.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import type * as tf from '@tensorflow/tfjs';
import { initEngine as initEngineWith } from './backend';
import type { EngineInfo, EngineOptions, NativeCandidate } from './backend';
import { attachKernelThreads, compile, resetSimdModule, simdVariant, type WasmBackendLike } from './kernels/simd/module';
import { SHARED_MAX_PAGES } from './kernels/simd/binary';
import { KernelPool } from './kernel-pool';
import { startOnSharedMemory } from './shared-memory';
import { BackendError, ConfigError } from './errors';

export * from './index';
export { saveModelToDir as saveModel, loadModelFromDir as loadModel } from './model-io-node';
export { writeFileAtomic } from './atomic-write';
export { DataParallel } from './data-parallel';
export type { DataParallelOptions, ParallelTask, StepInput } from './data-parallel';
export { ExampleParallel } from './example-parallel';
export type { ExampleParallelOptions, ExampleTask } from './example-parallel';

/** How the native probes see the machine; replaceable in tests. */
export interface NativeProbe {
  /** `require.resolve` of a package's `package.json`, or null when not installed. */
  resolvePackage(name: string): string | null;
  /** Whether a file exists. */
  exists(file: string): boolean;
  /** List a directory (empty when missing). */
  list(dir: string): string[];
  /** Load a module by name. */
  load(name: string): unknown;
  /** Import an ES module by name (the `webgpu` package is ESM-only). */
  importModule(name: string): Promise<unknown>;
  /** Environment variables. */
  env: Record<string, string | undefined>;
}

const realProbe: NativeProbe = {
  resolvePackage(name) {
    try {
      return require.resolve(`${name}/package.json`);
    } catch {
      return null;
    }
  },
  exists: (file) => fs.existsSync(file),
  list(dir) {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  },
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional peers, resolved only when asked for
  load: (name) => require(name),
  // A real dynamic import: TypeScript would turn a plain `import()` into `require()` under CommonJS.
  importModule: (name) => (new Function('s', 'return import(s)') as (s: string) => Promise<unknown>)(name),
  env: process.env,
};

/** The native binding file of an installed tfjs-node(-gpu), or null when its install step did not finish. */
export function findNativeBinding(pkgJson: string, probe: NativeProbe = realProbe): string | null {
  const lib = path.join(path.dirname(pkgJson), 'lib');
  for (const dir of probe.list(lib)) {
    const binding = path.join(lib, dir, 'tfjs_binding.node');
    if (dir.startsWith('napi-v') && probe.exists(binding)) return binding;
  }
  return null;
}

/** Why no CUDA device is visible, or null when one is. */
export function cudaUnavailableReason(probe: NativeProbe = realProbe): string | null {
  const visible = probe.env.CUDA_VISIBLE_DEVICES;
  if (visible !== undefined && (visible.trim() === '' || visible.trim() === '-1')) {
    return `CUDA_VISIBLE_DEVICES='${visible}' hides every GPU`;
  }
  if (probe.list('/proc/driver/nvidia/gpus').length === 0 && !probe.exists('/dev/nvidia0')) {
    return 'no NVIDIA GPU is visible (/proc/driver/nvidia/gpus and /dev/nvidia0 are absent)';
  }
  return null;
}

/** What a WebGPU adapter says about itself (`GPUAdapter.info`; older Dawn: `isFallbackAdapter` on the adapter). */
export interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

/** Folders the dynamic linker searches for the Vulkan loader on Linux, besides LD_LIBRARY_PATH. */
const LOADER_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/lib64',
  '/usr/lib',
  '/usr/local/lib',
];

/**
 * On Linux, why Dawn would find no Vulkan loader (`libvulkan.so.1`), or null when one is
 * there (or on another system). Asked first because Dawn, lacking it, prints a native warning
 * with a stack-like line on every start before it reports no adapter.
 */
export function vulkanLoaderMissing(probe: NativeProbe = realProbe, platform: string = process.platform): string | null {
  if (platform !== 'linux') return null;
  const dirs = [...(probe.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...LOADER_DIRS];
  if (dirs.some((d) => probe.exists(path.join(d, 'libvulkan.so.1')))) return null;
  return 'no Vulkan loader (libvulkan.so.1; on Debian/Ubuntu: apt-get install libvulkan1)';
}

/** CPU renderers that present themselves as Vulkan devices. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|softpipe/i;

/**
 * Names the adapter when it renders on the CPU — SwiftShader, Mesa's lavapipe/llvmpipe,
 * or any adapter WebGPU marks as a fallback — else null. Such an adapter runs every
 * WebGPU kernel on the CPU, well behind the wasm backend.
 * @param adapter a `GPUAdapter` from `requestAdapter()`
 * @returns its description (e.g. `'SwiftShader driver 5.0.0'`), or null for a hardware adapter
 * @example
 * softwareAdapter(await navigator.gpu.requestAdapter()); // null on a real GPU
 */
export function softwareAdapter(adapter: AdapterLike): string | null {
  const info = adapter.info ?? {};
  const words = [info.architecture, info.device, info.description, info.vendor].filter((w): w is string => !!w);
  const fallback = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  if (!fallback && !words.some((w) => SOFTWARE_RENDERERS.test(w))) return null;
  return info.description || info.device || info.architecture || info.vendor || 'a fallback adapter';
}

/** The Dawn instance each loaded `webgpu` module made (see {@link webgpuCandidate}). */
const dawnInstances = new WeakMap<object, unknown>();

/**
 * The WebGPU candidate: Dawn from the `webgpu` npm package (Vulkan on Linux, Metal
 * on macOS, D3D12 on Windows) under `@tensorflow/tfjs-backend-webgpu`. Both are
 * optional installs; the candidate is usable only when Dawn finds an adapter, and
 * under `auto` only when that adapter is a GPU, not a CPU renderer ({@link softwareAdapter}).
 */
export function webgpuCandidate(probe: NativeProbe = realProbe): NativeCandidate {
  return {
    name: 'webgpu',
    label: 'webgpu (Dawn)',
    device: 'gpu',
    load: async ({ requested } = { requested: false }) => {
      const missing = ['webgpu', '@tensorflow/tfjs-backend-webgpu'].filter((p) => probe.resolvePackage(p) === null);
      if (missing.length) return { ok: false, why: `not installed (optional: npm install ${missing.join(' ')})` };
      const noLoader = vulkanLoaderMissing(probe);
      if (noLoader !== null) return { ok: false, why: noLoader };
      let software: string | null;
      try {
        const dawn = (await probe.importModule('webgpu')) as {
          create(flags: string[]): { requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null> };
          globals: Record<string, unknown>;
        };
        // One Dawn instance per process (per module): a second one, or the first dropped to the
        // garbage collector while another lives, can abort the process when Dawn tears down.
        let gpu = dawnInstances.get(dawn) as ReturnType<typeof dawn.create> | undefined;
        if (gpu === undefined) {
          gpu = dawn.create([]);
          dawnInstances.set(dawn, gpu);
        }
        const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
        if (adapter === null || adapter === undefined) {
          return { ok: false, why: 'no WebGPU adapter (Dawn found no Vulkan, Metal or D3D12 device)' };
        }
        software = softwareAdapter(adapter);
        if (software !== null && !requested) {
          return { ok: false, why: `its adapter, ${software}, renders on the CPU, slower than wasm (--backend webgpu runs on it anyway)` };
        }
        // tfjs-backend-webgpu looks for navigator.gpu and the WebGPU constants (GPUBufferUsage, ...).
        Object.assign(globalThis, dawn.globals);
        const nav = (globalThis as unknown as { navigator?: object }).navigator;
        if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
        else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
        probe.load('@tensorflow/tfjs-backend-webgpu');
      } catch (e) {
        return { ok: false, why: `failed to load: ${(e as Error).message.split('\n')[0]}` };
      }
      if (software === null) return { ok: true, backend: 'webgpu', threads: 0 };
      return { ok: true, backend: 'webgpu', threads: 0, device: 'cpu', note: `software adapter ${software}: WebGPU emulated on the CPU` };
    },
  };
}

/**
 * The native candidates in the order `auto` tries them: tfjs-node-gpu (binding
 * present and a CUDA device visible), then WebGPU (an adapter exists), then
 * tfjs-node. Only one TensorFlow package is ever loaded: loading both registers
 * every kernel twice.
 */
export function nativeCandidates(probe: NativeProbe = realProbe): NativeCandidate[] {
  const candidate = (pkg: string, device: 'gpu' | 'cpu'): NativeCandidate => ({
    name: 'tensorflow',
    label: pkg,
    device,
    load: async () => {
      const pkgJson = probe.resolvePackage(pkg);
      if (pkgJson === null) return { ok: false, why: 'not installed (optional; see the README)' };
      if (findNativeBinding(pkgJson, probe) === null) {
        return { ok: false, why: 'installed, but its native binding is missing (its install script did not download libtensorflow)' };
      }
      if (device === 'gpu') {
        const noCuda = cudaUnavailableReason(probe);
        if (noCuda !== null) return { ok: false, why: noCuda };
      }
      try {
        probe.load(pkg);
      } catch (e) {
        return { ok: false, why: `failed to load: ${(e as Error).message.split('\n')[0]}` };
      }
      return { ok: true, backend: 'tensorflow', threads: 0 };
    },
  });
  const gpu = candidate('@tensorflow/tfjs-node-gpu', 'gpu');
  const cpu = candidate('@tensorflow/tfjs-node', 'cpu');
  let loaded = false;
  // Once one native package has loaded, the other must not be tried.
  const once = (c: NativeCandidate): NativeCandidate => ({
    ...c,
    load: async () => {
      if (loaded) return { ok: false, why: 'another TensorFlow native package is already loaded' };
      const r = await c.load();
      if (r.ok) loaded = true;
      return r;
    },
  });
  return [once(gpu), webgpuCandidate(probe), once(cpu)];
}

/**
 * Initialise TensorFlow.js on Node: `auto` tries tfjs-node-gpu, then WebGPU on a
 * hardware adapter, then tfjs-node, then wasm, then cpu, and logs one line saying
 * which runs and why the others did not.
 *
 * @param options see {@link EngineOptions}
 * @returns see {@link EngineInfo}
 * @throws ConfigError for an unknown backend; BackendError when a requested backend cannot start.
 * @example
 * import { initEngine } from '@infomax/engine';
 * const info = await initEngine({ backend: 'auto' }); // "infomax engine: wasm (cpu, 1 thread, …)"
 */
export async function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  if (options.relaxedSimd ?? true) enableRelaxedSimd();
  const threads = options.threads ?? 1;
  const start = async (backend: tf.KernelBackend): Promise<number> => {
    await kernelPool?.dispose();
    kernelPool = null;
    const memory = (backend as Partial<WasmBackendLike>).wasm?.asm?.memory;
    if (!(memory instanceof WebAssembly.Memory)) return 1;
    attachKernelThreads(memory, null);
    if (threads === 1) return 1;
    if (!(memory.buffer instanceof SharedArrayBuffer)) {
      throw new BackendError(
        `initEngine: option 'threads' (${threads}) needs the wasm backend on a shared memory, but it was started in this process before initEngine`,
      );
    }
    if (options.fastKernels === false)
      throw new ConfigError(`initEngine: option 'threads' (${threads}) needs infomax's kernels; got fastKernels: false`);
    const module = compile(true);
    if (module === null)
      throw new BackendError(`initEngine: option 'threads' (${threads}) needs WebAssembly SIMD, which this engine lacks`);
    kernelPool = await KernelPool.start(memory, module.module, threads);
    attachKernelThreads(memory, kernelPool);
    return threads;
  };
  // The wasm backend's module is instantiated inside tf.setBackend('wasm'): on a shared memory,
  // so that kernel threads can work on its tensors in place, whatever the thread count.
  return startOnSharedMemory(() => initEngineWith(options, nativeCandidates(), start), SHARED_MAX_PAGES);
}

/** The kernel threads {@link initEngine} started, if any. */
let kernelPool: KernelPool | null = null;

/**
 * The kernel threads now: the count calls are split over, the count {@link initEngine}
 * started, and how many calls have been split so far (1, 1, 0 without any).
 */
export function kernelThreads(): { threads: number; size: number; calls: number } {
  return kernelPool ? { threads: kernelPool.threads, size: kernelPool.size, calls: kernelPool.calls } : { threads: 1, size: 1, calls: 0 };
}

/**
 * Splits infomax's wasm kernels over `n` of the threads {@link initEngine} started (1: this
 * thread alone), e.g. to time one count against another in one process.
 * @throws ConfigError for n outside 1..(initEngine's `threads`)
 */
export function useKernelThreads(n: number): void {
  if (kernelPool === null) {
    if (n === 1) return;
    throw new ConfigError(`useKernelThreads: initEngine started no kernel threads; got ${n}`);
  }
  kernelPool.use(n);
}

/**
 * Turns on WebAssembly relaxed SIMD where V8 has it behind a flag (Node 20), so that
 * infomax's GEMM can use fused multiply-add; a no-op where it is already on (Node 22+).
 * The flag only widens what WebAssembly validation accepts.
 * @returns whether the FMA build of the kernels now validates
 */
export function enableRelaxedSimd(): boolean {
  if (simdVariant() === 'fma') return true;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  resetSimdModule();
  return simdVariant() === 'fma';
}
