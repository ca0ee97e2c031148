/**
 * Runs on 2 kernel threads (`--threads 2`) against 1: the whole run gives the same
 * metrics bit for bit, and a run stopped on one count and resumed on the other ends with
 * the metrics of the uninterrupted run. Threads asked for on a backend they cannot help
 * are a usage error naming train.threads.
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

test('8 steps (3 an epoch, checkpoints every 2) on 2 threads equal 1 thread bit for bit; stopped on one count, resumed on the other: the same', async () => {
  const config = writeTinyConfig(tmp);
  const text = fs
    .readFileSync(config, 'utf8')
    .replace('count: 200', 'count: 60')
    .replace('steps: 12', 'steps: 8')
    .replace('checkpoint: { every: 4 }', 'checkpoint: { every: 2 }');
  fs.writeFileSync(config, text);
  const runs: Record<string, Awaited<ReturnType<typeof runInProcess>>> = {};
  for (const threads of ['1', '2']) {
    runs[threads] = await runInProcess(['train', '-c', config, '-o', path.join(tmp, `whole-${threads}`), '--threads', threads], 120000);
    expect(runs[threads].code).toBe(0);
  }
  expect(runs['2'].stderr).toMatch(/wasm \(cpu, 2 threads/);
  expect(runs['2'].stderr).toMatch(/2 threads; run folder/);
  const reference = metricsWithoutTime(path.join(tmp, 'whole-1'));
  expect(reference.filter((l) => l.kind === 'step')).toHaveLength(8);
  expect(metricsWithoutTime(path.join(tmp, 'whole-2'))).toEqual(reference);
  expect(runs['2'].stdout.trim().split('\n').pop()).toBe(runs['1'].stdout.trim().split('\n').pop());
  for (const [k, first, then] of [
    [3, '2', '1'],
    [6, '1', '2'],
  ] as const) {
    const run = path.join(tmp, `stop-${k}`);
    expect((await runInProcess(['train', '-c', config, '-o', run, '--threads', first, '--steps', String(k)], 120000)).code).toBe(0);
    const r = await runInProcess(['train', '--resume', run, '--threads', then, '--steps', '8'], 120000);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe(runs['1'].stdout.trim().split('\n').pop());
    expect({ k, metrics: metricsWithoutTime(run) }).toEqual({ k, metrics: reference });
  }
}, 600000);

test('--threads 2 on the cpu backend is a usage error naming train.threads, and leaves no run behind', async () => {
  const out = path.join(tmp, 'cpu');
  const config = writeTinyConfig(tmp);
  const r = await runInProcess(['train', '-c', config, '-o', out, '--threads', '2', '--backend', 'cpu'], 120000);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/train\.threads.*wasm kernels only.*'cpu'/);
  expect(fs.existsSync(path.join(out, 'metrics.jsonl'))).toBe(false);
}, 120000);
