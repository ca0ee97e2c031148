/**
 * Whole runs on graphs (`data.dataset: tu`, InfoGraph on MUTAG): a short run end to end,
 * stop and resume bit for bit across epochs, and the bad inputs peculiar to graph data.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { EXIT } from '../errors';
import { errorLines, metricsWithoutTime, runInProcess } from '../test-utils/cli';
import { describeWithTu, TU_DATASETS } from '../test-utils/tu';

const MUTAG = path.join(TU_DATASETS ?? '', 'MUTAG');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-graphs-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A small InfoGraph run on MUTAG: GIN 2 × 8, batch 32 (6 batches an epoch: 188 = 5 × 32 + 28). */
function graphConfig(name: string, evaluation = 'eval: { every: 4, probeEpochs: 3, randomInit: false }'): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(
    file,
    [
      'backend: wasm',
      `data: { dataset: tu, path: ${JSON.stringify(MUTAG)} }`,
      'objective: { encoder: { kind: gin, hidden: 8, layers: 2 } }',
      'train: { batchSize: 32, steps: 8, learningRate: 0.01 }',
      'checkpoint: { every: 3 }',
      'log: { every: 1 }',
      evaluation,
    ].join('\n'),
  );
  return file;
}
const summary = (stdout: string) => stdout.trim().split('\n').pop();

describeWithTu('graph runs on MUTAG', () => {
  test('MUTAG end to end: InfoGraph implied by data.dataset tu, cross-validated probes of the trained and random-init GIN, a PCA plot; a second run leaks no tensors', async () => {
    const cfg = graphConfig('e2e.yaml', 'eval: { every: 0, probeEpochs: 5, randomInit: true }');
    const run = path.join(tmp, 'e2e');
    const first = await runInProcess(['train', '-c', cfg, '-o', run, '--steps', '12'], 300000);
    expect({ code: first.code, errors: errorLines(first.stderr) }).toEqual({ code: 0, errors: [] });
    expect(first.stderr).toMatch(/data graphs: all 188 of MUTAG \(3,371 nodes, node features labels \(7\)\): -1×63 1×125/);
    expect(first.stderr).toMatch(/training infograph on MUTAG \(188 graphs, 7 node features\), batch 32, 12 steps/);
    expect(summary(first.stdout)).toMatch(/^10-fold cross-validated linear probe, 16-d code: \d+\.\d% \(random-init encoder: \d+\.\d%\)$/);
    const lines = metricsWithoutTime(run);
    // 6 batches an epoch: steps 1–6 in epoch 0, 7–12 in epoch 1.
    expect(lines.filter((l) => l.kind === 'step').map((l) => [l.step, l.epoch])).toEqual(
      Array.from({ length: 12 }, (_, i) => [i + 1, Math.floor(i / 6)]),
    );
    const evalLine = lines.find((l) => l.kind === 'eval')!;
    // Accuracies are means over 10 folds of 18–19 graphs: a share of whole graphs in each fold, above chance's floor.
    for (const k of ['testAccuracy', 'randomInitTestAccuracy', 'trainAccuracy'] as const) {
      expect(evalLine[k] as number).toBeGreaterThan(0.5);
      expect(evalLine[k] as number).toBeLessThanOrEqual(1);
    }
    expect(evalLine.foldSd as number).toBeGreaterThan(0);
    expect(fs.statSync(path.join(run, 'plots', 'pca.png')).size).toBeGreaterThan(1000);
    // The last checkpoint, reloaded by `infomax evaluate`, scores exactly what the run's end did.
    const ev = await runInProcess(['evaluate', run, '--probe-epochs', '5'], 300000);
    expect({ code: ev.code, errors: errorLines(ev.stderr) }).toEqual({ code: 0, errors: [] });
    expect(ev.stdout).toMatch(/^16-d code at step 12 on MUTAG: linear probe \d+\.\d% \(train \d+\.\d%\); written to /);
    const written = JSON.parse(fs.readFileSync(path.join(run, 'eval.json'), 'utf8'));
    expect([written.testAccuracy, written.trainAccuracy, written.foldSd]).toEqual([
      evalLine.testAccuracy,
      evalLine.trainAccuracy,
      evalLine.foldSd,
    ]);

    const tensors = tf.memory().numTensors;
    const again = await runInProcess(['train', '-c', cfg, '-o', path.join(tmp, 'e2e-again'), '--steps', '12'], 300000);
    expect(again.code).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(metricsWithoutTime(path.join(tmp, 'e2e-again'))).toEqual(lines);
  }, 900000);

  test('stopped mid-epoch, at an epoch boundary and past it (steps 2, 6, 7 of 8; checkpoints every 3, evaluations every 4): each resume ends bit for bit as the whole run', async () => {
    const cfg = graphConfig('resume.yaml');
    const whole = path.join(tmp, 'whole');
    const w = await runInProcess(['train', '-c', cfg, '-o', whole], 300000);
    expect(w.code).toBe(0);
    const reference = metricsWithoutTime(whole);
    expect(reference.filter((l) => l.kind === 'step').map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(reference.filter((l) => l.kind === 'eval').map((l) => l.step)).toEqual([4, 8]);
    for (const k of [2, 6, 7]) {
      const run = path.join(tmp, `stop-${k}`);
      expect((await runInProcess(['train', '-c', cfg, '-o', run, '--steps', String(k)], 300000)).code).toBe(0);
      const r = await runInProcess(['train', '--resume', run, '--steps', '8'], 300000);
      expect(r.code).toBe(0);
      expect(summary(r.stdout)).toBe(summary(w.stdout));
      expect({ k, metrics: metricsWithoutTime(run) }).toEqual({ k, metrics: reference });
    }
  }, 900000);
});

describeWithTu('bad graph inputs: one error line naming what is wrong, the documented exit code, nothing left behind', () => {
  const cases: Array<[string, () => string[], number, RegExp]> = [
    [
      'a graph objective on digits',
      () => ['train', '--set', 'objective.kind=infograph'],
      EXIT.usage,
      /ConfigError: config 'objective\.kind': expected an image objective: 'infograph' trains on graphs, but data\.dataset 'digits' holds images \(use data\.dataset 'tu'/,
    ],
    [
      'an image objective on graphs',
      () => ['train', '--dataset', 'tu', '--data-path', MUTAG, '--set', 'objective.kind=dim'],
      EXIT.usage,
      /ConfigError: config 'objective\.kind': expected a graph objective \(infograph\): 'dim' trains on images, but data\.dataset 'tu' holds graphs, got 'dim'/,
    ],
    [
      'tu without data.path',
      () => ['train', '--dataset', 'tu'],
      EXIT.usage,
      /ConfigError: config 'data\.path': expected a folder: dataset 'tu' reads its files from data\.path \(flag --data-path\), got null/,
    ],
    [
      'a probe of another layer',
      () => ['train', '--dataset', 'tu', '--data-path', MUTAG, '--set', 'eval.layer=fc'],
      EXIT.usage,
      /config 'eval\.layer': expected 'code' for data\.dataset 'tu' \(the graph vector\), got 'fc'/,
    ],
    [
      'a train limit',
      () => ['train', '--dataset', 'tu', '--data-path', MUTAG, '--set', 'data.trainLimit=50'],
      EXIT.usage,
      /config 'data\.trainLimit': expected no value for data\.dataset 'tu'.*, got 50/,
    ],
    [
      'a missing folder',
      () => ['train', '--dataset', 'tu', '--data-path', path.join(tmp, 'nowhere')],
      EXIT.data,
      /DatasetError: .*nowhere/,
    ],
    [
      'a malformed graph_indicator',
      () => ['train', '--dataset', 'tu', '--data-path', brokenMutag()],
      EXIT.data,
      /DatasetError: .*MUTAG_graph_indicator\.txt.*line 3/,
    ],
  ];
  it.each(cases)('%s', async (_name, args, code, says) => {
    const out = path.join(tmp, `bad-${_name.replace(/\W+/g, '-')}`);
    const r = await runInProcess([...args(), '-o', out, '--backend', 'wasm', '--steps', '1'], 120000);
    expect(r.code).toBe(code);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(says);
    expect(fs.existsSync(out)).toBe(false);
  });
});

/** MUTAG with line 3 of its graph indicator not a number. */
function brokenMutag(): string {
  const dir = path.join(tmp, 'broken', 'MUTAG');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(MUTAG)) fs.copyFileSync(path.join(MUTAG, f), path.join(dir, f));
  const file = path.join(dir, 'MUTAG_graph_indicator.txt');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines[2] = 'one';
  fs.writeFileSync(file, lines.join('\n'));
  return dir;
}
