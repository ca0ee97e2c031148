/**
 * How many threads a run trains on (`train.threads`): the engine's kernel threads on
 * wasm, which split each large kernel call of a step (GEMM, im2col, the optimizer's
 * update) into parts computed as one thread computes them. A run's numbers therefore do
 * not depend on its thread count, and a checkpoint may resume on any count.
 */
import * as os from 'os';
import type { EngineInfo } from '@infomax/engine';
import type { TrainConfig } from '../config';
import { ConfigError } from '../errors';

/**
 * Most threads `train.threads: null` (the default) picks: the largest count
 * docs/benchmarks/trainer.md has measured a gain for (2 cores: see its threads table).
 */
export const AUTO_THREADS_CAP = 2;

/**
 * The thread count to start the engine with: `train.threads`, or when it is null the
 * machine's cores up to {@link AUTO_THREADS_CAP}.
 */
export function resolveThreads(config: TrainConfig, cores: number = os.availableParallelism()): number {
  return config.train.threads ?? Math.min(cores, AUTO_THREADS_CAP);
}

/**
 * Refuses a thread count the engine could not use: more than 1 asked for by name on a
 * backend other than wasm (the native and WebGPU backends manage their own threads; the
 * cpu backend's kernels are plain JavaScript).
 * @throws ConfigError naming `train.threads`
 */
export function checkThreads(config: TrainConfig, engine: EngineInfo): void {
  const asked = config.train.threads;
  if (asked !== null && asked > 1 && engine.backend !== 'wasm') {
    throw new ConfigError(
      'train.threads',
      `is ${asked}: threads share the work of infomax's wasm kernels only, and this run uses '${engine.backend}'; use 1 or backend: wasm`,
    );
  }
}
