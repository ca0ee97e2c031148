import * as tf from '@tensorflow/tfjs';
import { canReadSync, registerAsyncOnlyBackend } from './readback';

describe('canReadSync / registerAsyncOnlyBackend', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('webgpu reads only asynchronously; cpu and wasm synchronously', () => {
    expect(canReadSync('webgpu')).toBe(false);
    expect(canReadSync('cpu')).toBe(true);
    expect(canReadSync('wasm')).toBe(true);
  });

  it('the async-only copy of cpu computes what cpu does, refuses dataSync and answers data()', async () => {
    const name = registerAsyncOnlyBackend();
    expect(canReadSync(name)).toBe(false);
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor2d([
          [1, -2, 3],
          [4, 5, -6],
        ]);
        return { x, y: tf.matMul(x, x, false, true).relu() };
      });
    await tf.setBackend('cpu');
    const { x: cx, y: cy } = run();
    const want = Array.from(await cy.data());
    tf.dispose([cx, cy]);
    await tf.setBackend(name);
    expect(canReadSync()).toBe(false);
    const before = tf.memory().numTensors;
    const { x, y } = run();
    expect(() => y.dataSync()).toThrow(/cannot read values synchronously/);
    expect(Array.from(await y.data())).toEqual(want);
    const index = tf.tensor1d([1], 'int32');
    const picked = tf.gather(x, index);
    expect(Array.from(await picked.data())).toEqual([4, 5, -6]);
    tf.dispose([x, y, index, picked]);
    expect(tf.memory().numTensors).toBe(before);
    // Registering twice keeps the one backend.
    expect(registerAsyncOnlyBackend()).toBe(name);
  });
});
