/**
 * How many threads a run trains on (`train.threads`), and the workers that give it
 * them: the engine's `ExampleParallel`, running the per-example part of the objective
 * (encoder, per-location heads) on a shard of each batch in every thread.
 */
import { existsSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Objective } from '@infomax/objectives';
import type { TrainConfig } from '../config';
import { ConfigError } from '../errors';
import { ExampleParallel } from './engine-node';
import type { SplitTaskOptions } from './split-task';

/**
 * Most threads `train.threads: null` (the default) picks. docs/benchmarks/trainer.md
 * measured the quick start's step on 2 threads at 1.23× of 1 on an idle 2-core machine
 * and at 0.85× with other processes keeping both cores busy (load average 4): the gain
 * needs a core to spare, which a run's start cannot promise, so the default stays at one
 * thread and `--threads 2` is the user's choice.
 */
export const AUTO_THREADS_CAP = 1;

/** Backends whose kernels run on the calling thread, which extra threads can add to. */
const THREADED_BACKENDS = ['wasm', 'cpu'] as const;

/**
 * The thread count of a run: `train.threads`, or when it is null the machine's cores up to
 * {@link AUTO_THREADS_CAP} where the run can use them (an objective that splits, a CPU
 * backend), else 1.
 * @param backend the backend the engine chose (`tf.getBackend()`)
 * @throws ConfigError naming `train.threads` (another backend, an objective that does not
 *   split, more threads than images), `objective.encoder.batchNorm` (batch statistics) or `objective.augment` (one draw per batch)
 */
export function resolveThreads(config: TrainConfig, objective: Objective<unknown, unknown, unknown>, backend: string): number {
  const asked = config.train.threads;
  if (asked === 1) return 1;
  const threaded = (THREADED_BACKENDS as readonly string[]).includes(backend);
  const split = objective.split?.() ?? null;
  if (asked === null) return threaded && split ? Math.min(os.availableParallelism(), AUTO_THREADS_CAP, config.train.batchSize) : 1;
  if (!threaded)
    throw new ConfigError(
      'train.threads',
      `is ${asked}: threads share the work of the wasm and cpu backends only, and this run uses '${backend}'; use 1`,
    );
  if (!objective.split) {
    throw new ConfigError(
      'train.threads',
      `is ${asked}, but objective '${objective.config.kind}' does not split into per-example and batch parts (only dim does); use 1`,
    );
  }
  if (!split) {
    const augment = (objective.config as { augment?: unknown[] }).augment ?? [];
    if (augment.length > 0)
      throw new ConfigError(
        'objective.augment',
        `is set: a batch's augmentations are one seeded draw, which shards would not reproduce, so train.threads must be 1 (it is ${asked})`,
      );
    throw new ConfigError(
      'objective.encoder.batchNorm',
      `is true: batch statistics couple the images of a batch, so train.threads must be 1 (it is ${asked})`,
    );
  }
  if (asked > config.train.batchSize)
    throw new ConfigError(
      'train.threads',
      `is ${asked}, more than train.batchSize (${config.train.batchSize}): every thread needs an image`,
    );
  return asked;
}

/**
 * Starts the workers of a run on `threads` threads (none for 1).
 * @param threads from {@link resolveThreads}
 * @param backend `'wasm'` or `'cpu'` (the main thread's)
 * @throws EngineError when a worker cannot build the objective
 */
export async function startThreads(
  threads: number,
  objective: Objective<unknown, unknown, unknown>,
  backend: string,
): Promise<ExampleParallel | null> {
  if (threads === 1) return null;
  const options: SplitTaskOptions = { objective: objective.config as SplitTaskOptions['objective'] };
  // Beside this file once built; from the app's dist when this file runs from source (tests).
  const module = [path.join(__dirname, 'split-task.js'), path.join(__dirname, '..', '..', 'dist', 'internal', 'split-task.js')].find((f) =>
    existsSync(f),
  ) as string;
  return ExampleParallel.create({ module, options, threads, backend: backend as 'wasm' | 'cpu' });
}
