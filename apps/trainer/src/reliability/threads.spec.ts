/**
 * Runs on 2 threads (`--threads 2`) stopped and resumed: the checkpoints hold what one
 * thread's do, the workers get the restored weights before their first step, and every
 * resumed run ends with the metrics of the uninterrupted run, bit for bit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildCli, metricsWithoutTime, runInProcess, writeTinyConfig } from '../test-utils/cli';

let tmp: string;
beforeAll(() => {
  buildCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-threads-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('8 steps on 2 threads (3 an epoch, checkpoints every 2), stopped after steps 3 and 6 and resumed: bit for bit the whole run', async () => {
  const config = writeTinyConfig(tmp);
  const text = fs
    .readFileSync(config, 'utf8')
    .replace('count: 200', 'count: 60')
    .replace('steps: 12', 'steps: 8')
    .replace('checkpoint: { every: 4 }', 'checkpoint: { every: 2 }');
  fs.writeFileSync(config, text);
  const whole = path.join(tmp, 'whole');
  const w = await runInProcess(['train', '-c', config, '-o', whole, '--threads', '2'], 120000);
  expect(w.code).toBe(0);
  expect(w.stderr).toMatch(/2 threads; run folder/);
  const reference = metricsWithoutTime(whole);
  expect(reference.filter((l) => l.kind === 'step')).toHaveLength(8);
  for (const k of [3, 6]) {
    const run = path.join(tmp, `stop-${k}`);
    expect((await runInProcess(['train', '-c', config, '-o', run, '--threads', '2', '--steps', String(k)], 120000)).code).toBe(0);
    const r = await runInProcess(['train', '--resume', run, '--threads', '2', '--steps', '8'], 120000);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe(w.stdout.trim().split('\n').pop());
    expect({ k, metrics: metricsWithoutTime(run) }).toEqual({ k, metrics: reference });
  }
}, 600000);

test('--threads 2 with an objective that does not split is a usage error naming train.threads, and leaves no run behind', async () => {
  const out = path.join(tmp, 'cpc');
  const config = path.join(tmp, 'cpc.yaml');
  fs.writeFileSync(
    config,
    ['backend: wasm', 'data: { dataset: synthetic, count: 40 }', 'objective: { kind: cpc }', 'train: { batchSize: 8, steps: 1 }'].join(
      '\n',
    ),
  );
  const r = await runInProcess(['train', '-c', config, '-o', out, '--threads', '2'], 120000);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/train\.threads.*objective 'cpc' does not split/);
  expect(fs.existsSync(path.join(out, 'metrics.jsonl'))).toBe(false);
}, 120000);
