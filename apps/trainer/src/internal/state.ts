/**
 * The tensors of a training state — every objective variable, the encoder's
 * non-trainable weights (batch-norm statistics), the main and auxiliary optimizers'
 * slots, the objective's buffers (memory queues, random generators) — gathered for a
 * checkpoint and put back on resume. Variables are matched
 * by position: `buildObjective(config)` rebuilds them in the same order, while their
 * tfjs names get fresh numeric suffixes.
 */
import * as tf from '@tensorflow/tfjs';
import type { Objective } from '@infomax/objectives';
import type { StoredTensor } from '../checkpoint';
import { CheckpointError } from '../errors';

type Named = { name: string; tensor: tf.Tensor };

/** Every variable whose value is state: objective and auxiliary variables, then untrained encoder weights. */
export function stateVariables(objective: Objective): tf.Variable[] {
  const seen = new Set<number>();
  const out: tf.Variable[] = [];
  const frozen = objective.encoder.model.nonTrainableWeights.map((w) => w.read() as tf.Variable);
  for (const v of [...objective.variables, ...objective.auxiliaryVariables, ...frozen]) {
    if (seen.has(v.id)) continue;
    seen.add(v.id);
    out.push(v);
  }
  return out;
}

/**
 * Runs `use` on the checkpoint groups of a training state, then frees what `getWeights`
 * made for it (the iteration counter scalar); the optimizer's slot variables stay.
 * @example
 * await withState(objective, optimizer, (groups) => saveCheckpoint(dir, pos, config, groups, model, 2));
 */
export async function withState<T>(
  objective: Objective,
  optimizer: tf.Optimizer,
  use: (groups: Record<string, Named[]>) => Promise<T>,
): Promise<T> {
  const groups: Record<string, Named[]> = {
    variables: stateVariables(objective).map((v) => ({ name: v.name, tensor: v })),
    optimizer: await optimizer.getWeights(),
  };
  for (const [name, opt] of Object.entries(objective.auxiliaryOptimizers)) groups[`aux:${name}`] = await opt.getWeights();
  groups.buffers = Object.entries(objective.buffers?.() ?? {}).map(([name, tensor]) => ({ name, tensor }));
  try {
    return await use(groups);
  } finally {
    for (const [g, named] of Object.entries(groups)) {
      if (g !== 'variables') tf.dispose(named.map((n) => n.tensor).filter((t) => !(t instanceof tf.Variable)));
    }
  }
}

/**
 * Puts a checkpoint's tensors back into a freshly built objective and its optimizers.
 * @throws CheckpointError when the checkpoint's variables do not match the objective (count or shapes)
 * @example
 * await restoreState(objective, optimizer, ckpt.groups, ckpt.dir);
 */
export async function restoreState(
  objective: Objective,
  optimizer: tf.Optimizer,
  groups: Record<string, StoredTensor[]>,
  where: string,
): Promise<void> {
  restoreVariables(objective, groups, where);
  await setSlots(optimizer, groups.optimizer ?? []);
  for (const [name, opt] of Object.entries(objective.auxiliaryOptimizers)) await setSlots(opt, groups[`aux:${name}`] ?? []);
  // Checkpoints from before buffers were saved have no such group: the objective keeps its fresh ones.
  if (groups.buffers !== undefined && objective.setBuffers) {
    const buffers = Object.fromEntries(tensorsOf(groups.buffers).map((n) => [n.name, n.tensor]));
    try {
      objective.setBuffers(buffers);
    } catch (e) {
      throw new CheckpointError(`'${where}': its buffers do not fit the objective built from its config: ${(e as Error).message}`);
    } finally {
      tf.dispose(Object.values(buffers));
    }
  }
}

/**
 * Puts a checkpoint's variables (not optimizer slots) back into a freshly built objective (for evaluation).
 * @throws CheckpointError when they do not match the objective (count or shapes)
 * @example
 * restoreVariables(objective, ckpt.groups, ckpt.dir);
 */
export function restoreVariables(objective: Objective, groups: Record<string, StoredTensor[]>, where: string): void {
  const vars = stateVariables(objective);
  const saved = groups.variables ?? [];
  if (saved.length !== vars.length) {
    throw new CheckpointError(`'${where}' holds ${saved.length} variables, the objective built from its config has ${vars.length}`);
  }
  vars.forEach((v, i) => {
    const s = saved[i];
    if (s.shape.join(',') !== v.shape.join(',')) {
      throw new CheckpointError(
        `'${where}': variable ${i} ('${s.name}') has shape [${s.shape}], the objective's '${v.name}' has [${v.shape}]`,
      );
    }
    tf.tidy(() => v.assign(tf.tensor(s.values, s.shape, v.dtype)));
  });
}

async function setSlots(optimizer: tf.Optimizer, stored: StoredTensor[]): Promise<void> {
  if (stored.length === 0) return;
  const named = tensorsOf(stored);
  // setWeights turns each tensor into a variable sharing its data; our handles can go.
  await optimizer.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
}

/** Stored tensors as named tensors (the caller disposes them). */
function tensorsOf(stored: StoredTensor[]): Named[] {
  return stored.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape, s.dtype) }));
}
