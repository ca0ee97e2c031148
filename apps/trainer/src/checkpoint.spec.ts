import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { buildEncoder } from '@infomax/encoders';
import { loadCheckpoint, resolveCheckpoint, saveCheckpoint, type TrainingPosition } from './checkpoint';
import { CheckpointError } from './errors';
import { canonicalJson, sha256Hex } from './internal/checkpoint-format';

let dir: string;
beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-ckpt-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const position = (step: number): TrainingPosition => ({
  step,
  epoch: 1,
  position: 3,
  epochSeed: 12345,
  rng: [1, 2, 3, 4],
  metricsBytes: 99,
  metricsSha256: '0'.repeat(64),
  elapsedMs: 1500,
});

const encoder = () => buildEncoder({ kind: 'mlp', inputShape: [4, 4, 1], hidden: [3], codeSize: 2, seed: 1 });

test('save → load gives back every tensor bit for bit, the position and the config', async () => {
  const enc = encoder();
  const a = tf.variable(
    tf.tensor2d([
      [1.5, -2],
      [3, 1e-7],
    ]),
  );
  const it = tf.scalar(7, 'int32');
  const before = tf.memory().numTensors;
  await saveCheckpoint(
    dir,
    position(10),
    { seed: 3 },
    { variables: [{ name: 'a', tensor: a }], optimizer: [{ name: 'iter', tensor: it }] },
    enc.model,
    2,
  );
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
  expect((await resolveCheckpoint(dir)).dir).toBe(path.join(dir, 'ckpt-15'));
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
  await expect(loadCheckpoint(dir)).rejects.toThrow(
    new CheckpointError(`'${bin}' is corrupt: its sha256 differs from the one in state.json`),
  );
  fs.rmSync(bin);
  await expect(loadCheckpoint(dir)).rejects.toThrow(/cannot read .*tensors\.bin/);
  fs.writeFileSync(path.join(dir, 'latest'), 'garbage');
  await expect(loadCheckpoint(dir)).rejects.toThrow(CheckpointError);
  await expect(loadCheckpoint(path.join(dir, 'nothing'))).rejects.toThrow(/does not exist/);
  a.dispose();
  enc.dispose();
});

test('state.json: an edited field breaks its digest; a re-signed bad field fails the schema, naming the field', async () => {
  const enc = encoder();
  const a = tf.variable(tf.ones([4]));
  await saveCheckpoint(dir, position(2), { seed: 1 }, { variables: [{ name: 'a', tensor: a }] }, enc.model, 2);
  const file = path.join(dir, 'ckpt-2', 'state.json');
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  const write = (body: Record<string, unknown>, resign: boolean) => {
    const { digest: _d, ...rest } = body;
    const text = JSON.stringify({ ...rest, digest: resign ? sha256Hex(canonicalJson(rest)) : state.digest });
    fs.writeFileSync(file, text);
    // Point latest at the edited file too, so the state file's own checks are what refuse it.
    fs.writeFileSync(path.join(dir, 'latest'), `ckpt-2\n${sha256Hex(text)}\n`);
  };
  write({ ...state, step: 3 }, false);
  await expect(loadCheckpoint(dir)).rejects.toThrow(/does not match its digest/);
  write({ ...state, step: 'ten' }, true);
  await expect(loadCheckpoint(dir)).rejects.toThrow(/field 'step'/);
  write({ ...state, rng: [0, 0, 0, 0] }, true);
  await expect(loadCheckpoint(dir)).rejects.toThrow(/field 'rng'/);
  const { epochSeed: _e, ...noSeed } = state;
  write(noSeed, true);
  await expect(loadCheckpoint(dir)).rejects.toThrow(/field 'epochSeed'/);
  write({ ...state, tensors: [{ ...state.tensors[0], offset: 4 }] }, true);
  await expect(loadCheckpoint(dir)).rejects.toThrow(/tensor 'a' \[4\] at byte 4 .* does not fit tensors\.bin/);
  write({ ...state, format: 'infomax-checkpoint/1' }, true);
  await expect(loadCheckpoint(dir)).rejects.toThrow(/older infomax/);
  write(state, true);
  await expect(loadCheckpoint(dir)).resolves.toMatchObject({ step: 2 });
  a.dispose();
  enc.dispose();
});

test("a flipped byte in the encoder's weights, or its model.json deleted, is refused naming the file", async () => {
  const enc = encoder();
  const a = tf.variable(tf.ones([4]));
  await saveCheckpoint(dir, position(4), {}, { variables: [{ name: 'a', tensor: a }] }, enc.model, 2);
  const encDir = path.join(dir, 'ckpt-4', 'encoder');
  const weights = path.join(
    encDir,
    fs.readdirSync(encDir).find((f) => f.endsWith('.bin'))!,
  );
  const bytes = fs.readFileSync(weights);
  bytes[bytes.length - 1] ^= 0x10;
  fs.writeFileSync(weights, bytes);
  await expect(loadCheckpoint(dir)).rejects.toThrow(
    new CheckpointError(`'${weights}' is corrupt: its sha256 differs from the one in state.json`),
  );
  fs.rmSync(path.join(encDir, 'model.json'));
  await expect(loadCheckpoint(dir)).rejects.toThrow(/cannot read .*model\.json/);
  a.dispose();
  enc.dispose();
});
