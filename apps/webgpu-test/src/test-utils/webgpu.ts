/**
 * The webgpu backend on SwiftShader for these specs: start it (after the cpu reference),
 * skip with a printed reason only where SwiftShader's ICD file is absent, and run the same
 * tensor code on webgpu and on cpu.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { initEngine, type EngineInfo } from '@infomax/engine';

/** The Vulkan ICD these specs run on (swiftshader.cjs sets it; chromium ships it). */
export const ICD = process.env.VK_ICD_FILENAMES || '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Why the webgpu specs cannot run on this machine, or null where they must. */
export const SKIP = fs.existsSync(ICD)
  ? null
  : `webgpu specs skipped: SwiftShader's Vulkan ICD ${ICD} is absent (Debian's chromium package ships it)`;

/**
 * Registers the cpu backend with tfjs' stock kernels (the reference), then starts webgpu by
 * name and leaves it active.
 * @throws Error naming the ICD and the wrapper when webgpu does not start although the ICD is there
 */
export async function startWebgpu(): Promise<EngineInfo> {
  await initEngine({ backend: 'cpu', log: null, fastKernels: false });
  try {
    return await initEngine({ backend: 'webgpu', log: null });
  } catch (e) {
    throw new Error(
      `${ICD} exists but webgpu did not start (${(e as Error).message}); run these specs with npm test: ` +
        'swiftshader.cjs sets VK_ICD_FILENAMES, XDG_RUNTIME_DIR and LD_LIBRARY_PATH before Node starts',
      { cause: e },
    );
  }
}

/** `describe` with webgpu started before its tests, or `describe.skip` printing {@link SKIP}. */
export function describeWebgpu(name: string, body: () => void): void {
  if (SKIP !== null) {
    console.log(SKIP);
    describe.skip(name, body);
    return;
  }
  describe(name, () => {
    beforeAll(startWebgpu);
    body();
  });
}

/** Runs `f` on `backend` inside `tf.tidy`, reads every tensor it returns by `await data()`, frees them. */
export async function valuesOn(backend: string, f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const tensors = tf.tidy(f);
  const out: Float32Array[] = [];
  for (const t of tensors) out.push(Float32Array.from(await t.data()));
  tf.dispose(tensors);
  return out;
}

/**
 * Counts the backend's reads back to the CPU (`read`, `readSync`) while `f` runs: on webgpu
 * each is a GPU→CPU copy that waits for the queue.
 */
export async function countReads<T>(f: () => Promise<T>): Promise<{ reads: number; result: T }> {
  const backend = tf.backend();
  const { read, readSync } = backend;
  let reads = 0;
  backend.read = (dataId) => ((reads += 1), read.call(backend, dataId));
  backend.readSync = (dataId) => ((reads += 1), readSync.call(backend, dataId));
  try {
    const result = await f();
    return { reads, result };
  } finally {
    backend.read = read;
    backend.readSync = readSync;
  }
}
