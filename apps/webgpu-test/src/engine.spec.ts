/**
 * Backend choice where the only WebGPU adapter is SwiftShader, a CPU renderer: `auto`
 * passes over it to wasm and its one log line says so; `webgpu` by name runs on it.
 */
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { describeWebgpu } from './test-utils/webgpu';

describeWebgpu('backend choice on SwiftShader', () => {
  test('auto runs wasm, not the software adapter, and its one log line names SwiftShader as the reason', async () => {
    const lines: string[] = [];
    const info = await initEngine({ backend: 'auto', log: (l) => lines.push(l) });
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^infomax engine: wasm \(cpu, .*; not used: .*webgpu \(Dawn\): its adapter, SwiftShader driver [\d.]+, renders on the CPU, slower than wasm \(--backend webgpu runs on it anyway\)/,
    );
  });

  test('webgpu by name runs on SwiftShader, reported as device cpu, and computes', async () => {
    const lines: string[] = [];
    const info = await initEngine({ backend: 'webgpu', log: (l) => lines.push(l) });
    expect(info).toMatchObject({ backend: 'webgpu', device: 'cpu' });
    expect(lines).toEqual([
      expect.stringMatching(
        /^infomax engine: webgpu \(Dawn\) \(cpu, software adapter SwiftShader driver [\d.]+: WebGPU emulated on the CPU\)$/,
      ),
    ]);
    const t = tf.square(tf.tensor1d([1, -2, 3]));
    expect(Array.from(await t.data())).toEqual([1, 4, 9]);
    t.dispose();
  });
});
