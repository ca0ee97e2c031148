/**
 * Checkpoints: a folder `ckpt-<step>/` holding every tensor of the training state
 * in one binary file with a JSON index (`state.json`), and the encoder as a tfjs model
 * folder. `state.json` carries the sha256 of every other file and a digest of itself;
 * loading checks them all, so a damaged or edited checkpoint is refused, never used.
 * Written under a temporary name and renamed into place, then `latest` (the folder's
 * name and its state digest) is replaced atomically: a crash at any moment leaves the
 * previous checkpoint whole.
 */
import { existsSync, promises as fsp } from 'fs';
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import type { RngState } from '@infomax/engine';
import { saveModel, writeFileAtomic } from './internal/engine-node';
import { CHECKPOINT_FORMAT, parseStateFile, sha256Hex, stateFileText, type IndexEntry, type StateBody } from './internal/checkpoint-format';
import { CheckpointError } from './errors';

export { CHECKPOINT_FORMAT };

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
  /** sha256 of those bytes (a resumed run checks the history it keeps). */
  metricsSha256: string;
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
  await saveModel(encoder, path.join(tmp, 'encoder'));
  const files: Record<string, string> = { 'tensors.bin': sha256Hex(blob) };
  for (const f of (await fsp.readdir(path.join(tmp, 'encoder'))).sort()) {
    files[`encoder/${f}`] = sha256Hex(await fsp.readFile(path.join(tmp, 'encoder', f)));
  }
  const { step, epoch, position: inEpoch, epochSeed, rng, metricsBytes, metricsSha256, elapsedMs } = position;
  const body: StateBody = {
    format: CHECKPOINT_FORMAT,
    step,
    epoch,
    position: inEpoch,
    epochSeed,
    rng: [...rng] as StateBody['rng'],
    metricsBytes,
    metricsSha256,
    elapsedMs,
    config: config as Record<string, unknown>,
    tensors: index,
    files,
  };
  const text = stateFileText(body);
  // state.json last: a folder without it is never taken for a checkpoint.
  await writeSynced(path.join(tmp, 'state.json'), text);
  await fsp.rm(final, { recursive: true, force: true });
  await fsp.rename(tmp, final);
  await writeFileAtomic(path.join(root, 'latest'), `${name}\n${sha256Hex(text)}\n`);
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
 * @returns the folder, and the sha256 `latest` expects of its `state.json` (null for a folder given directly)
 * @throws CheckpointError when none is there, or `latest` is damaged
 * @example
 * await resolveCheckpoint('runs/a'); // { dir: 'runs/a/checkpoints/ckpt-500', stateSha256: '…' }
 */
export async function resolveCheckpoint(target: string): Promise<{ dir: string; stateSha256: string | null }> {
  if (existsSync(path.join(target, 'state.json'))) return { dir: target, stateSha256: null };
  for (const root of [path.join(target, 'checkpoints'), target]) {
    const latest = path.join(root, 'latest');
    if (!existsSync(latest)) continue;
    const m = /^(ckpt-\d+)\n([0-9a-f]{64})\n$/.exec(await readText(latest));
    if (!m) throw new CheckpointError(`'${latest}' should hold a ckpt-<step> folder name and its state sha256 on two lines: it is damaged`);
    const dir = path.join(root, m[1]);
    if (!existsSync(path.join(dir, 'state.json'))) throw new CheckpointError(`'${latest}' names '${m[1]}', which holds no state.json`);
    return { dir, stateSha256: m[2] };
  }
  if (!existsSync(target)) throw new CheckpointError(`'${target}' does not exist`);
  const kept = existsSync(path.join(target, 'checkpoints'))
    ? (await fsp.readdir(path.join(target, 'checkpoints'))).filter((e) => /^ckpt-\d+$/.test(e))
    : [];
  throw new CheckpointError(
    `'${target}' holds no checkpoint (no state.json, no checkpoints/latest)` +
      (kept.length > 0 ? `; checkpoint folders there: ${kept.join(', ')} (name one to inspect it)` : ''),
  );
}

async function readText(file: string): Promise<string> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new CheckpointError(`cannot read '${file}': ${(e as Error).message}`);
  }
}

async function readBytes(file: string, what: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (e) {
    throw new CheckpointError(
      `cannot read '${file}' (${what}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}: the checkpoint is incomplete`,
    );
  }
}

/**
 * Reads and checks a checkpoint's `state.json` only (digest, schema; not the tensors):
 * what a resumed run needs to know before it locks the folder and loads the rest.
 * @param target a run folder, a `checkpoints/` folder or a `ckpt-<step>` folder
 * @throws CheckpointError naming the file when it is missing or does not check
 * @example
 * const { state } = await readState('runs/a'); state.config;
 */
export async function readState(target: string): Promise<{ dir: string; stateFile: string; state: StateBody }> {
  const { dir, stateSha256 } = await resolveCheckpoint(target);
  const stateFile = path.join(dir, 'state.json');
  const text = await readText(stateFile);
  if (stateSha256 !== null && sha256Hex(text) !== stateSha256) {
    throw new CheckpointError(`'${stateFile}' is not the file 'latest' recorded (sha256 differs): it was edited or damaged`);
  }
  return { dir, stateFile, state: parseStateFile(text, stateFile) };
}

/**
 * Reads a checkpoint and checks it whole: `latest`, `state.json` (digest, schema), the
 * sha256 of `tensors.bin` and of every encoder file, and the tensor index against the blob.
 * @param target a run folder, a `checkpoints/` folder or a `ckpt-<step>` folder
 * @throws CheckpointError naming the file when anything is missing or does not match
 * @example
 * const ckpt = await loadCheckpoint('runs/a'); ckpt.step; ckpt.groups.variables[0].values;
 */
export async function loadCheckpoint(target: string): Promise<LoadedCheckpoint> {
  const { dir, state, stateFile } = await readState(target);
  if (!('tensors.bin' in state.files) || !Object.keys(state.files).some((f) => f.startsWith('encoder/'))) {
    throw new CheckpointError(`'${stateFile}': field 'files' must list tensors.bin and the encoder's files`);
  }
  let blob: Buffer = Buffer.alloc(0);
  for (const [rel, sha] of Object.entries(state.files)) {
    if (rel.split('/').some((part) => part === '..' || part === ''))
      throw new CheckpointError(`'${stateFile}': file '${rel}' is not a path inside the checkpoint`);
    const file = path.join(dir, rel);
    const bytes = await readBytes(file, `listed in state.json`);
    if (sha256Hex(bytes) !== sha) throw new CheckpointError(`'${file}' is corrupt: its sha256 differs from the one in state.json`);
    if (rel === 'tensors.bin') blob = bytes;
  }
  const groups = readTensors(state.tensors, blob, stateFile);
  const { step, epoch, position, epochSeed, rng, metricsBytes, metricsSha256, elapsedMs } = state;
  return { dir, config: state.config, groups, step, epoch, position, epochSeed, rng, metricsBytes, metricsSha256, elapsedMs };
}

/** Cuts `tensors.bin` into tensors by the index, which must tile the blob exactly. */
function readTensors(index: IndexEntry[], blob: Buffer, stateFile: string): Record<string, StoredTensor[]> {
  const groups: Record<string, StoredTensor[]> = {};
  let next = 0;
  for (const t of index) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.offset !== next || t.length !== count * 4 || t.offset + t.length > blob.length) {
      throw new CheckpointError(
        `'${stateFile}': tensor '${t.name}' [${t.shape}] at byte ${t.offset} (${t.length} bytes) does not fit tensors.bin`,
      );
    }
    next += t.length;
    const copy = new Uint8Array(blob.subarray(t.offset, t.offset + t.length)).buffer;
    const values = t.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    (groups[t.group] ??= []).push({ name: t.name, shape: t.shape, dtype: t.dtype, values });
  }
  if (next !== blob.length)
    throw new CheckpointError(`'${stateFile}': its tensors cover ${next} of the ${blob.length} bytes of tensors.bin`);
  return groups;
}
