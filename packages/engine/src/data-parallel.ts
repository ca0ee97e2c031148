/**
 * Data-parallel training across worker_threads, so that the single-threaded wasm
 * backend uses every core. Each worker holds a replica built by the same task
 * module; a step splits the batch on axis 0, each replica computes its shard's
 * gradient into a SharedArrayBuffer, the replicas then sum the shard-size-weighted
 * gradients a slice each (a reduce-scatter: every replica averages 1/n of the
 * parameters), and every replica applies the mean — the full-batch gradient — with
 * its own optimizer.
 * Node-only (worker_threads); uses only public tfjs API.
 */
import { Worker } from 'worker_threads';
import { ConfigError, EngineError } from './errors';
import { checkPool, workerScript } from './worker-script';
import type { FromWorker, StepInput, ToWorker } from './data-parallel-protocol';

export type { ParallelTask, StepInput } from './data-parallel-protocol';

/** Options of {@link DataParallel.create}. */
export interface DataParallelOptions {
  /** Absolute path of a module exporting `createTask(options): ParallelTask`. */
  module: string;
  /** JSON-cloneable options passed to `createTask` in every worker. */
  options?: unknown;
  /** Number of replicas (threads). Default: 2. Range 1–64. */
  workers?: number;
  /** Backend inside each worker. Default `'wasm'`. */
  backend?: 'wasm' | 'cpu';
}

/**
 * Trains one model on several threads by splitting each batch.
 * @example
 * const dp = await DataParallel.create({ module: require.resolve('./my-task'), workers: 2 });
 * const loss = await dp.step([{ values: images, shape: [64, 28, 28, 1], dtype: 'float32' }]);
 * const weights = await dp.readWeights();
 * await dp.dispose();
 */
export class DataParallel {
  private constructor(
    private readonly workers: Worker[],
    private readonly pending: Array<Array<(m: FromWorker) => void>>,
  ) {}

  /**
   * Starts the workers and builds every replica.
   * @throws ConfigError for a bad worker count or a module path that is not absolute;
   *   EngineError when a worker fails to build its task.
   */
  static async create(options: DataParallelOptions): Promise<DataParallel> {
    const n = options.workers ?? 2;
    checkPool('DataParallel', { name: 'workers', value: n, min: 1 }, options.module);
    const script = workerScript('data-parallel-worker.js');
    const workers = Array.from({ length: n }, () => new Worker(script));
    const pending = workers.map(() => [] as Array<(m: FromWorker) => void>);
    const dp = new DataParallel(workers, pending);
    workers.forEach((w, i) => {
      w.on('message', (m: FromWorker) => pending[i].shift()?.(m));
      w.on('error', (e) => pending[i].shift()?.({ kind: 'error', message: e.message }));
    });
    let ready: Array<FromWorker | null>;
    try {
      ready = await dp.all(() => ({
        kind: 'init',
        module: options.module,
        options: options.options ?? null,
        backend: options.backend ?? 'wasm',
      }));
    } catch (e) {
      await dp.dispose();
      throw e;
    }
    const sizes = (ready[0] as { sizes: number[] }).sizes;
    if (ready.some((r) => JSON.stringify((r as { sizes: number[] }).sizes) !== JSON.stringify(sizes))) {
      await dp.dispose();
      throw new EngineError(`DataParallel: the replicas built by '${options.module}' have different variables`);
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    // One gradient slot per replica; all see every slot, none copies weights.
    const grads = new SharedArrayBuffer(total * 4 * n);
    const mean = new SharedArrayBuffer(total * 4);
    await dp.all((i) => ({ kind: 'share', grads, mean, index: i, workers: n }));
    return dp;
  }

  /** Number of replicas. */
  get size(): number {
    return this.workers.length;
  }

  /**
   * One training step on the full batch: inputs are split on axis 0 into near-equal shards.
   * @param inputs every input the task's loss takes, each `[batch, ...]`
   * @returns the full-batch loss (shard losses weighted by shard size)
   * @throws ConfigError when inputs disagree on the batch size
   */
  async step(inputs: StepInput[]): Promise<number> {
    const batch = inputs[0]?.shape[0] ?? 0;
    if (inputs.some((i) => i.shape[0] !== batch)) {
      throw new ConfigError(`DataParallel.step: every input must have the same batch size (axis 0); got ${inputs.map((i) => i.shape[0])}`);
    }
    const n = Math.min(this.workers.length, batch);
    const bounds = Array.from({ length: this.workers.length + 1 }, (_, i) => Math.round((Math.min(i, n) * batch) / n));
    const weights = this.workers.map((_, i) => (bounds[i + 1] - bounds[i]) / batch);
    const active = this.workers.map((_, i) => weights[i] > 0);
    const graded = await this.all((i) => {
      const [lo, hi] = [bounds[i], bounds[i + 1]];
      return {
        kind: 'grad',
        weight: weights[i],
        inputs: inputs.map((x) => {
          const inner = x.values.length / batch;
          return { values: x.values.slice(lo * inner, hi * inner), shape: [hi - lo, ...x.shape.slice(1)], dtype: x.dtype };
        }),
      };
    }, active);
    await this.all(() => ({ kind: 'reduce', weights }));
    await this.all(() => ({ kind: 'apply' }));
    return graded.reduce((s, m, i) => s + (m && m.kind === 'graded' ? m.loss * weights[i] : 0), 0);
  }

  /** The trained variables (from replica 0; all replicas are identical), in task order. */
  async readWeights(): Promise<Float32Array[]> {
    const [m] = await this.all(
      () => ({ kind: 'read' }),
      this.workers.map((_, i) => i === 0),
    );
    return (m as { values: Float32Array[] }).values;
  }

  /** Stops every worker. */
  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private all(make: (i: number) => ToWorker, only?: boolean[]): Promise<Array<FromWorker | null>> {
    return Promise.all(
      this.workers.map((w, i) => {
        if (only && !only[i]) return Promise.resolve(null);
        return new Promise<FromWorker>((resolve, reject) => {
          this.pending[i].push((m) =>
            m.kind === 'error' ? reject(new EngineError(`DataParallel worker ${i}: ${m.message}`)) : resolve(m),
          );
          w.postMessage(make(i));
        });
      }),
    );
  }
}
