import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { buildEncoder } from '@infomax/encoders';
import { loadCheckpoint, resolveCheckpoint, saveCheckpoint, type TrainingPosition } from './checkpoint';
import { CheckpointError } from './errors';

let dir: string;
beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-ckpt-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const position = (step: number): TrainingPosition => ({
  step, epoch: 1, position: 3, epochSeed: 12345, rng: [1, 2, 3, 4], metricsBytes: 99, elapsedMs: 1500,
});

const encoder = () => buildEncoder({ kind: 'mlp', inputShape: [4, 4, 1], hidden: [3], codeSize: 2, seed: 1 });

test('save → load gives back every tensor bit for bit, the position and the config', async () => {
  const enc = encoder();
  const a = tf.variable(tf.tensor2d([[1.5, -2], [3, 1e-7]]));
  const it = tf.scalar(7, 'int32');
  const before = tf.memory().numTensors;
  await saveCheckpoint(dir, position(10), { seed: 3 }, { variables: [{ name: 'a', tensor: a }], optimizer: [{ name: 'iter', tensor: it }] }, enc.model, 2);
  expect(tf.memory().numTensors).toBe(before);
  const back = await loadCheckpoint(dir);
  expect(back.dir).toBe(path.join(dir, 'ckpt-10'));
  expect(back.step).toBe(10);
  expect(back.rng).toEqual([1, 2, 3, 4]);
  expect(back.config).toEqual({ seed: 3 });
  expect(Array.from(back.groups.variables[0].values)).toEqual(Array.from(Float32Array.of(1.5, -2, 3, 1e-7)));
  expect(back.groups.variables[0].shape).toEqual([2, 2]);
  expect(back.groups.optimizer[0]).toMatchObject({ name: 'iter', dtype: 'int32', shape: [] });
  expect(Array.from(back.groups.optimizer[0].values)).toEqual([7]);
  expect(fs.existsSync(path.join(dir, 'ckpt-10', 'encoder', 'model.json'))).toBe(true);
  tf.dispose([a, it]);
  enc.dispose();
});

test('keeps the newest two; latest names the newest; temp folders of killed writers are ignored then removed', async () => {
  const enc = encoder();
  const a = tf.variable(tf.zeros([3]));
  fs.mkdirSync(path.join(dir, '.ckpt-99.tmp-1'), { recursive: true });
  for (const step of [5, 10, 15]) await saveCheckpoint(dir, position(step), {}, { variables: [{ name: 'a', tensor: a }] }, enc.model, 2);
  expect(fs.readdirSync(dir).sort()).toEqual(['ckpt-10', 'ckpt-15', 'latest']);
  expect(await resolveCheckpoint(dir)).toBe(path.join(dir, 'ckpt-15'));
  a.dispose();
  enc.dispose();
});

test('a flipped byte, a missing file or a bad latest file is a CheckpointError naming the file', async () => {
  const enc = encoder();
  const a = tf.variable(tf.ones([16]));
  await saveCheckpoint(dir, position(1), {}, { variables: [{ name: 'a', tensor: a }] }, enc.model, 2);
  const bin = path.join(dir, 'ckpt-1', 'tensors.bin');
  const bytes = fs.readFileSync(bin);
  bytes[5] ^= 0xff;
  fs.writeFileSync(bin, bytes);
  await expect(loadCheckpoint(dir)).rejects.toThrow(new CheckpointError(`'${bin}' is corrupt: its sha256 differs from the one in state.json`));
  fs.rmSync(bin);
  await expect(loadCheckpoint(dir)).rejects.toThrow(/cannot read .*tensors\.bin/);
  fs.writeFileSync(path.join(dir, 'latest'), 'garbage');
  await expect(loadCheckpoint(dir)).rejects.toThrow(CheckpointError);
  await expect(loadCheckpoint(path.join(dir, 'nothing'))).rejects.toThrow(/does not exist/);
  a.dispose();
  enc.dispose();
});
