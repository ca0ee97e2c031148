/**
 * Every optimizer kind with a schedule (warm-up + cosine, step) and clipping, stopped mid-run and
 * resumed: the metrics (the logged `lr` included) and the final checkpoint's tensors (weights and
 * optimizer slots) are byte for byte those of the uninterrupted run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildCli, metricsWithoutTime, runInProcess, writeTinyConfig } from '../test-utils/cli';

let tmp: string;
let tiny: string;
beforeAll(() => {
  buildCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-optim-'));
  tiny = writeTinyConfig(tmp);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The final checkpoint's tensors.bin (every variable, optimizer slot and buffer). */
function finalTensors(run: string): Buffer {
  const dir = path.join(run, 'checkpoints');
  const latest = fs.readFileSync(path.join(dir, 'latest'), 'utf8').split('\n')[0];
  return fs.readFileSync(path.join(dir, latest, 'tensors.bin'));
}

// The stopped runs take --steps k, so a cosine schedule's length (by default the run's step limit when it starts) is given.
const CASES: Array<[string, string[]]> = [
  [
    'adamw, warm-up 3 + cosine, clipNorm 0.5',
    [
      '--optimizer',
      'adamw',
      '--lr',
      '0.002',
      '--schedule',
      'cosine',
      '--warmup-steps',
      '3',
      '--clip-norm',
      '0.5',
      '--set',
      'optimizer.weightDecay=0.05',
      '--set',
      'schedule.minLr=0.0001',
      '--set',
      'schedule.totalSteps=10',
    ],
  ],
  [
    'sgd nesterov, step schedule',
    [
      '--optimizer',
      'sgd',
      '--lr',
      '0.05',
      '--schedule',
      'step',
      '--set',
      'schedule.every=4',
      '--set',
      'schedule.gamma=0.5',
      '--set',
      'optimizer.momentum=0.9',
      '--set',
      'optimizer.nesterov=true',
      '--set',
      'optimizer.weightDecay=0.0005',
    ],
  ],
  [
    'lars, warm-up 2 + cosine, clipNorm 1',
    [
      '--optimizer',
      'lars',
      '--lr',
      '0.5',
      '--schedule',
      'cosine',
      '--warmup-steps',
      '2',
      '--clip-norm',
      '1',
      '--set',
      'optimizer.weightDecay=0.000001',
      '--set',
      'schedule.totalSteps=10',
    ],
  ],
];

test.each(CASES)(
  '%s: stopped at step 3 and at 7 of 10 and resumed, metrics and final tensors equal the whole run byte for byte',
  async (name, flags) => {
    const slug = name.replace(/[^a-z0-9]+/gi, '-');
    const whole = path.join(tmp, `${slug}-whole`);
    const w = await runInProcess(['train', '-c', tiny, '-o', whole, '--steps', '10', ...flags], 120000);
    expect(w.code).toBe(0);
    const reference = metricsWithoutTime(whole);
    const steps = reference.filter((l) => l.kind === 'step');
    expect(steps.map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The logged rate is the schedule's: warm-up rises, and it changes over the run.
    const lrs = steps.map((l) => l.lr as number);
    expect(new Set(lrs).size).toBeGreaterThan(2);
    expect(lrs.every((v) => v > 0)).toBe(true);
    const config = JSON.parse(fs.readFileSync(path.join(whole, 'config.json'), 'utf8'));
    expect(config.optimizer.kind).toBe(flags[1]);
    for (const k of [3, 7]) {
      const run = path.join(tmp, `${slug}-stop-${k}`);
      expect((await runInProcess(['train', '-c', tiny, '-o', run, '--steps', String(k), ...flags], 120000)).code).toBe(0);
      const r = await runInProcess(['train', '--resume', run, '--steps', '10'], 120000);
      expect(r.code).toBe(0);
      expect({ k, metrics: metricsWithoutTime(run) }).toEqual({ k, metrics: reference });
      expect(finalTensors(run).equals(finalTensors(whole))).toBe(true);
    }
  },
  600000,
);

test('resuming with another optimizer kind is a ConfigError naming optimizer.kind (or the key the new kind lacks)', async () => {
  const run = path.join(tmp, 'kind-change');
  expect((await runInProcess(['train', '-c', tiny, '-o', run, '--steps', '2'], 120000)).code).toBe(0);
  const r = await runInProcess(['train', '--resume', run, '--steps', '4', '--optimizer', 'adamw'], 120000);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(
    /config 'optimizer\.kind': is adamw, the checkpoint in .* holds adam's state: a resumed run keeps its optimizer/,
  );
  const s = await runInProcess(['train', '--resume', run, '--steps', '4', '--optimizer', 'sgd'], 120000);
  expect(s.stderr).toMatch(
    /config 'optimizer\.betas': unknown key; known keys of 'optimizer': kind, momentum, nesterov, weightDecay, clipNorm/,
  );
});
