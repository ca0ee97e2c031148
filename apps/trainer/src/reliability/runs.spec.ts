/**
 * Reliability of whole runs: stopped at every step and resumed, killed with SIGKILL at random
 * moments and resumed, two writers on one folder, runs that diverge. Every resumed run must
 * end with the same metrics, bit for bit, as one that was never stopped.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '@infomax/engine';
import { EXIT } from '../errors';
import { LOCK_FILE } from '../run-lock';
import { buildCli, errorLines, metricsWithoutTime, runCli, runInProcess, startCli, waitFor, writeTinyConfig } from '../test-utils/cli';

let tmp: string;
beforeAll(() => {
  buildCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-runs-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const summary = (stdout: string) => stdout.trim().split('\n').pop();

/** The tiny config with some of its lines' text replaced. */
function tinyVariant(name: string, replace: Record<string, string>): string {
  let text = fs.readFileSync(writeTinyConfig(tmp), 'utf8');
  for (const [from, to] of Object.entries(replace)) {
    if (!text.includes(from)) throw new Error(`tiny config has no '${from}'`);
    text = text.replace(from, to);
  }
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

test('stopped after every step of an 8-step run (3 steps an epoch, checkpoints every 2, evaluations every 4), each resume ends bit for bit as the whole run', async () => {
  // 60 synthetic images: 48 to train on, batch 16, 3 steps an epoch.
  const every = tinyVariant('every.yaml', {
    'count: 200': 'count: 60',
    'steps: 12': 'steps: 8',
    'checkpoint: { every: 4 }': 'checkpoint: { every: 2 }',
    'eval: { probeEpochs: 5, randomInit: false }': 'eval: { every: 4, probeEpochs: 3, randomInit: false }',
  });
  const whole = path.join(tmp, 'whole-8');
  const w = await runInProcess(['train', '-c', every, '-o', whole], 120000);
  expect(w.code).toBe(0);
  const reference = metricsWithoutTime(whole);
  expect(reference.filter((l) => l.kind === 'step').map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(reference.filter((l) => l.kind === 'eval').map((l) => l.step)).toEqual([4, 8]);
  for (let k = 1; k < 8; k++) {
    const run = path.join(tmp, `stop-${k}`);
    expect((await runInProcess(['train', '-c', every, '-o', run, '--steps', String(k)], 120000)).code).toBe(0);
    const r = await runInProcess(['train', '--resume', run, '--steps', '8'], 120000);
    expect(r.code).toBe(0);
    expect(summary(r.stdout)).toBe(summary(w.stdout));
    expect({ k, metrics: metricsWithoutTime(run) }).toEqual({ k, metrics: reference });
  }
}, 600000);

test('SIGKILL at 10 random moments: each run is loadable (inspect), resumes, and ends bit for bit as the uninterrupted run', async () => {
  const long = tinyVariant('kill.yaml', { 'steps: 12': 'steps: 24', 'checkpoint: { every: 4 }': 'checkpoint: { every: 3 }' });
  const reference = path.join(tmp, 'kill-reference');
  const ref = await runCli(['train', '-c', long, '-o', reference]);
  expect(ref.code).toBe(0);
  const expected = metricsWithoutTime(reference);
  const stepLines = (run: string) => {
    try {
      return fs
        .readFileSync(path.join(run, 'metrics.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{"kind":"step"')).length;
    } catch {
      return 0;
    }
  };
  const rng = new Rng(2026);
  let killed = 0;
  for (let i = 0; killed < 10; i++) {
    expect(i).toBeLessThan(14);
    const run = path.join(tmp, `killed-${i}`);
    const p = startCli(['train', '-c', long, '-o', run]);
    // A random moment of a random step (1–22 of 24): mid-step, mid-checkpoint (every 3 steps) and between.
    const step = 1 + rng.int(22);
    await waitFor(() => stepLines(run) >= step || p.child.exitCode !== null, 120000, `step ${step}`);
    await new Promise((r) => setTimeout(r, rng.int(250)));
    p.child.kill('SIGKILL');
    const k = await p.done;
    if (k.signal !== 'SIGKILL') continue; // it had finished: not a kill
    killed += 1;
    const info = await runCli(['inspect', run, '--json']);
    expect({ i, code: info.code, stderr: info.stderr }).toEqual({ i, code: 0, stderr: '' });
    const resumed = await runCli(['train', '--resume', run]);
    expect({ i, code: resumed.code }).toEqual({ i, code: 0 });
    expect(summary(resumed.stdout)).toBe(summary(ref.stdout));
    expect({ i, metrics: metricsWithoutTime(run) }).toEqual({ i, metrics: expected });
  }
  expect(killed).toBe(10);
}, 900000);

test('two writers on one folder: the second is refused (exit 6) before it loads or writes anything, with or without --overwrite / --resume; readers work on the live run', async () => {
  const cfg = writeTinyConfig(tmp);
  const run = path.join(tmp, 'shared');
  const a = startCli(['train', '-c', cfg, '-o', run, '--steps', '100000', '--checkpoint-every', '2']);
  await waitFor(() => /step 3 /.test(a.output()), 120000, 'step 3 of the first writer');
  const lockBefore = fs.readFileSync(path.join(run, LOCK_FILE), 'utf8');
  for (const args of [
    ['train', '-c', cfg, '-o', run],
    ['train', '-c', cfg, '-o', run, '--overwrite'],
    ['train', '--resume', run],
  ]) {
    const b = await runInProcess(args, 60000);
    expect({ args: args.join(' '), code: b.code }).toEqual({ args: args.join(' '), code: EXIT.busy });
    expect(errorLines(b.stderr)).toEqual([
      expect.stringMatching(new RegExp(`RunBusyError: '${run}' is in use by infomax train \\(pid ${a.child.pid} `)),
    ]);
    expect(b.stderr).not.toMatch(/infomax engine/);
  }
  expect(fs.readFileSync(path.join(run, LOCK_FILE), 'utf8')).toBe(lockBefore);
  expect((await runInProcess(['inspect', run], 60000)).code).toBe(0);
  a.child.kill('SIGINT');
  const end = await a.done;
  expect(end.code).toBe(EXIT.interrupted);
  expect(fs.existsSync(path.join(run, LOCK_FILE))).toBe(false);
  expect(fs.existsSync(path.join(run, 'plots', 'loss.png'))).toBe(true);
  const steps = metricsWithoutTime(run)
    .filter((l) => l.kind === 'step')
    .map((l) => l.step as number);
  expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
});

test.each(['10', '1e3', '1e6'])(
  '--lr %s diverges: exit 4, one line naming what went non-finite, the last good checkpoint loads',
  async (lr) => {
    const cfg = writeTinyConfig(tmp);
    const run = path.join(tmp, `lr-${lr}`);
    const r = await runInProcess(['train', '-c', cfg, '-o', run, '--lr', lr, '--steps', '200', '--checkpoint-every', '1'], 120000);
    expect(r.code).toBe(EXIT.numeric);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^infomax: NumericError: .*(NaN|Infinity).* at step \d+ .*last good checkpoint/);
    expect((await runInProcess(['inspect', run], 60000)).code).toBe(0);
  },
);

test('a run that fails before its first step leaves nothing behind, the corrected command then runs, and a failed --overwrite keeps the old run', async () => {
  const cfg = writeTinyConfig(tmp);
  const run = path.join(tmp, 'early', 'run');
  const bad = await runInProcess(['train', '-c', cfg, '-o', run, '--set', 'data.count=20', '--batch-size', '64'], 60000);
  expect(bad.code).toBe(EXIT.usage);
  expect(fs.existsSync(path.join(tmp, 'early'))).toBe(false);
  expect((await runInProcess(['train', '-c', cfg, '-o', run, '--steps', '1'], 120000)).code).toBe(0);
  // --overwrite that fails before it replaces the run (its data cannot load) leaves the old run whole.
  const failed = await runInProcess(
    ['train', '-c', cfg, '-o', run, '--overwrite', '--dataset', 'idx', '--data-path', path.join(tmp, 'no-idx')],
    60000,
  );
  expect(failed.code).toBe(EXIT.data);
  expect((await runInProcess(['inspect', run], 60000)).code).toBe(0);
});
