import * as tf from '@tensorflow/tfjs';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initEngine, loadModel, saveModel } from './node';
import { ModelIOError } from './errors';
import { Rng } from './random';
import { randn, relativeError } from './test-utils/kernel-harness';

function convNet(seed: number): tf.LayersModel {
  const rng = new Rng(seed);
  const init = () => tf.initializers.glorotUniform({ seed: rng.tfSeed() });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(),
      }),
      tf.layers.batchNormalization(),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, kernelInitializer: init() }),
    ],
  });
}

describe('saveModel / loadModel (tfjs model.json + weights, atomic)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'infomax-model-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it.each(['wasm', 'cpu'])('%s: save → load gives the same outputs (1e-6) and the tfjs layout', async (backend) => {
    await initEngine({ backend: backend as 'wasm' | 'cpu', log: null });
    const model = convNet(1);
    const x = tf.tensor4d(randn(new Rng(2), 2 * 64), [2, 8, 8, 1]);
    const before = (model.predict(x) as tf.Tensor).dataSync().slice();
    await saveModel(model, path.join(dir, 'm'));
    const loaded = await loadModel(path.join(dir, 'm'));
    const after = (loaded.predict(x) as tf.Tensor).dataSync().slice();
    expect(relativeError(after, before)).toBeLessThan(1e-6);
    const json = JSON.parse(await fsp.readFile(path.join(dir, 'm', 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toHaveLength(1);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toHaveLength(model.weights.length);
    const files = await fsp.readdir(path.join(dir, 'm'));
    expect(files.sort()).toEqual(['model.json', json.weightsManifest[0].paths[0]].sort());
    x.dispose();
    model.dispose();
    loaded.dispose();
  });

  it('reads a folder in tfjs-node file:// layout (model.json + weights.bin)', async () => {
    await initEngine({ backend: 'wasm', log: null });
    const model = convNet(3);
    await saveModel(model, dir);
    const json = JSON.parse(await fsp.readFile(path.join(dir, 'model.json'), 'utf8'));
    await fsp.rename(path.join(dir, json.weightsManifest[0].paths[0]), path.join(dir, 'weights.bin'));
    json.weightsManifest[0].paths = ['./weights.bin'];
    await fsp.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
    const loaded = await loadModel(path.join(dir, 'model.json'));
    expect(loaded.countParams()).toBe(model.countParams());
    model.dispose();
    loaded.dispose();
  });

  it('overwriting keeps one weights file; leftovers of a crashed save do not break loading', async () => {
    await initEngine({ backend: 'wasm', log: null });
    const a = convNet(4);
    const b = convNet(5);
    await saveModel(a, dir);
    // A save that died after writing its temp weights file but before the commit.
    await fsp.writeFile(path.join(dir, '.weights.deadbeef.bin.123.abcd.tmp'), Buffer.alloc(17));
    await saveModel(b, dir);
    const loaded = await loadModel(dir);
    const x = tf.ones([1, 8, 8, 1]);
    expect(relativeError((loaded.predict(x) as tf.Tensor).dataSync(), (b.predict(x) as tf.Tensor).dataSync())).toBeLessThan(1e-6);
    expect((await fsp.readdir(dir)).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    [a, b, loaded, x].forEach((t) => t.dispose());
  });

  it('missing folder, corrupt model.json, flipped or cut weights each throw ModelIOError naming the file', async () => {
    await expect(loadModel(path.join(dir, 'nope'))).rejects.toThrow(ModelIOError);
    await expect(loadModel(path.join(dir, 'nope'))).rejects.toThrow(/nope[/\\]model\.json/);
    const model = convNet(6);
    await saveModel(model, dir);
    const json = JSON.parse(await fsp.readFile(path.join(dir, 'model.json'), 'utf8'));
    const wfile = path.join(dir, json.weightsManifest[0].paths[0]);
    const w = await fsp.readFile(wfile);
    const flipped = Buffer.from(w);
    flipped[Math.floor(w.length / 2)] ^= 0x01;
    await fsp.writeFile(wfile, flipped);
    await expect(loadModel(dir)).rejects.toThrow(/weights\.[0-9a-f]{12}\.bin' is corrupt: its sha256/);
    await fsp.writeFile(wfile, w.subarray(0, w.length - 8));
    await expect(loadModel(dir)).rejects.toThrow(/is corrupt/);
    // A weights file without a hash in its name (tfjs-node's layout) is checked by size.
    json.weightsManifest[0].paths = ['weights.bin'];
    await fsp.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
    await fsp.writeFile(path.join(dir, 'weights.bin'), w.subarray(0, w.length - 8));
    await expect(loadModel(dir)).rejects.toThrow(/bytes; its manifest expects/);
    await fsp.writeFile(path.join(dir, 'model.json'), '{"modelTopology": ');
    await expect(loadModel(dir)).rejects.toThrow(/cannot read .*model\.json/);
    model.dispose();
  });
});
