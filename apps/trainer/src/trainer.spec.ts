/**
 * The Trainer as a program uses it: its own callbacks see every step, evaluation and
 * checkpoint on the config's schedule, can stop it, and a step leaks no tensors.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { adam, initEngine } from '@infomax/engine';
import { buildObjective } from '@infomax/objectives';
import { resolveConfig, type TrainConfig } from './config';
import { loadData, type LoadedData } from './datasets';
import { RunFolder } from './run-folder';
import { batchSource } from './batch-source';
import { startPosition, Trainer, type TrainerCallback } from './trainer';

let tmp: string;
let data: LoadedData;
beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-trainer-'));
  data = await loadData(resolveConfig({ data: { dataset: 'synthetic', count: 120 } }).data, 0);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function config(name: string, train: Record<string, unknown>): TrainConfig {
  return resolveConfig({
    seed: 0,
    backend: 'wasm',
    out: path.join(tmp, name),
    data: { dataset: 'synthetic', count: 120 },
    objective: { kind: 'dim', encoder: { kind: 'dcgan', filters: [8, 16], fc: [32], codeSize: 16 }, headUnits: 32 },
    train: { batchSize: 16, ...train },
    checkpoint: { every: 3 },
    eval: { every: 4, probeEpochs: 3, randomInit: false },
  });
}

function parts(c: TrainConfig) {
  fs.mkdirSync(c.out, { recursive: true });
  const objective = buildObjective({ seed: c.seed, inputShape: [28, 28, 1], ...c.objective });
  const pos = startPosition(c.seed);
  return {
    config: c,
    objective,
    optimizer: adam(c.train.learningRate),
    lrAt: () => c.train.learningRate,
    data,
    source: batchSource(data),
    run: new RunFolder(c.out),
    pos,
  };
}

test('callbacks see each step, the evaluations (every 4) before the checkpoints (every 3) of their step, and fit ends at the step limit; finish evaluates once more', async () => {
  const p = parts(config('schedule', { steps: 12 }));
  const seen: string[] = [];
  const spy: TrainerCallback = {
    onFitStart: () => void seen.push('start'),
    onStep: (e) => void seen.push(`step ${e.step}`),
    onEval: (e) => void seen.push(`eval ${e.step}${e.final ? ' final' : ''}`),
    onCheckpoint: (pos) => void seen.push(`ckpt ${pos.step}`),
    onFitEnd: (stop) => void seen.push(`end ${stop}`),
  };
  try {
    const trainer = new Trainer(p, [spy]);
    expect(await trainer.fit()).toBe('done');
    const final = await trainer.finish();
    expect(final.final).toBe(true);
    expect(final.evaluation.testAccuracy).toBeGreaterThan(0);
    expect(seen).toEqual([
      'start',
      'step 1',
      'step 2',
      'step 3',
      'ckpt 3',
      'step 4',
      'eval 4',
      'step 5',
      'step 6',
      'ckpt 6',
      'step 7',
      'step 8',
      'eval 8',
      'step 9',
      'ckpt 9',
      'step 10',
      'step 11',
      'step 12',
      'end done',
      // An evaluation is due at step 12: the final one stands in for it, before the last checkpoint.
      'eval 12 final',
      'ckpt 12',
    ]);
    // 120 synthetic images, 96 to train on: 6 steps an epoch.
    expect(p.pos).toMatchObject({ step: 12, epoch: 2, position: 0 });
  } finally {
    p.objective.dispose();
    p.optimizer.dispose();
  }
}, 240000);

test('a callback can stop the run after a step; a step after the first leaks no tensors; a throwing callback ends fit with its error', async () => {
  const p = parts(config('stop', { steps: 50 }));
  const counts: number[] = [];
  try {
    const trainer = new Trainer(p, [
      {
        onStep: (e, t) => {
          counts.push(tf.memory().numTensors);
          if (e.step === 5) t.requestStop();
        },
      },
    ]);
    expect(await trainer.fit()).toBe('stopped');
    expect(p.pos.step).toBe(5);
    expect(new Set(counts.slice(1)).size).toBe(1);

    let ended = '';
    const failing = new Trainer(p, [
      {
        onStep: () => {
          throw new Error('user callback failed');
        },
      },
      { onFitEnd: (stop) => void (ended = stop) },
    ]);
    await expect(failing.fit()).rejects.toThrow('user callback failed');
    expect(ended).toBe('failed');
  } finally {
    p.objective.dispose();
    p.optimizer.dispose();
  }
}, 240000);
