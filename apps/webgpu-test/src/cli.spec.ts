/**
 * End to end on webgpu (SwiftShader): the built `infomax train --backend webgpu --steps 3`
 * as a child process — training, checkpoint, evaluation and plots — against the same run
 * on wasm. The child inherits the Vulkan environment that swiftshader.cjs set.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { metricsWithoutTime, runCli, writeTinyConfig } from '../../../apps/trainer/src/test-utils/cli';
import { describeWebgpu } from './test-utils/webgpu';

let tmp: string;
let tiny: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-webgpu-cli-'));
  tiny = writeTinyConfig(tmp);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describeWebgpu('infomax train on webgpu', () => {
  test('--backend webgpu --steps 3: exits 0, says it runs on the software adapter, and its first loss is wasm’s', async () => {
    const gpuRun = path.join(tmp, 'webgpu');
    const gpu = await runCli(['train', '-c', tiny, '-o', gpuRun, '--backend', 'webgpu', '--steps', '3', '--set', 'data.count=96']);
    expect(gpu.stderr).toMatch(/infomax engine: webgpu \(Dawn\) \(cpu, software adapter SwiftShader/);
    expect(gpu.code).toBe(0);
    expect(gpu.stdout.trim().split('\n').pop()).toMatch(/^linear probe, 16-d code: \d+\.\d%$/);
    const wasmRun = path.join(tmp, 'wasm');
    expect((await runCli(['train', '-c', tiny, '-o', wasmRun, '--backend', 'wasm', '--steps', '3', '--set', 'data.count=96'])).code).toBe(
      0,
    );

    const [g, w] = [metricsWithoutTime(gpuRun), metricsWithoutTime(wasmRun)];
    const steps = g.filter((l) => l.kind === 'step');
    expect(steps.map((l) => l.step)).toEqual([1, 2, 3]);
    for (const l of steps) for (const k of ['loss', 'mi_local']) expect(Number.isFinite(l[k])).toBe(true);
    // The same seed builds the same weights: the first loss is taken before any update.
    const first = (m: typeof g) => m.find((l) => l.kind === 'step')!.loss as number;
    expect(Math.abs(first(g) - first(w))).toBeLessThan(1e-4 * Math.abs(first(w)));
    const evalLine = g.find((l) => l.kind === 'eval')!;
    expect(evalLine.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(evalLine.testAccuracy).toBeLessThanOrEqual(1);
    expect(fs.readdirSync(path.join(gpuRun, 'checkpoints'))).toContain('ckpt-3');
    expect(
      fs
        .readFileSync(path.join(gpuRun, 'plots', 'loss.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });
});
