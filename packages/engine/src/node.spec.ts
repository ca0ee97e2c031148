import * as tf from '@tensorflow/tfjs';
import {
  cudaUnavailableReason,
  findNativeBinding,
  initEngine,
  nativeCandidates,
  NativeProbe,
  softwareAdapter,
  vulkanLoaderMissing,
  type AdapterLike,
} from './node';
import { initEngine as initWith } from './backend';
import { BackendError, ConfigError } from './errors';

/** A machine described by its files, installed packages and environment. */
function machine(opts: {
  packages?: string[];
  bindings?: string[];
  gpus?: boolean;
  env?: Record<string, string>;
  loadFails?: boolean;
  adapter?: boolean | AdapterLike;
  /** Whether the Vulkan loader is installed (default true). */
  vulkan?: boolean;
}): NativeProbe & { loaded: string[] } {
  const loaded: string[] = [];
  const pkgRoot = (name: string) => `/nm/${name}`;
  return {
    loaded,
    resolvePackage: (name) => ((opts.packages ?? []).includes(name) ? `${pkgRoot(name)}/package.json` : null),
    exists: (file) =>
      (opts.bindings ?? []).some((b) => file === `${pkgRoot(b)}/lib/napi-v8/tfjs_binding.node`) ||
      (file === '/dev/nvidia0' && !!opts.gpus) ||
      (file === '/usr/lib/x86_64-linux-gnu/libvulkan.so.1' && opts.vulkan !== false),
    list: (dir) => {
      const b = (opts.bindings ?? []).find((p) => dir === `${pkgRoot(p)}/lib`);
      if (b) return ['napi-v8'];
      if (dir === '/proc/driver/nvidia/gpus' && opts.gpus) return ['0000:00:1e.0'];
      return [];
    },
    load: (name) => {
      if (opts.loadFails) throw new Error('libtensorflow.so.2: cannot open shared object file\nmore');
      loaded.push(name);
      return {};
    },
    importModule: async (name) => {
      loaded.push(name);
      return {
        create: () => ({
          requestAdapter: async () => (opts.adapter === true ? { info: { description: 'test GPU' } } : opts.adapter || null),
        }),
        globals: {},
      };
    },
    env: opts.env ?? {},
  };
}

async function tryAll(probe: NativeProbe, requested = false) {
  const results: string[] = [];
  for (const c of nativeCandidates(probe)) {
    const r = await c.load({ requested });
    results.push(r.ok ? `${c.label}: ok` : `${c.label}: ${r.why}`);
    if (r.ok) break;
  }
  return results;
}

const GPU = '@tensorflow/tfjs-node-gpu';
const CPU = '@tensorflow/tfjs-node';
const WEBGPU = 'webgpu (Dawn)';
const WG_PKGS = ['webgpu', '@tensorflow/tfjs-backend-webgpu'];

describe('backend selection', () => {
  it('absent packages: both native candidates say "not installed"', async () => {
    expect(await tryAll(machine({}))).toEqual([
      `${GPU}: not installed (optional; see the README)`,
      `${WEBGPU}: not installed (optional: npm install webgpu @tensorflow/tfjs-backend-webgpu)`,
      `${CPU}: not installed (optional; see the README)`,
    ]);
  });

  it('installed with its install script skipped: "native binding is missing"', async () => {
    const r = await tryAll(machine({ packages: [GPU, CPU] }));
    expect(r[0]).toMatch(/native binding is missing/);
    expect(r[2]).toMatch(/native binding is missing/);
  });

  it('tfjs-node-gpu with its binding but no GPU visible falls to tfjs-node, and loads only that one', async () => {
    const m = machine({ packages: [GPU, CPU], bindings: [GPU, CPU] });
    const r = await tryAll(m);
    expect(r[0]).toMatch(/no NVIDIA GPU is visible/);
    expect(r[2]).toBe(`${CPU}: ok`);
    expect(m.loaded).toEqual([CPU]);
  });

  it('CUDA_VISIBLE_DEVICES=-1 hides the GPU even when one exists', () => {
    expect(cudaUnavailableReason(machine({ gpus: true, env: { CUDA_VISIBLE_DEVICES: '-1' } }))).toMatch(/hides every GPU/);
    expect(cudaUnavailableReason(machine({ gpus: true }))).toBeNull();
  });

  it('a GPU and the gpu binding: tfjs-node-gpu is chosen and tfjs-node is never loaded', async () => {
    const m = machine({ packages: [GPU, CPU], bindings: [GPU, CPU], gpus: true });
    expect(await tryAll(m)).toEqual([`${GPU}: ok`]);
    expect(m.loaded).toEqual([GPU]);
  });

  it('a binding that fails to load reports the first line of the loader error', async () => {
    const r = await tryAll(machine({ packages: [CPU], bindings: [CPU], loadFails: true }));
    expect(r[2]).toBe(`${CPU}: failed to load: libtensorflow.so.2: cannot open shared object file`);
  });

  it('webgpu installed but Dawn finds no adapter (as on these machines): falls through, naming why', async () => {
    const m = machine({ packages: [...WG_PKGS, CPU], bindings: [CPU] });
    const r = await tryAll(m);
    expect(r[1]).toBe(`${WEBGPU}: no WebGPU adapter (Dawn found no Vulkan, Metal or D3D12 device)`);
    expect(r[2]).toBe(`${CPU}: ok`);
    expect(m.loaded).toEqual(['webgpu', CPU]);
  });

  it('webgpu installed on Linux without a Vulkan loader: falls through before Dawn starts, saying what to install', async () => {
    const m = machine({ packages: WG_PKGS, adapter: true, vulkan: false });
    const webgpu = nativeCandidates(m)[1];
    if (process.platform !== 'linux') return;
    expect(await webgpu.load({ requested: false })).toEqual({
      ok: false,
      why: 'no Vulkan loader (libvulkan.so.1; on Debian/Ubuntu: apt-get install libvulkan1)',
    });
    // A loader on LD_LIBRARY_PATH (as chromium's, for SwiftShader) counts.
    expect(
      vulkanLoaderMissing({ ...m, env: { LD_LIBRARY_PATH: '/opt/x' }, exists: (f) => f === '/opt/x/libvulkan.so.1' }, 'linux'),
    ).toBeNull();
    expect(vulkanLoaderMissing(m, 'darwin')).toBeNull();
  });

  it('webgpu with an adapter is chosen before tfjs-node, and loads tfjs-backend-webgpu', async () => {
    const m = machine({ packages: [...WG_PKGS, CPU], bindings: [CPU], adapter: true });
    expect(await tryAll(m)).toEqual([`${GPU}: not installed (optional; see the README)`, `${WEBGPU}: ok`]);
    expect(m.loaded).toEqual(['webgpu', '@tensorflow/tfjs-backend-webgpu']);
  });

  const SWIFTSHADER = {
    info: {
      vendor: 'google',
      architecture: 'swiftshader',
      device: 'swiftshader-device-subzero-',
      description: 'SwiftShader driver 5.0.0',
      isFallbackAdapter: true,
    },
  };

  it('auto passes over a software WebGPU adapter (SwiftShader) to tfjs-node, naming it; by name it runs, on the cpu', async () => {
    const m = machine({ packages: [...WG_PKGS, CPU], bindings: [CPU], adapter: SWIFTSHADER });
    const r = await tryAll(m);
    expect(r[1]).toBe(
      `${WEBGPU}: its adapter, SwiftShader driver 5.0.0, renders on the CPU, slower than wasm (--backend webgpu runs on it anyway)`,
    );
    expect(r[2]).toBe(`${CPU}: ok`);
    expect(m.loaded).toEqual(['webgpu', CPU]);
    const webgpu = nativeCandidates(machine({ packages: WG_PKGS, adapter: SWIFTSHADER }))[1];
    expect(await webgpu.load({ requested: true })).toEqual({
      ok: true,
      backend: 'webgpu',
      threads: 0,
      device: 'cpu',
      note: 'software adapter SwiftShader driver 5.0.0: WebGPU emulated on the CPU',
    });
  });

  it.each<[string, AdapterLike, string | null]>([
    ['SwiftShader', SWIFTSHADER, 'SwiftShader driver 5.0.0'],
    [
      'Mesa lavapipe',
      { info: { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } },
      'llvmpipe (LLVM 15.0.6, 256 bits)',
    ],
    ['a fallback adapter (older Dawn: the flag on the adapter)', { isFallbackAdapter: true, info: { vendor: 'acme' } }, 'acme'],
    [
      'an NVIDIA GPU',
      { info: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3', isFallbackAdapter: false } },
      null,
    ],
    ['an Apple GPU', { info: { vendor: 'apple', architecture: 'metal-3' } }, null],
  ])('softwareAdapter: %s', (_name, adapter, want) => {
    expect(softwareAdapter(adapter)).toBe(want);
  });

  it('tfjs-node-gpu with a GPU wins over webgpu', async () => {
    const m = machine({ packages: [GPU, ...WG_PKGS], bindings: [GPU], gpus: true, adapter: true });
    expect(await tryAll(m)).toEqual([`${GPU}: ok`]);
  });

  it('findNativeBinding finds lib/napi-v*/tfjs_binding.node', () => {
    expect(findNativeBinding(`/nm/${CPU}/package.json`, machine({ bindings: [CPU] }))).toBe(`/nm/${CPU}/lib/napi-v8/tfjs_binding.node`);
  });

  it('auto on this machine (no native packages) runs wasm and logs one line naming what was skipped', async () => {
    const lines: string[] = [];
    const info = await initEngine({ backend: 'auto', log: (l) => lines.push(l) });
    expect(lines).toHaveLength(1);
    expect(info.backend).toBe('wasm');
    expect(info.device).toBe('cpu');
    expect(info.kernels).toContain('Conv2DBackpropFilter');
    expect(lines[0]).toMatch(
      /^infomax engine: wasm \(cpu, \d+ threads?, 10 infomax kernels, SIMD GEMM with FMA\); not used: @tensorflow\/tfjs-node-gpu: .*; webgpu \(Dawn\): .*; @tensorflow\/tfjs-node: /,
    );
  });

  it('backend cpu is the stock cpu backend plus our two conv-gradient kernels, fused Adam and fused SGD (LARS)', async () => {
    const info = await initWith({ backend: 'cpu', log: null });
    expect(info.backend).toBe('cpu');
    expect(info.kernels).toEqual(['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'InfomaxAdam', 'InfomaxSgd']);
  });

  it('an explicit tensorflow backend that is not installed is a BackendError naming why', async () => {
    await expect(initEngine({ backend: 'tensorflow', log: null })).rejects.toThrow(BackendError);
    await expect(initEngine({ backend: 'tensorflow', log: null })).rejects.toThrow(/not installed/);
  });

  it('an unknown backend name is a ConfigError listing the choices', async () => {
    await expect(initEngine({ backend: 'tpu' as never, log: null })).rejects.toThrow(ConfigError);
    await expect(initEngine({ backend: 'tpu' as never, log: null })).rejects.toThrow(
      /'backend' must be one of auto, tensorflow, webgpu, wasm, cpu; got 'tpu'/,
    );
  });
});

describe('fallback when wasm is unavailable (runs last: it unregisters wasm in this test file)', () => {
  it('auto falls back to cpu and says why wasm was not used', async () => {
    tf.removeBackend('wasm');
    const lines: string[] = [];
    const info = await initWith({ backend: 'auto', log: (l) => lines.push(l) });
    expect(info.backend).toBe('cpu');
    expect(lines[0]).toMatch(/^infomax engine: cpu .*not used: wasm/);
  });
});
