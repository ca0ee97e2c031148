/**
 * Threads for infomax's wasm kernels: each worker instantiates the same kernel module on
 * the wasm backend's (shared) memory and, when the main thread hands it part of a kernel
 * call (a block of a GEMM's rows or columns, a run of images, a range of weights), runs
 * it in place while the main thread runs its own part. The parts write disjoint outputs
 * and each output is computed exactly as one thread computes it, so results do not
 * depend on the thread count. Node-only (worker_threads, Atomics).
 *
 * Handing over is a word in a SharedArrayBuffer: the main thread writes the call's
 * arguments and bumps the word, the worker (spinning briefly, then in `Atomics.wait`)
 * runs the call and bumps its `done` word, which the main thread waits on.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'worker_threads';
import { ConfigError, EngineError } from './errors';
import type { KernelName, KernelThreads } from './kernels/simd/module';
import { checkCount, workerScript } from './worker-script';

/** Words of a worker's control block (Int32), then its arguments (Float64) from byte {@link ARGS_AT}. */
export const CONTROL = { seq: 0, done: 1, kernel: 2, args: 3, failed: 4 } as const;
export const ARGS_AT = 64;
export const MAX_ARGS = 24;
/** The kernels a worker runs, by their number in the control block. */
export const KERNEL_NAMES: readonly KernelName[] = ['gemm', 'im2col', 'adam', 'sgd'];
/** Iterations of polling before a thread sleeps in `Atomics.wait` (tens of microseconds). */
export const SPINS = 20_000;

interface Helper {
  worker: Worker;
  control: Int32Array;
  args: Float64Array;
  errors: MessagePort;
}

/** A pool of kernel threads on one wasm memory; see the file's comment. */
export class KernelPool implements KernelThreads {
  private seq = 0;
  private active: number;
  /** Calls split over threads so far. */
  calls = 0;

  private constructor(private readonly helpers: Helper[]) {
    this.active = helpers.length + 1;
  }

  /**
   * Starts `threads − 1` workers, each with its own instance of `module` on `memory`.
   * @param memory the wasm backend's memory (shared)
   * @param module the kernel module, compiled for a shared memory
   * @param threads threads, this one included, 2..64
   * @throws ConfigError for a bad count; EngineError when a worker cannot start
   */
  static async start(memory: WebAssembly.Memory, module: WebAssembly.Module, threads: number): Promise<KernelPool> {
    checkCount('KernelPool', { name: 'threads', value: threads, min: 2 });
    if (!(memory.buffer instanceof SharedArrayBuffer)) throw new EngineError('KernelPool: the wasm memory is not shared');
    const script = workerScript('kernel-pool-worker.js');
    const helpers: Helper[] = [];
    try {
      await Promise.all(
        Array.from({ length: threads - 1 }, async () => {
          const worker = new Worker(script);
          const block = new SharedArrayBuffer(ARGS_AT + 8 * MAX_ARGS);
          const { port1, port2 } = new MessageChannel();
          const helper: Helper = {
            worker,
            control: new Int32Array(block, 0, 8),
            args: new Float64Array(block, ARGS_AT, MAX_ARGS),
            errors: port1,
          };
          helpers.push(helper);
          const ready = new Promise<string | null>((resolve) => {
            worker.once('message', (m: { kind: string; message?: string }) => resolve(m.kind === 'ready' ? null : (m.message ?? m.kind)));
            worker.once('error', (e) => resolve(e.message));
          });
          worker.postMessage({ memory, module, block, errors: port2 }, [port2]);
          const failure = await ready;
          if (failure !== null) throw new EngineError(`KernelPool: a kernel thread could not start: ${failure}`);
          worker.unref();
        }),
      );
    } catch (e) {
      await Promise.all(helpers.map((h) => h.worker.terminate()));
      throw e;
    }
    return new KernelPool(helpers);
  }

  /** Threads kernel calls are split over now, this one included. */
  get threads(): number {
    return this.active;
  }

  /** Threads the pool has, this one included. */
  get size(): number {
    return this.helpers.length + 1;
  }

  /**
   * Splits later calls over `n` of the pool's threads (1: this thread alone).
   * @throws ConfigError for n outside 1..{@link size}
   */
  use(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.size)
      throw new ConfigError(`KernelPool.use: threads must be an integer in 1..${this.size}, got ${n}`);
    this.active = n;
  }

  run(kernel: KernelName, parts: number[][], here: () => void): void {
    if (parts.length > this.helpers.length)
      throw new EngineError(`KernelPool.run: ${parts.length} parts for ${this.helpers.length} other threads`);
    const longest = Math.max(0, ...parts.map((args) => args.length));
    if (longest > MAX_ARGS) throw new EngineError(`KernelPool.run: ${longest} arguments, at most ${MAX_ARGS}`);
    const code = KERNEL_NAMES.indexOf(kernel) + 1;
    const seq = ++this.seq;
    this.calls++;
    parts.forEach((args, i) => {
      const h = this.helpers[i];
      h.args.set(args);
      h.control[CONTROL.kernel] = code;
      h.control[CONTROL.args] = args.length;
      Atomics.store(h.control, CONTROL.seq, seq);
      Atomics.notify(h.control, CONTROL.seq);
    });
    let failure: unknown = null;
    try {
      here();
    } catch (e) {
      failure = e;
    }
    const errors: string[] = [];
    parts.forEach((_, i) => {
      const h = this.helpers[i];
      waitUntil(h.control, CONTROL.done, (v) => v === seq);
      if (h.control[CONTROL.failed] !== 0) {
        const m = receiveMessageOnPort(h.errors)?.message as string | undefined;
        errors.push(`thread ${i + 1}: ${m ?? 'failed'}`);
      }
    });
    if (failure !== null) throw failure;
    if (errors.length > 0) throw new EngineError(`KernelPool: ${kernel} failed on ${errors.join('; ')}`);
  }

  /** Stops the workers. */
  async dispose(): Promise<void> {
    for (const h of this.helpers) {
      h.control[CONTROL.kernel] = 0;
      Atomics.store(h.control, CONTROL.seq, ++this.seq);
      Atomics.notify(h.control, CONTROL.seq);
    }
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
    this.helpers.length = 0;
    this.active = 1;
  }
}

/**
 * Waits until `words[at]` satisfies `done`: polling first (a hand-over takes microseconds),
 * then sleeping in `Atomics.wait` until the word changes.
 * @returns the word's value then
 */
export function waitUntil(words: Int32Array, at: number, done: (value: number) => boolean, spins = SPINS): number {
  for (let i = 0; i < spins; i++) {
    const now = Atomics.load(words, at);
    if (done(now)) return now;
  }
  for (;;) {
    const now = Atomics.load(words, at);
    if (done(now)) return now;
    Atomics.wait(words, at, now);
  }
}
