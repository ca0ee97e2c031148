/**
 * Checkpoints: a folder `ckpt-<step>/` holding every tensor of the training state
 * in one binary file with a JSON index, and the encoder as a tfjs model folder.
 * Written under a temporary name and renamed into place, then `latest` is
 * replaced atomically: a crash at any moment leaves the previous checkpoint whole.
 */
import { createHash } from 'crypto';
import { existsSync, promises as fsp } from 'fs';
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import type { RngState } from '@infomax/engine';
import { saveModel, writeFileAtomic } from './internal/engine-node';
import { CheckpointError } from './errors';

/** Format tag in every `state.json`. */
export const CHECKPOINT_FORMAT = 'infomax-checkpoint/1';

/** Where the training loop stood when the checkpoint was taken. */
export interface TrainingPosition {
  /** Optimizer steps done. */
  step: number;
  /** 0-based epoch the next batch belongs to. */
  epoch: number;
  /** Batches of that epoch already consumed. */
  position: number;
  /** Seed of that epoch's shuffle. */
  epochSeed: number;
  /** State of the trainer's generator (draws the epoch seeds). */
  rng: RngState;
  /** Length of `metrics.jsonl` in bytes at this step (a resumed run cuts the file back to it). */
  metricsBytes: number;
  /** Milliseconds of training done (for the time budget). */
  elapsedMs: number;
}

/** A tensor as stored: name, shape, dtype and values. */
export interface StoredTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

/** Index entry of one tensor in `tensors.bin`. */
interface IndexEntry {
  group: string;
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  length: number;
}

/** The JSON written as `state.json`. */
interface StateFile extends TrainingPosition {
  format: string;
  config: unknown;
  sha256: string;
  tensors: IndexEntry[];
}

/** A checkpoint read back. */
export interface LoadedCheckpoint extends TrainingPosition {
  /** Its folder. */
  dir: string;
  /** The run's resolved config. */
  config: unknown;
  /** Tensors by group (`variables`, `optimizer`, `aux:<name>`), in the order saved. */
  groups: Record<string, StoredTensor[]>;
}

/**
 * Writes `checkpoints/ckpt-<step>/` and points `checkpoints/latest` at it; keeps the newest `keep`.
 * @param root the run's `checkpoints/` folder
 * @param position where training stands
 * @param config the resolved config (stored beside the tensors)
 * @param groups tensors by group; values are read with `dataSync`-free `data()`
 * @param encoder the encoder model, saved as `encoder/` for `infomax evaluate`
 * @param keep checkpoints kept (≥ 1)
 * @returns the checkpoint folder
 * @example
 * await saveCheckpoint('runs/a/checkpoints', pos, config, { variables: vars }, objective.encoder.model, 2);
 */
export async function saveCheckpoint(
  root: string,
  position: TrainingPosition,
  config: unknown,
  groups: Record<string, Array<{ name: string; tensor: tf.Tensor }>>,
  encoder: tf.LayersModel,
  keep: number,
): Promise<string> {
  await fsp.mkdir(root, { recursive: true });
  const name = `ckpt-${position.step}`;
  const final = path.join(root, name);
  const tmp = path.join(root, `.${name}.tmp-${process.pid}`);
  await fsp.rm(tmp, { recursive: true, force: true });
  await fsp.mkdir(tmp);
  const index: IndexEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [group, tensors] of Object.entries(groups)) {
    for (const { name: tname, tensor } of tensors) {
      const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
      const data = await tensor.data();
      const values = dtype === 'int32' ? Int32Array.from(data as Int32Array) : Float32Array.from(data as Float32Array);
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      index.push({ group, name: tname, shape: [...tensor.shape], dtype, offset, length: bytes.length });
      chunks.push(bytes);
      offset += bytes.length;
    }
  }
  const blob = Buffer.concat(chunks);
  await writeSynced(path.join(tmp, 'tensors.bin'), blob);
  const { step, epoch, position: inEpoch, epochSeed, rng, metricsBytes, elapsedMs } = position;
  const state: StateFile = {
    format: CHECKPOINT_FORMAT,
    step, epoch, position: inEpoch, epochSeed, rng, metricsBytes, elapsedMs,
    config,
    sha256: createHash('sha256').update(blob).digest('hex'),
    tensors: index,
  };
  await saveModel(encoder, path.join(tmp, 'encoder'));
  // state.json last: a folder without it is never taken for a checkpoint.
  await writeSynced(path.join(tmp, 'state.json'), JSON.stringify(state, null, 1));
  await fsp.rm(final, { recursive: true, force: true });
  await fsp.rename(tmp, final);
  await writeFileAtomic(path.join(root, 'latest'), `${name}\n`);
  await prune(root, name, keep);
  return final;
}

async function writeSynced(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fsp.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function prune(root: string, current: string, keep: number): Promise<void> {
  const entries = await fsp.readdir(root);
  const steps = entries
    .map((e) => /^ckpt-(\d+)$/.exec(e))
    .filter((m): m is RegExpExecArray => m !== null && m[0] !== current)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
  for (const step of steps.slice(keep - 1)) await fsp.rm(path.join(root, `ckpt-${step}`), { recursive: true, force: true });
  // Temp folders of killed runs (other pids) are garbage once a newer checkpoint is whole.
  for (const e of entries) if (/^\.ckpt-\d+\.tmp-\d+$/.test(e)) await fsp.rm(path.join(root, e), { recursive: true, force: true });
}

/**
 * Finds the checkpoint folder meant by a path: a run folder, its `checkpoints/`
 * folder (both via `latest`), or a `ckpt-<step>` folder itself.
 * @throws CheckpointError when none is there
 * @example
 * await resolveCheckpoint('runs/a'); // 'runs/a/checkpoints/ckpt-500'
 */
export async function resolveCheckpoint(target: string): Promise<string> {
  if (existsSync(path.join(target, 'state.json'))) return target;
  for (const root of [path.join(target, 'checkpoints'), target]) {
    const latest = path.join(root, 'latest');
    if (!existsSync(latest)) continue;
    const name = (await fsp.readFile(latest, 'utf8')).trim();
    if (!/^ckpt-\d+$/.test(name)) throw new CheckpointError(`'${latest}' should name a ckpt-<step> folder, holds '${name.slice(0, 40)}'`);
    return path.join(root, name);
  }
  if (!existsSync(target)) throw new CheckpointError(`'${target}' does not exist`);
  throw new CheckpointError(`'${target}' holds no checkpoint (no state.json, no checkpoints/latest)`);
}

/**
 * Reads a checkpoint and checks it whole (format, index, sizes, sha256).
 * @param target a run folder, a `checkpoints/` folder or a `ckpt-<step>` folder
 * @throws CheckpointError naming the file when anything is missing or does not match
 * @example
 * const ckpt = await loadCheckpoint('runs/a'); ckpt.step; ckpt.groups.variables[0].values;
 */
export async function loadCheckpoint(target: string): Promise<LoadedCheckpoint> {
  const dir = await resolveCheckpoint(target);
  const stateFile = path.join(dir, 'state.json');
  let state: StateFile;
  try {
    state = JSON.parse(await fsp.readFile(stateFile, 'utf8')) as StateFile;
  } catch (e) {
    throw new CheckpointError(`cannot read '${stateFile}': ${(e as Error).message.split('\n')[0]}`);
  }
  if (state?.format !== CHECKPOINT_FORMAT || !Array.isArray(state.tensors)) {
    throw new CheckpointError(`'${stateFile}' is not an ${CHECKPOINT_FORMAT} state file`);
  }
  const binFile = path.join(dir, 'tensors.bin');
  let blob: Buffer;
  try {
    blob = await fsp.readFile(binFile);
  } catch (e) {
    throw new CheckpointError(`cannot read '${binFile}': ${(e as Error).message}`);
  }
  if (createHash('sha256').update(blob).digest('hex') !== state.sha256) {
    throw new CheckpointError(`'${binFile}' is corrupt: its sha256 differs from the one in state.json`);
  }
  const groups: Record<string, StoredTensor[]> = {};
  for (const t of state.tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.length !== count * 4 || t.offset + t.length > blob.length) {
      throw new CheckpointError(`'${stateFile}': tensor '${t.name}' [${t.shape}] does not fit tensors.bin`);
    }
    const copy = new Uint8Array(blob.subarray(t.offset, t.offset + t.length)).buffer;
    const values = t.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    (groups[t.group] ??= []).push({ name: t.name, shape: t.shape, dtype: t.dtype, values });
  }
  const { step, epoch, position, epochSeed, rng, metricsBytes, elapsedMs } = state;
  return { dir, config: state.config, groups, step, epoch, position, epochSeed, rng, metricsBytes, elapsedMs };
}
