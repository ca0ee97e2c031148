/**
 * Splits the per-example part of a training step across worker_threads, exactly.
 *
 * Losses with in-batch negatives (InfoNCE, JSD or NWJ on a `[B, B, ...]` score layout)
 * are not means over examples, so averaging the gradients of shard losses would change
 * them. Here each thread runs only the per-example part (an encoder, per-location heads)
 * on its shard; the main thread concatenates every shard's outputs and computes the
 * loss once on the whole batch. Its backward pass sends each thread the gradient of the
 * loss with respect to that thread's outputs as soon as it is known (before the main
 * thread back-propagates through its own shard), each thread back-propagates it through
 * its replica (a vector-Jacobian product on a tape it kept open), and the variable
 * gradients are summed in thread order. The result is the one-thread gradient up to
 * float summation order. Weights go to every thread before each step, so the replicas
 * follow whatever optimizer, schedule or restored checkpoint the main thread has.
 * Node-only (worker_threads, Atomics); uses only public tfjs API.
 */
import * as tf from '@tensorflow/tfjs';
import { MessageChannel, Worker } from 'worker_threads';
import { EngineError, ShapeError } from './errors';
import { SyncChannel } from './sync-channel';
import { buffersOf, copyInto, fromWire, sharedBytes, sharedViews, tensorOf, toWire } from './wire-tensor';
import { checkPool, workerScript } from './worker-script';
import type { ExampleSplitter, FromReplica, StepMessage, ToReplica, WireTensor } from './example-parallel-protocol';

export type { ExampleSplitter, ExampleTask } from './example-parallel-protocol';

/** Options of {@link ExampleParallel.create}. */
export interface ExampleParallelOptions {
  /** Absolute path of a module exporting `createTask(options): ExampleTask`. */
  module: string;
  /** JSON-cloneable options passed to `createTask` in every worker. */
  options?: unknown;
  /** Threads, the main thread included (so `threads − 1` workers). Default 2. Range 2–64. */
  threads?: number;
  /** Backend inside each worker: the main thread's. Default `'wasm'`. */
  backend?: 'wasm' | 'cpu';
  /** Longest wait for a worker's answer within a step, in ms. Default 600000. */
  timeoutMs?: number;
}

/** Where a worker is in the current step. */
type Phase = 'idle' | 'forward' | 'backward' | 'sent';

interface Replica {
  worker: Worker;
  /** Its gradients, written by the worker before it answers `grads`. */
  grads: Float32Array[];
  channel: SyncChannel<FromReplica, ToReplica>;
  phase: Phase;
  dys: Array<WireTensor | null>;
}

/**
 * The per-example part of a step on several threads; see {@link ExampleSplitter} for the
 * step's calls.
 * @example
 * const split = await ExampleParallel.create({ module: require.resolve('./encoder-task'), threads: 2 });
 * const { value, grads } = tf.variableGrads(() => {
 *   const [codes] = split.forward([images], encoderVars, ([x]) => [encode(x)]);
 *   return infoNceLoss(codes); // the whole batch's negatives
 * }, [...encoderVars, split.gate]);
 * const summed = split.gather(grads, encoderVars);
 * await split.dispose();
 */
export class ExampleParallel implements ExampleSplitter {
  readonly gate: tf.Variable;

  private constructor(
    private readonly replicas: Replica[],
    private readonly shapes: number[][],
    /** The per-example weights every worker loads at the start of a step. */
    private readonly weights: Float32Array[],
    private readonly timeoutMs: number,
  ) {
    this.gate = tf.variable(tf.scalar(0), true);
  }

  /**
   * Starts `threads − 1` workers and builds a replica in each.
   * @throws ConfigError for a bad thread count or a module path that is not absolute;
   *   EngineError when a worker fails to build its task or the replicas' variables differ
   */
  static async create(options: ExampleParallelOptions): Promise<ExampleParallel> {
    const threads = options.threads ?? 2;
    checkPool('ExampleParallel', { name: 'threads', value: threads, min: 2 }, options.module);
    const script = workerScript('example-parallel-worker.js');
    const replicas: Replica[] = [];
    try {
      const ready = await Promise.all(
        Array.from({ length: threads - 1 }, async () => {
          const worker = new Worker(script);
          const { port1, port2 } = new MessageChannel();
          const words = new Int32Array(new SharedArrayBuffer(8));
          replicas.push({ worker, channel: new SyncChannel(port1, words, 0), phase: 'idle', dys: [], grads: [] });
          const reply = new Promise<{ kind: string; shapes?: number[][]; message?: string }>((resolve) => {
            worker.once('message', resolve);
            worker.once('error', (e) => resolve({ kind: 'error', message: e.message }));
          });
          worker.postMessage(
            {
              kind: 'init',
              module: options.module,
              options: options.options ?? null,
              backend: options.backend ?? 'wasm',
              port: port2,
              words,
            },
            [port2],
          );
          const r = await reply;
          if (r.kind !== 'ready')
            throw new EngineError(`ExampleParallel: a worker could not build its task from '${options.module}': ${r.message}`);
          return JSON.stringify(r.shapes);
        }),
      );
      if (ready.some((s) => s !== ready[0]))
        throw new EngineError(`ExampleParallel: the replicas built by '${options.module}' have different variables`);
      const shapes = JSON.parse(ready[0]) as number[][];
      const weights = new SharedArrayBuffer(sharedBytes(shapes));
      for (const r of replicas) {
        const grads = new SharedArrayBuffer(sharedBytes(shapes));
        r.grads = sharedViews(grads, shapes);
        r.worker.postMessage({ kind: 'share', weights, grads });
      }
      return new ExampleParallel(replicas, shapes, sharedViews(weights, shapes), options.timeoutMs ?? 600_000);
    } catch (e) {
      await Promise.all(replicas.map((r) => r.worker.terminate()));
      throw e;
    }
  }

  get threads(): number {
    return this.replicas.length + 1;
  }

  forward(inputs: tf.Tensor[], variables: tf.Variable[], local: (shard: tf.Tensor[]) => tf.Tensor[]): tf.Tensor[] {
    if (this.replicas.some((r) => r.phase !== 'idle'))
      throw new EngineError('ExampleParallel.forward: the previous step was neither gathered nor cancelled');
    this.checkVariables('forward', variables);
    const batch = inputs[0]?.shape[0] ?? 0;
    if (batch < this.threads || inputs.some((x) => x.shape[0] !== batch)) {
      throw new ShapeError(
        `ExampleParallel.forward: every input needs the same batch size (axis 0), at least ${this.threads} (the threads); got ${inputs.map((x) => x.shape[0])}`,
      );
    }
    const bounds = Array.from({ length: this.threads + 1 }, (_, i) => Math.round((i * batch) / this.threads));
    copyInto(this.weights, variables);
    const values = inputs.map((x) => x.dataSync() as Float32Array);
    this.replicas.forEach((r, i) => {
      const [lo, hi] = [bounds[i + 1], bounds[i + 2]];
      const shards = inputs.map((x, j) => {
        const inner = x.size / batch;
        return { values: values[j].slice(lo * inner, hi * inner), shape: [hi - lo, ...x.shape.slice(1)] };
      });
      const msg: StepMessage = { kind: 'step', inputs: shards };
      r.worker.postMessage(msg, buffersOf(shards.map((s) => s.values)));
      r.phase = 'forward';
    });
    const mine = local(inputs.map((x) => tf.slice(x, 0, bounds[1])));
    const theirs = this.replicas.map((r, i) => this.receiveOutputs(r, i + 1, mine));
    return mine.map((o, k) => tf.concat([o, ...theirs.map((t) => t[k])], 0));
  }

  gather(grads: tf.NamedTensorMap, variables: tf.Variable[]): tf.NamedTensorMap {
    this.checkVariables('gather', variables);
    const missing = this.replicas.findIndex((r) => r.phase === 'backward');
    if (missing >= 0) {
      const k = this.replicas[missing].dys.findIndex((d) => d === null);
      this.cancel();
      throw new EngineError(
        `ExampleParallel.gather: output ${k} of thread ${missing + 1} got no gradient; every output of the per-example part must feed the loss`,
      );
    }
    this.replicas.forEach((r, i) => {
      const m = r.channel.receive(this.timeoutMs);
      r.phase = 'idle';
      if (m.kind !== 'grads')
        throw new EngineError(`ExampleParallel thread ${i + 1}: ${m.kind === 'error' ? m.message : `unexpected '${m.kind}'`}`);
    });
    const out: tf.NamedTensorMap = { ...grads };
    variables.forEach((v, j) => {
      // A fixed order (this thread's shard, then each worker's) keeps every run bit-identical.
      out[v.name] = tf.tidy(() => this.replicas.reduce((acc, r) => tf.add(acc, tensorOf(r.grads[j], v.shape)), grads[v.name]));
      grads[v.name].dispose();
    });
    return out;
  }

  cancel(): void {
    for (const r of this.replicas) {
      if (r.phase === 'forward') r.phase = r.channel.receive(this.timeoutMs).kind === 'outputs' ? 'backward' : 'idle';
      if (r.phase === 'backward') {
        r.channel.send({ kind: 'abort' });
        r.phase = 'sent';
      }
      if (r.phase === 'sent') {
        r.channel.receive(this.timeoutMs);
        r.phase = 'idle';
      }
    }
  }

  /** Stops every worker and frees the gate. */
  async dispose(): Promise<void> {
    this.gate.dispose();
    await Promise.all(this.replicas.map((r) => r.worker.terminate()));
  }

  private checkVariables(op: string, variables: tf.Variable[]): void {
    const got = JSON.stringify(variables.map((v) => v.shape));
    if (got !== JSON.stringify(this.shapes)) {
      throw new ShapeError(
        `ExampleParallel.${op}: argument variables must have the shapes of the task's variables ${JSON.stringify(this.shapes)}; got ${got}`,
      );
    }
  }

  /** A worker's outputs as tensors whose gradient, once the backward pass reaches them, goes back to the worker. */
  private receiveOutputs(r: Replica, thread: number, mine: tf.Tensor[]): tf.Tensor[] {
    const m = r.channel.receive(this.timeoutMs);
    if (m.kind !== 'outputs') {
      r.phase = 'idle';
      throw new EngineError(`ExampleParallel thread ${thread}: ${m.kind === 'error' ? m.message : `unexpected '${m.kind}'`}`);
    }
    r.phase = 'backward';
    if (
      m.outputs.length !== mine.length ||
      m.outputs.some((o, k) => JSON.stringify(o.shape.slice(1)) !== JSON.stringify(mine[k].shape.slice(1)))
    ) {
      throw new ShapeError(
        `ExampleParallel.forward: thread ${thread}'s outputs ${JSON.stringify(m.outputs.map((o) => o.shape))} do not match this thread's ${JSON.stringify(mine.map((o) => o.shape))}`,
      );
    }
    r.dys = m.outputs.map(() => null);
    return m.outputs.map((o, k) => {
      const hook = tf.customGrad((leaf, gate) => ({
        value: tf.clone(leaf as tf.Tensor),
        gradFunc: (dy: tf.Tensor) => {
          this.deliver(r, k, dy);
          return [dy, tf.zerosLike(gate as tf.Tensor)];
        },
      }));
      return tf.tidy(() => hook(fromWire(o), this.gate));
    });
  }

  private deliver(r: Replica, k: number, dy: tf.Tensor): void {
    r.dys[k] = toWire(dy);
    if (r.phase !== 'backward' || r.dys.some((d) => d === null)) return;
    const dys = r.dys as WireTensor[];
    r.channel.send({ kind: 'dy', dys }, buffersOf(dys.map((d) => d.values)));
    r.phase = 'sent';
  }
}
