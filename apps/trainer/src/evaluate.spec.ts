/** `infomax evaluate --probe` on a tiny trained run (synthetic gratings, wasm). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { errorLines, runInProcess, writeTinyConfig } from './test-utils/cli';

let tmp: string;
let run: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-evaluate-'));
  run = path.join(tmp, 'run');
  expect(
    (await runInProcess(['train', '-c', writeTinyConfig(tmp), '-o', run, '--steps', '2', '--checkpoint-every', '1'], 120000)).code,
  ).toBe(0);
}, 180000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('--probe mlp fits the MLP probe on the code of the chosen checkpoint and records it in eval.json; --probe svm is a ConfigError', async () => {
  const r = await runInProcess(['evaluate', run, '--probe', 'mlp', '--checkpoint', '1'], 120000);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^16-d code at step 1 on synthetic-grating\/test: mlp probe \d+\.\d%/);
  const report = JSON.parse(fs.readFileSync(path.join(run, 'eval.json'), 'utf8'));
  expect(report).toMatchObject({ probe: 'mlp', layer: 'code', dim: 16, step: 1 });
  // 10 grating classes, 40 test images: a probe on an encoder two steps old still beats chance (10%).
  expect(report.testAccuracy).toBeGreaterThan(0.1);
  expect(report.testAccuracy).toBeLessThanOrEqual(1);
  const bad = await runInProcess(['evaluate', run, '--probe', 'svm']);
  expect([bad.code, errorLines(bad.stderr)]).toEqual([2, ["infomax: ConfigError: config 'probe': expected one of linear, mlp, got 'svm'"]]);
});
