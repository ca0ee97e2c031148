/**
 * Kernel threads: the wasm backend's module rewritten onto a shared memory, and infomax's
 * kernels split over threads giving the one-thread results bit for bit (GEMM on both
 * split axes with edge tiles, Conv2D and its gradients, Adam, SGD), after the memory grows
 * too; a part that fails names its thread and leaves the pool usable.
 */
import * as tf from '@tensorflow/tfjs';
import { initEngine, useKernelThreads } from './node';
import { KernelPool } from './kernel-pool';
import { shareModuleMemory, SHARED_MEMORY_IMPORT } from './shared-memory';
import { attachKernelThreads, compile, splitRange, type WasmBackendLike } from './kernels/simd/module';
import { adam, adamw } from './optimizers';
import { sgd } from './optimizers-sgd';
import { EngineError, ConfigError } from './errors';
import { Rng } from './random';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wabtInit = require('wabt') as () => Promise<{
  parseWat(name: string, text: string, features?: object): { toBinary(o: object): { buffer: Uint8Array }; destroy(): void };
}>;

async function assemble(text: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('t.wat', text, { bulk_memory: true });
  const bytes = Uint8Array.from(mod.toBinary({}).buffer);
  mod.destroy();
  return bytes;
}

const memoryOf = (): WebAssembly.Memory => (tf.backend() as unknown as WasmBackendLike).wasm.asm.memory;

function randn(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => rng.normal()),
    shape,
  );
}

/** `f`'s outputs on 1 and on 2 threads, and how many calls the pool split meanwhile. */
function onBoth(pool: KernelPool, f: () => tf.Tensor | tf.Tensor[]): { one: Float32Array[]; two: Float32Array[]; split: number } {
  const values = (): Float32Array[] => {
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const data = list.map((t) => t.dataSync() as Float32Array);
    tf.dispose(list);
    return data;
  };
  pool.use(1);
  const one = values();
  pool.use(2);
  const before = pool.calls;
  const two = values();
  return { one, two, split: pool.calls - before };
}

describe('shareModuleMemory', () => {
  const text = (imports: string) => `(module ${imports}
    (memory (export "memory") 2 40)
    (data (i32.const 16) "infomax")
    (func (export "at") (param i32) (result i32) (i32.load8_u (local.get 0))))`;

  it.each([
    ['with an import section', '(import "env" "f" (func $f))'],
    ['without one', ''],
  ])('makes a module %s import its memory, shared, with the data in place', async (_, imports) => {
    const { binary, initial, maximum } = shareModuleMemory(await assemble(text(imports)), 100);
    expect([initial, maximum]).toEqual([2, 40]);
    const memory = new WebAssembly.Memory({ initial, maximum, shared: true });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(binary), {
      env: { f: () => undefined },
      [SHARED_MEMORY_IMPORT.module]: { [SHARED_MEMORY_IMPORT.name]: memory },
    });
    expect(instance.exports.memory).toBe(memory);
    expect(String.fromCharCode((instance.exports.at as (i: number) => number)(16))).toBe('i');
    expect(new Uint8Array(memory.buffer)[22]).toBe('x'.charCodeAt(0));
  });

  it('declares the given maximum when the module has none', async () => {
    const bytes = await assemble('(module (memory (export "memory") 3))');
    expect(shareModuleMemory(bytes, 77)).toMatchObject({ initial: 3, maximum: 77 });
  });

  it('refuses what it cannot rewrite', async () => {
    expect(() => shareModuleMemory(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 10)).toThrow(/not a WebAssembly/);
    expect(() => shareModuleMemory(new Uint8Array(0), 10)).toThrow(EngineError);
    const noMemory = await assemble('(module (func (export "f")))');
    expect(() => shareModuleMemory(noMemory, 10)).toThrow(/defines no memory/);
    const truncated = (await assemble(text(''))).subarray(0, 30);
    expect(() => shareModuleMemory(truncated, 10)).toThrow(EngineError);
  });
});

describe('splitRange', () => {
  it('covers 0..n in parts starting on multiples of the unit', () => {
    expect(splitRange(64, 2, 4)).toEqual([
      [0, 32],
      [32, 64],
    ]);
    expect(splitRange(10, 2, 8)).toEqual([
      [0, 8],
      [8, 10],
    ]);
    expect(splitRange(3, 2, 8)).toEqual([[0, 3]]);
    for (const [n, t, u] of [
      [1001, 3, 4],
      [17, 4, 1],
      [5, 8, 2],
    ]) {
      const parts = splitRange(n, t, u);
      expect(parts[0][0]).toBe(0);
      expect(parts[parts.length - 1][1]).toBe(n);
      parts.forEach(([lo, hi], i) => {
        expect(lo % u).toBe(0);
        expect(hi).toBeGreaterThan(lo);
        if (i > 0) expect(lo).toBe(parts[i - 1][1]);
      });
    }
  });
});

describe('kernel threads on the wasm backend', () => {
  let pool: KernelPool;

  beforeAll(async () => {
    const info = await initEngine({ backend: 'wasm', threads: 2, log: null });
    expect(info.threads).toBe(2);
    expect(info.reason).toMatch(/wasm \(cpu, 2 threads/);
    expect(memoryOf().buffer).toBeInstanceOf(SharedArrayBuffer);
    // A pool of this spec's own, to count its calls.
    pool = await KernelPool.start(memoryOf(), compile(true)!.module, 2);
    attachKernelThreads(memoryOf(), pool);
  });
  afterAll(async () => {
    attachKernelThreads(memoryOf(), null);
    await pool.dispose();
  });

  it.each([
    ['rows (M ≥ N), edges on both sides', [203, 301], [301, 45], false, false],
    ['columns (N > M), edges on both sides', [30, 517], [517, 389], false, false],
    ['transposed A', [260, 70], [260, 90], true, false],
    ['transposed B', [64, 300], [1030, 300], false, true],
  ])('matMul split by %s equals one thread bit for bit', (_, sa, sb, ta, tb) => {
    const a = randn(sa, 1);
    const b = randn(sb, 2);
    const { one, two, split } = onBoth(pool, () => tf.matMul(a, b, ta, tb));
    expect(split).toBeGreaterThan(0);
    expect(two).toEqual(one);
    tf.dispose([a, b]);
  });

  it('Conv2D, both of its gradients and a dense layer equal one thread bit for bit', () => {
    const x = randn([24, 28, 28, 1], 3);
    const w1 = randn([4, 4, 1, 64], 4).mul(0.2);
    const w2 = randn([4, 4, 64, 128], 5).mul(0.05);
    const fc = randn([6272, 200], 6).mul(0.01);
    const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const h = tf.relu(tf.conv2d(x as tf.Tensor4D, a as tf.Tensor4D, 2, 'same'));
      const h2 = tf.relu(tf.conv2d(h, b as tf.Tensor4D, 2, 'same'));
      return tf.square(tf.matMul(tf.reshape(h2, [24, -1]), c as tf.Tensor2D)).sum();
    };
    const { one, two, split } = onBoth(pool, () => tf.grads(loss)([w1, w2, fc]));
    expect(split).toBeGreaterThan(5);
    expect(two).toEqual(one);
    tf.dispose([x, w1, w2, fc]);
  });

  it.each([
    ['Adam', () => adam(1e-3)],
    ['AdamW', () => adamw({ learningRate: 1e-3, weightDecay: 0.05 })],
    ['SGD with Nesterov momentum', () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 })],
  ])('%s steps on 100 003 weights equal one thread bit for bit', (_, make) => {
    const run = (threads: number): Float32Array => {
      pool.use(threads);
      const w = tf.variable(randn([100_003], 7));
      const opt = make();
      for (let step = 0; step < 3; step++) {
        const g = randn([100_003], 10 + step);
        opt.applyGradients([{ name: w.name, tensor: g }]);
        g.dispose();
      }
      const out = w.dataSync() as Float32Array;
      opt.dispose();
      w.dispose();
      return out;
    };
    const one = run(1);
    const before = pool.calls;
    const two = run(2);
    expect(pool.calls - before).toBe(3);
    expect(two).toEqual(one);
  });

  it('still equals one thread after the memory grows', () => {
    const pages = memoryOf().buffer.byteLength / 65536;
    const big = tf.zeros([Math.ceil(((pages + 64) * 65536) / 4)]);
    expect(memoryOf().buffer.byteLength / 65536).toBeGreaterThan(pages);
    const a = randn([300, 200], 8);
    const b = randn([200, 100], 9);
    const { one, two, split } = onBoth(pool, () => tf.matMul(a, b));
    expect(split).toBe(1);
    expect(two).toEqual(one);
    tf.dispose([big, a, b]);
  });

  it('adds no tensors: a threaded training step leaves tf.memory() as it found it', () => {
    pool.use(2);
    const w = tf.variable(randn([512, 256], 11));
    const x = randn([128, 512], 12);
    const opt = adam(1e-3);
    const step = () => opt.minimize(() => tf.square(tf.matMul(x, w)).mean() as tf.Scalar);
    step();
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, x]);
    opt.dispose();
  });

  it('names the thread whose part failed, and keeps working', () => {
    pool.use(2);
    const outside = memoryOf().buffer.byteLength + 4096;
    expect(() => pool.run('gemm', [[8, 8, 8, outside, 8, 1, outside, 8, 1, outside, 8, 0, outside]], () => undefined)).toThrow(
      /gemm failed on thread 1: .*out of bounds/,
    );
    const a = randn([256, 64], 13);
    const { one, two } = onBoth(pool, () => tf.matMul(a, a, false, true));
    expect(two).toEqual(one);
    a.dispose();
  });

  it('refuses bad thread counts', async () => {
    expect(() => pool.use(3)).toThrow(ConfigError);
    expect(() => pool.use(0)).toThrow(/threads must be an integer in 1\.\.2, got 0/);
    await expect(KernelPool.start(memoryOf(), compile(true)!.module, 1)).rejects.toThrow(
      /option 'threads' must be an integer in 2\.\.64, got 1/,
    );
    await expect(initEngine({ backend: 'wasm', threads: 1.5, log: null })).rejects.toThrow(
      /option 'threads' must be an integer in 1\.\.64; got 1\.5/,
    );
    expect(() => useKernelThreads(3)).toThrow(/threads must be an integer in 1\.\.2, got 3/);
  });
});
