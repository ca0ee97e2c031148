/**
 * End to end: the built `infomax` command on tiny synthetic data (wasm).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '@infomax/engine';
import { buildCli, metricsWithoutTime, runCli, startCli, waitFor, writeTinyConfig } from './test-utils/cli';

let tmp: string;
let tiny: string;
beforeAll(() => {
  buildCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-cli-'));
  tiny = writeTinyConfig(tmp);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const oneLine = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('infomax: ') && /Error/.test(l));

test('train → checkpoint → resume equals an uninterrupted run (same metrics) → evaluate writes eval.json', async () => {
  const whole = path.join(tmp, 'whole');
  const parts = path.join(tmp, 'parts');
  const a = await runCli(['train', '-c', tiny, '-o', whole, '--eval-every', '6']);
  expect(a.code).toBe(0);
  expect(a.stdout.trim().split('\n').pop()).toMatch(/^linear probe, 16-d code: \d+\.\d%$/);
  // Stop mid-epoch (10 steps per epoch), resume past the epoch boundary.
  const b1 = await runCli(['train', '-c', tiny, '-o', parts, '--steps', '6', '--eval-every', '6']);
  expect(b1.code).toBe(0);
  const b2 = await runCli(['train', '--resume', parts, '--steps', '12']);
  expect(b2.code).toBe(0);
  expect(b2.stderr).toContain('resumed');
  const m = metricsWithoutTime(whole);
  expect(m.filter((l) => l.kind === 'step').map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  expect(metricsWithoutTime(parts)).toEqual(m);
  // The resumed run's checkpoints hold the position only, not the restored tensors, in their index.
  expect(fs.statSync(path.join(parts, 'checkpoints', 'ckpt-12', 'state.json')).size).toBeLessThan(32768);
  expect(m.filter((l) => l.kind === 'eval').map((l) => l.step)).toEqual([6, 12]);
  for (const f of ['config.json', 'plots/loss.png', 'plots/mi.png', 'plots/probe.png', 'plots/probe-mi.png', 'plots/pca.png']) {
    expect(fs.existsSync(path.join(whole, f))).toBe(true);
  }
  expect(fs.readFileSync(path.join(whole, 'plots/pca.png')).subarray(1, 4).toString()).toBe('PNG');
  expect(fs.readdirSync(path.join(whole, 'checkpoints')).sort()).toEqual(['ckpt-12', 'ckpt-8', 'latest']);

  const ev = await runCli(['evaluate', whole, '--layer', 'fc', '--probe-epochs', '5']);
  expect(ev.code).toBe(0);
  const report = JSON.parse(fs.readFileSync(path.join(whole, 'eval.json'), 'utf8'));
  expect(report).toMatchObject({ layer: 'fc', dim: 32, step: 12 });
  for (const k of ['trainAccuracy', 'testAccuracy', 'knnAccuracy']) expect(report[k]).toBeGreaterThanOrEqual(0);
  expect(report.knnAccuracy).toBeLessThanOrEqual(1);

  const info = await runCli(['inspect', whole, '--json']);
  expect(info.code).toBe(0);
  expect(JSON.parse(info.stdout)).toMatchObject({ step: 12, epoch: 1, position: 2 });
});

test('SIGINT finishes the step, checkpoints and exits 130', async () => {
  const run = path.join(tmp, 'interrupted');
  const p = startCli(['train', '-c', tiny, '-o', run, '--steps', '100000']);
  await waitFor(() => /step 3 /.test(p.output()), 60000, 'step 3');
  p.child.kill('SIGINT');
  const r = await p.done;
  expect(r.code).toBe(130);
  expect(r.stderr).toMatch(/interrupted at step (\d+); checkpoint saved/);
  const step = Number(/interrupted at step (\d+)/.exec(r.stderr)![1]);
  const info = await runCli(['inspect', run, '--json']);
  expect(JSON.parse(info.stdout).step).toBe(step);
});

test('bad config (2), missing dataset (3), NaN loss (4), corrupt checkpoint (5): documented code, one-line message', async () => {
  const unknown = await runCli(['train', '-c', tiny, '-o', path.join(tmp, 'x1'), '--set', 'train.stpes=3']);
  expect(unknown.code).toBe(2);
  expect(oneLine(unknown.stderr)).toEqual([
    "infomax: ConfigError: config 'train.stpes': unknown key; known keys of 'train': batchSize, learningRate, steps, epochs, timeBudget, threads",
  ]);
  const bad = await runCli(['train', '-c', tiny, '-o', path.join(tmp, 'x2'), '--steps', 'abc']);
  expect(bad.code).toBe(2);
  expect(bad.stderr.trim()).toBe("infomax: ConfigError: config 'train.steps': expected an integer in 1..∞, got 'abc'");
  const usage = await runCli(['train', '--no-such-flag']);
  expect(usage.code).toBe(2);

  const missing = await runCli([
    'train',
    '-c',
    tiny,
    '-o',
    path.join(tmp, 'x3'),
    '--dataset',
    'idx',
    '--data-path',
    path.join(tmp, 'nowhere'),
  ]);
  expect(missing.code).toBe(3);
  expect(oneLine(missing.stderr)).toHaveLength(1);
  expect(missing.stderr).toContain('nowhere');

  const nan = await runCli(['train', '-c', tiny, '-o', path.join(tmp, 'nan'), '--lr', '1e12', '--steps', '30']);
  expect(nan.code).toBe(4);
  expect(oneLine(nan.stderr)).toHaveLength(1);
  expect(nan.stderr).toMatch(/NumericError: .* at step \d+ .*last good checkpoint/);
  expect((await runCli(['inspect', path.join(tmp, 'nan')])).code).toBe(0);

  const run = path.join(tmp, 'corrupt');
  expect((await runCli(['train', '-c', tiny, '-o', run, '--steps', '2'])).code).toBe(0);
  const bin = path.join(run, 'checkpoints', 'ckpt-2', 'tensors.bin');
  const bytes = fs.readFileSync(bin);
  bytes[bytes.length >> 1] ^= 0x55;
  fs.writeFileSync(bin, bytes);
  for (const args of [
    ['inspect', run],
    ['evaluate', run],
    ['train', '--resume', run, '--steps', '4'],
  ]) {
    const r = await runCli(args);
    expect(r.code).toBe(5);
    expect(oneLine(r.stderr)).toEqual([`infomax: CheckpointError: '${bin}' is corrupt: its sha256 differs from the one in state.json`]);
  }
  for (const args of [
    ['inspect', path.join(tmp, 'no-run')],
    ['train', '--resume', path.join(tmp, 'no-run')],
  ]) {
    const r = await runCli(args);
    expect(r.code).toBe(5);
    expect(oneLine(r.stderr)).toHaveLength(1);
  }
});

test('estimate gaussian: InfoNCE at d=2, 1 nat lands within 0.25 nats; estimate csv finds the MI of correlated columns', async () => {
  const g = await runCli(['estimate', 'gaussian', '--dim', '2', '--levels', '1', '--bounds', 'infonce', '--steps', '300']);
  expect(g.code).toBe(0);
  const row = g.stdout.trim().split('\n').pop()!.split(/\s+/);
  expect(row[0]).toBe('infonce');
  expect(Number(row[1])).toBeCloseTo(1, 6);
  expect(Math.abs(Number(row[2]) - 1)).toBeLessThan(0.25);

  // y = rho x + sqrt(1 - rho^2) e: I = -1/2 log(1 - rho^2) = 0.511 nats for rho = 0.8.
  const rng = new Rng(3);
  const rows = ['x,noise,y'];
  for (let i = 0; i < 1000; i++) {
    const x = rng.normal();
    rows.push(`${x},${rng.normal()},${0.8 * x + 0.6 * rng.normal()}`);
  }
  const csv = path.join(tmp, 'pairs.csv');
  fs.writeFileSync(csv, rows.join('\n'));
  const c = await runCli(['estimate', 'csv', csv, '--x', 'x', '--y', 'y', '--bound', 'nwj', '--steps', '400']);
  expect(c.code).toBe(0);
  const [est, ksg] = [/≈ (-?[\d.]+) nats/, /KSG \(k=3\) reference (-?[\d.]+)/].map((re) => Number(re.exec(c.stdout)![1]));
  expect(Math.abs(ksg - 0.511)).toBeLessThan(0.08);
  expect(Math.abs(est - 0.511)).toBeLessThan(0.2);
  const badCol = await runCli(['estimate', 'csv', csv, '--x', 'nope', '--y', 'y']);
  expect(badCol.code).toBe(2);
});
