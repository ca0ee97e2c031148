/**
 * `infomax embed` on a tiny trained run (synthetic 28×28 gratings, wasm): every input kind and
 * format against the checkpoint's saved encoder model, read back with NumPy where it is installed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { embedRun } from './embed';
import { loadModel } from './internal/engine-node';
import { errorLines, runInProcess, writeTinyConfig } from './test-utils/cli';
import { pythonWithNumpy, runPythonJson } from './test-utils/python';

let tmp: string;
let run: string;
/** Images of the folder input, by relative path, in the order embed must keep. */
const pictures: Record<string, Uint8Array> = {};
const { python, reason } = pythonWithNumpy();
if (!python) console.warn(`embed.spec: numpy checks skipped: ${reason}`);

const png = (file: string, pixels: Uint8Array, size: number, channels: 1 | 3) => {
  const image = sharp(Buffer.from(pixels), { raw: { width: size, height: size, channels } });
  return (channels === 1 ? image.toColourspace('b-w') : image).png().toFile(file);
};

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-embed-'));
  run = path.join(tmp, 'run');
  const trained = await runInProcess(['train', '-c', writeTinyConfig(tmp), '-o', run, '--steps', '2', '--checkpoint-every', '1'], 120000);
  expect(trained.code).toBe(0);
  const rng = new Rng(5);
  fs.mkdirSync(path.join(tmp, 'images', 'sub'), { recursive: true });
  for (const rel of ['b.png', 'a.png', 'sub/c.png']) {
    pictures[rel] = Uint8Array.from({ length: 28 * 28 }, () => rng.int(256));
    await png(path.join(tmp, 'images', rel), pictures[rel], 28, 1);
  }
  // Neither is an image embed reads.
  fs.writeFileSync(path.join(tmp, 'images', 'notes.txt'), 'not an image');
  await png(path.join(tmp, 'images', '.hidden.png'), pictures['a.png'], 28, 1);
}, 180000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The checkpoint's own saved encoder (model.json), output `tap`, on bytes `[n, 28, 28, 1]`: the reference. */
async function reference(step: number, pixels: Uint8Array[], tap: string): Promise<Float32Array> {
  const model = await loadModel(path.join(run, 'checkpoints', `ckpt-${step}`, 'encoder'));
  const outs = tf.tidy(() => {
    const x = tf.tensor4d(Float32Array.from(pixels.flatMap((p) => Array.from(p))), [pixels.length, 28, 28, 1]).div(255);
    return (model.predict(x) as tf.Tensor[]).map((t, i) => (model.outputNames[i] === tap ? t.reshape([pixels.length, -1]) : t));
  });
  const values = (await outs[model.outputNames.indexOf(tap)].data()) as Float32Array;
  tf.dispose(outs);
  model.dispose();
  return values;
}

function expectAllClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThanOrEqual(tol);
}

const ordered = ['a.png', 'b.png', 'sub/c.png'];

test("folder → emb.npy: numpy.load gives (3, 16) float32, equal to the saved encoder's code (1e-6); emb.index.csv lists the files in order", async () => {
  const out = path.join(tmp, 'emb.npy');
  const r = await runInProcess(['embed', run, '--input', path.join(tmp, 'images'), '--out', out]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('3 images → 3×16 float32 (code, step 2)');
  expect(fs.readFileSync(path.join(tmp, 'emb.index.csv'), 'utf8')).toBe(
    `row,source,label\n${ordered.map((f, i) => `${i},${f},`).join('\n')}\n`,
  );
  const want = await reference(
    2,
    ordered.map((f) => pictures[f]),
    'global',
  );
  if (!python) return;
  const got = runPythonJson(
    python,
    'import sys, json, numpy\na = numpy.load(sys.argv[1])\nprint(json.dumps({"shape": list(a.shape), "dtype": a.dtype.str, "values": a.ravel().tolist()}))',
    [out],
  ) as { shape: number[]; dtype: string; values: number[] };
  expect(got.shape).toEqual([3, 16]);
  expect(got.dtype).toBe('<f4');
  expectAllClose(got.values, want, 1e-6);
});

test('.csv and .jsonl rows carry each source and the same float32 values as .npy; --layer fc of an IDX file is the fc output', async () => {
  const rows = await embedRun(run, { input: path.join(tmp, 'images'), out: path.join(tmp, 'emb.csv') });
  expect(rows).toMatchObject({ rows: 3, dim: 16, layer: 'code', step: 2 });
  await embedRun(run, { input: path.join(tmp, 'images'), out: path.join(tmp, 'emb.jsonl') });
  const want = await reference(
    2,
    ordered.map((f) => pictures[f]),
    'global',
  );
  const csv = fs.readFileSync(path.join(tmp, 'emb.csv'), 'utf8').trim().split('\n');
  expect(csv[0]).toBe(`source,label,${Array.from({ length: 16 }, (_, j) => `e${j}`).join(',')}`);
  expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(ordered);
  const csvValues = csv.slice(1).flatMap((l) => l.split(',').slice(2).map(Number));
  const jsonl = fs
    .readFileSync(path.join(tmp, 'emb.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(jsonl.map((j) => [j.source, j.label])).toEqual(ordered.map((f) => [f, null]));
  const jsonValues = jsonl.flatMap((j) => j.embedding as number[]);
  // The shortest decimals that read back to the same float32: exact after rounding to float32.
  expect(Float32Array.from(csvValues)).toEqual(Float32Array.from(jsonValues));
  expectAllClose(Float32Array.from(csvValues), want, 1e-6);

  const idx = path.join(tmp, 'five-images-idx3-ubyte');
  const rng = new Rng(9);
  const images = Array.from({ length: 5 }, () => Uint8Array.from({ length: 28 * 28 }, () => rng.int(256)));
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  [5, 28, 28].forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  fs.writeFileSync(idx, Buffer.concat([header, ...images]));
  const fc = await embedRun(run, { input: idx, out: path.join(tmp, 'fc.csv'), layer: 'fc', checkpoint: 1 });
  expect(fc).toMatchObject({ rows: 5, dim: 32, layer: 'fc', step: 1 });
  const fcRows = fs.readFileSync(path.join(tmp, 'fc.csv'), 'utf8').trim().split('\n').slice(1);
  expect(fcRows.map((l) => l.split(',')[0])).toEqual(['0', '1', '2', '3', '4']);
  expectAllClose(
    fcRows.flatMap((l) => l.split(',').slice(2).map(Number)),
    await reference(1, images, 'fc'),
    1e-6,
  );
});

test('a dataset name embeds its train then test part, labels in the index; repeated embedding leaks no tensors', async () => {
  const out = path.join(tmp, 'synthetic.npy');
  const options = { input: 'synthetic', out };
  await embedRun(run, options);
  const before = tf.memory().numTensors;
  const r = await embedRun(run, options);
  expect(tf.memory().numTensors).toBe(before);
  expect(r).toMatchObject({ rows: 200, dim: 16 });
  const index = fs.readFileSync(path.join(tmp, 'synthetic.index.csv'), 'utf8').trim().split('\n');
  expect(index).toHaveLength(201);
  expect(index[1]).toMatch(/^0,train\/0,\d$/);
  expect(index[200]).toMatch(/^199,test\/39,\d$/);
});

test('bad inputs: one error line each, with the exit code errors.ts gives its kind', async () => {
  fs.mkdirSync(path.join(tmp, 'empty'));
  fs.mkdirSync(path.join(tmp, 'big'));
  fs.mkdirSync(path.join(tmp, 'colour'));
  await png(path.join(tmp, 'big', 'x.png'), new Uint8Array(32 * 32), 32, 1);
  await png(path.join(tmp, 'colour', 'y.png'), new Uint8Array(28 * 28 * 3), 28, 3);
  const out = path.join(tmp, 'bad.npy');
  const cases: Array<[string[], number, RegExp]> = [
    [
      ['embed', path.join(tmp, 'nothing'), '--input', path.join(tmp, 'images'), '--out', out],
      5,
      /CheckpointError: '.*nothing' does not exist/,
    ],
    [['embed', run, '--input', path.join(tmp, 'empty'), '--out', out], 3, /DatasetError: --input: '.*empty' holds no .*png.* images/],
    [
      ['embed', run, '--input', path.join(tmp, 'no-such'), '--out', out],
      3,
      /DatasetError: --input '.*no-such' is neither a file, a folder nor a dataset name/,
    ],
    [
      ['embed', run, '--input', path.join(tmp, 'big'), '--out', out],
      2,
      /ShapeError: --input: '.*x\.png' is 32×32×1 .*the encoder takes 28×28×1 \(pass --resize/,
    ],
    [['embed', run, '--input', path.join(tmp, 'colour'), '--out', out], 2, /ShapeError: --input: '.*y\.png' is 28×28×3/],
    [
      ['embed', run, '--input', path.join(tmp, 'images'), '--out', path.join(tmp, 'no-dir', 'e.npy')],
      5,
      /OutputError: --out: cannot write into '.*no-dir': ENOENT/,
    ],
    [
      ['embed', run, '--input', path.join(tmp, 'images'), '--out', path.join(tmp, 'e.txt')],
      2,
      /ConfigError: --out '.*e\.txt': expected a file ending in \.npy, \.csv, \.jsonl/,
    ],
    [
      ['embed', run, '--input', path.join(tmp, 'images'), '--out', out, '--checkpoint', '7'],
      5,
      /CheckpointError: --checkpoint 7: .*ckpt-7' does not exist; the run keeps steps 1, 2/,
    ],
    [
      ['embed', run, '--input', path.join(tmp, 'images'), '--out', out, '--layer', 'pool'],
      2,
      /ConfigError: config 'layer': expected one of conv, fc, code, got 'pool'/,
    ],
  ];
  for (const [args, code, message] of cases) {
    const r = await runInProcess(args);
    expect([r.code, errorLines(r.stderr)]).toEqual([code, [expect.stringMatching(message)]]);
  }
  expect(fs.existsSync(out)).toBe(false);
  const resized = await runInProcess(['embed', run, '--input', path.join(tmp, 'big'), '--out', out, '--resize']);
  expect(resized.code).toBe(0);
  expect(resized.stdout).toContain('1 images → 1×16 float32');
});
