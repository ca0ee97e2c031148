/**
 * A run's objective rebuilt from a checkpoint's config and given its weights: what
 * `evaluate`, `embed` and `export` start from.
 */
import { existsSync, promises as fsp } from 'fs';
import * as path from 'path';
import { initEngine } from '@infomax/engine';
import { buildObjective, type Objective } from '@infomax/objectives';
import { loadCheckpoint, type LoadedCheckpoint } from '../checkpoint';
import { resolveConfig, type TrainConfig } from '../config';
import { CheckpointError } from '../errors';
import { restoreVariables } from './state';
import { resolveThreads } from './threads';

/** Options of {@link openRun}. */
export interface OpenRunOptions {
  /** Step of the checkpoint to open (`checkpoints/ckpt-<step>`). Default: the latest. */
  checkpoint?: number;
  /** Backend. Default: the run's. */
  backend?: TrainConfig['backend'];
}

/** An opened run; the caller disposes `objective`. */
export interface OpenedRun {
  objective: Objective;
  config: TrainConfig;
  checkpoint: LoadedCheckpoint;
  /** The run folder (two levels above the checkpoint folder). */
  runDir: string;
}

/**
 * Loads and checks a checkpoint whole, starts the engine and rebuilds the objective with its weights.
 * @param target a run folder, its `checkpoints/` folder or a `ckpt-<step>` folder
 * @throws CheckpointError when the run, the asked checkpoint or its files are missing or corrupt, or do not fit the objective
 * @example
 * const { objective, config } = await openRun('runs/quickstart', { checkpoint: 400 });
 */
export async function openRun(target: string, options: OpenRunOptions = {}): Promise<OpenedRun> {
  const checkpoint = await loadCheckpoint(options.checkpoint === undefined ? target : await checkpointFolder(target, options.checkpoint));
  const config = resolveConfig(checkpoint.config);
  // The run's threads: kernel threads change no number, so evaluate, embed and export may use the cores as training did.
  await initEngine({ backend: options.backend ?? config.backend, threads: resolveThreads(config), log: null });
  // The objective rebuilt from its config, with the checkpoint's weights: `code` then goes through its own views (CMC, CPC).
  const objective = buildObjective(config.objective);
  try {
    restoreVariables(objective, checkpoint.groups, checkpoint.dir);
  } catch (e) {
    objective.dispose();
    throw e;
  }
  return { objective, config, checkpoint, runDir: path.dirname(path.dirname(checkpoint.dir)) };
}

async function checkpointFolder(run: string, step: number): Promise<string> {
  const root = path.join(run, 'checkpoints');
  const dir = path.join(root, `ckpt-${step}`);
  if (existsSync(dir)) return dir;
  const kept = existsSync(root) ? (await fsp.readdir(root)).filter((e) => /^ckpt-\d+$/.test(e)).map((e) => e.slice(5)) : [];
  throw new CheckpointError(
    `--checkpoint ${step}: '${dir}' does not exist; ` +
      (kept.length > 0 ? `the run keeps steps ${kept.sort((a, b) => Number(a) - Number(b)).join(', ')}` : `'${root}' holds no checkpoint`),
  );
}
