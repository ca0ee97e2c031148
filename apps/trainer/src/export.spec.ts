/**
 * `infomax export` on a tiny trained run (wasm): the tfjs model loads through the engine's
 * model-io handler and gives the run's embeddings; the safetensors file is read by a reader
 * written from the format's description, in Python.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { exportRun, type ExportInfo } from './export';
import { loadModel } from './internal/engine-node';
import { openRun } from './internal/open-run';
import { float32LittleEndian } from './internal/little-endian';
import { errorLines, runInProcess, writeTinyConfig } from './test-utils/cli';
import { pythonWithNumpy, runPythonJson } from './test-utils/python';

let tmp: string;
let run: string;
const { python, reason } = pythonWithNumpy();
if (!python) console.warn(`export.spec: the safetensors check is skipped: ${reason}`);
const withNumpy = python ? test : test.skip;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-export-'));
  run = path.join(tmp, 'run');
  const trained = await runInProcess(['train', '-c', writeTinyConfig(tmp), '-o', run, '--steps', '2', '--checkpoint-every', '1'], 120000);
  expect(trained.code).toBe(0);
}, 180000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const exported = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'export.json'), 'utf8')) as ExportInfo;

test("the exported model loads with the engine's loadModel, uses only stock tfjs layers, and gives the run's code and every tap (1e-5)", async () => {
  const r = await runInProcess(['export', run]);
  expect(r.code).toBe(0);
  const dir = path.join(run, 'export');
  expect(r.stdout).toContain(`encoder of step 2 exported to ${dir}`);
  const info = exported(dir);
  expect(info).toMatchObject({
    step: 2,
    objective: 'dim',
    code: 'global',
    customLayers: [],
    input: { shape: [null, 28, 28, 1], imageShape: [28, 28, 1] },
  });
  expect(info.outputs.map((o) => o.taps)).toEqual([['local', 'conv'], ['global', 'code'], ['fc']]);
  expect(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).not.toContain('Infomax');
  expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('is the `global` output');

  const model = await loadModel(dir);
  const { objective } = await openRun(run);
  const rng = new Rng(3);
  const x = tf.tensor4d(
    Float32Array.from({ length: 6 * 28 * 28 }, () => rng.int(256) / 255),
    [6, 28, 28, 1],
  );
  const outs = model.predict(x) as tf.Tensor[];
  const code = objective.embed!(x);
  const encoded = objective.encoder.encode(x);
  const taps: Record<string, tf.Tensor> = { local: encoded.local, global: encoded.global, ...encoded.taps };
  const gap = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(a.sub(b))).dataSync()[0]);
  expect(gap(outs[1], code)).toBeLessThanOrEqual(1e-5);
  for (const o of info.outputs) for (const t of o.taps) expect(gap(outs[o.index], taps[t])).toBeLessThanOrEqual(1e-5);
  tf.dispose([x, ...outs, code, ...Object.values(taps)]);
  objective.dispose();
  model.dispose();
});

withNumpy(
  "encoder.safetensors, read by a reader written from the format spec: aligned header, packed offsets, every weight bit-equal to model.json's",
  async () => {
    const dir = path.join(tmp, 'export-1');
    const info = await exportRun(run, { out: dir, checkpoint: 1 });
    expect(info.step).toBe(1);
    const reader = [
      'import sys, json, struct, hashlib, numpy',
      'b = open(sys.argv[1], "rb").read()',
      'n = struct.unpack("<Q", b[:8])[0]',
      'h = json.loads(b[8:8 + n])',
      'meta = h.pop("__metadata__", {})',
      'data = b[8 + n:]',
      'spans = sorted(t["data_offsets"] for t in h.values())',
      'packed = spans[0][0] == 0 and all(a[1] == c[0] for a, c in zip(spans, spans[1:])) and spans[-1][1] == len(data)',
      'out = {}',
      'for name, t in h.items():',
      '    s, e = t["data_offsets"]',
      '    a = numpy.frombuffer(data[s:e], dtype="<f4").reshape(t["shape"])',
      '    out[name] = {"dtype": t["dtype"], "shape": list(a.shape), "sha256": hashlib.sha256(a.astype("<f4").tobytes()).hexdigest()}',
      'print(json.dumps({"headerLength": n, "metadata": meta, "packed": packed, "tensors": out}))',
    ].join('\n');
    const got = runPythonJson(python!, reader, [path.join(dir, 'encoder.safetensors')]) as {
      headerLength: number;
      metadata: Record<string, string>;
      packed: boolean;
      tensors: Record<string, { dtype: string; shape: number[]; sha256: string }>;
    };
    expect(got.headerLength % 8).toBe(0);
    expect(got.packed).toBe(true);
    expect(got.metadata).toMatchObject({ format: 'tfjs-layers', step: '1' });
    expect(Object.keys(got.tensors)).toEqual(info.weights.map((w) => w.name));
    const model = await loadModel(dir);
    const values = model.getWeights();
    expect(values).toHaveLength(info.weights.length);
    info.weights.forEach((w, i) => {
      const sha = createHash('sha256')
        .update(float32LittleEndian(values[i].dataSync() as Float32Array))
        .digest('hex');
      expect(got.tensors[w.name]).toEqual({ dtype: 'F32', shape: w.shape, sha256: sha });
      expect(values[i].shape).toEqual(w.shape);
    });
    model.dispose();
  },
);

test('exporting twice leaks no tensors; an --out that cannot be a folder is an OutputError (exit 5), a missing run a CheckpointError (exit 5)', async () => {
  const dir = path.join(tmp, 'again');
  await exportRun(run, { out: dir });
  const before = tf.memory().numTensors;
  await exportRun(run, { out: dir });
  expect(tf.memory().numTensors).toBe(before);
  const file = path.join(tmp, 'a-file');
  fs.writeFileSync(file, '');
  const cases: Array<[string[], RegExp]> = [
    [['export', run, '--out', path.join(file, 'sub')], /^infomax: OutputError: --out: cannot write into '.*a-file\/sub': ENOTDIR$/],
    [['export', path.join(tmp, 'nothing')], /^infomax: CheckpointError: '.*nothing' does not exist$/],
  ];
  for (const [args, message] of cases) {
    const r = await runInProcess(args);
    expect([r.code, errorLines(r.stderr)]).toEqual([5, [expect.stringMatching(message)]]);
  }
});
