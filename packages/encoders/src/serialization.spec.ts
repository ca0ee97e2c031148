import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { buildEncoder, Encoder, type EncoderConfig, localHead, projectionHead } from './index';
import { allWeights, expectClose, testImages } from './test-utils/expect-close';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

/** Saves through tfjs' in-memory IO, with the topology through JSON text as a file would carry it. */
async function roundTrip(model: tf.LayersModel): Promise<{ loaded: tf.LayersModel; topology: string }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = saved as tf.io.ModelArtifacts;
  const topology = JSON.stringify(a.modelTopology);
  const loaded = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: JSON.parse(topology),
      weightSpecs: a.weightSpecs,
      weightData: a.weightData,
      ...(a.userDefinedMetadata ? { userDefinedMetadata: JSON.parse(JSON.stringify(a.userDefinedMetadata)) } : {}),
    }),
  );
  return { loaded, topology };
}

const configs: Array<[string, EncoderConfig, string[]]> = [
  [
    'DCGAN with batch norm',
    { kind: 'dcgan', inputShape: [28, 28, 1], filters: [8, 16], fc: [32], codeSize: 8, batchNorm: true, seed: 1 },
    ['InfomaxTap'],
  ],
  [
    'AlexNet-style',
    { kind: 'alexnet', inputShape: [32, 32, 3], filters: [8, 8, 16, 16, 8], fc: [32, 32], codeSize: 8, seed: 2 },
    ['InfomaxTap'],
  ],
  ['ResNet', { kind: 'resnet', inputShape: [16, 16, 3], width: 4, blocks: [1, 1, 1], codeSize: 8, seed: 3 }, ['InfomaxTap']],
  ['MLP', { kind: 'mlp', inputShape: [28, 28, 1], hidden: [32], codeSize: 8, seed: 4 }, ['InfomaxTap']],
  [
    'patch encoder',
    { kind: 'patch', grid: [3, 3], encoder: { kind: 'resnet', inputShape: [8, 8, 1], width: 2, blocks: [1, 1], seed: 5 } },
    ['InfomaxTap', 'InfomaxPatchesToBatch', 'InfomaxBatchToPatches'],
  ],
];

describe.each(configs)('%s', (_name, config, customClasses) => {
  test('save → load → the same outputs (1e-6), taps and config', async () => {
    const enc = buildEncoder(config);
    const x = testImages([3, ...enc.inputShape]);
    // Move batch-norm statistics away from their initial values so that they are tested too.
    const warm = enc.encode(x, { training: true });
    tf.dispose([warm.local, warm.global, ...Object.values(warm.taps)]);
    const { loaded, topology } = await roundTrip(enc.model);
    for (const cls of customClasses) expect(topology).toContain(`"class_name":"${cls}"`);
    const back = Encoder.fromModel(loaded);
    expect(back.taps).toEqual(enc.taps);
    expect(back.config).toEqual(enc.config);
    expectClose(allWeights(back.model), allWeights(enc.model), 0);
    const before = tf.memory().numTensors;
    const a = enc.encode(x);
    const b = back.encode(x);
    expectClose(b.local, a.local, 1e-6);
    expectClose(b.global, a.global, 1e-6);
    for (const k of Object.keys(a.taps)) expectClose(b.taps[k], a.taps[k], 1e-6);
    tf.dispose([a.local, a.global, ...Object.values(a.taps), b.local, b.global, ...Object.values(b.taps)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    enc.dispose();
    back.dispose();
  });
});

test('a rebuilt encoder from the stored config has the same weights (the config is the whole recipe)', () => {
  const enc = buildEncoder({ kind: 'dcgan', inputShape: [28, 28, 1], filters: [4, 8], fc: [8], codeSize: 4, seed: 9 });
  const again = buildEncoder(JSON.parse(JSON.stringify(enc.config)));
  expectClose(allWeights(again.model), allWeights(enc.model), 0);
  enc.dispose();
  again.dispose();
});

test('heads (1×1 convs, shortcut with the registered noisy-identity initialiser, layer norm) round-trip', async () => {
  const head = localHead(6, { units: 8, seed: 3 });
  const plain = projectionHead({ inputShape: [5], blocks: [{ kind: 'dense', units: 4 }, { kind: 'relu' }], shortcut: true });
  for (const model of [head, plain]) {
    const { loaded, topology } = await roundTrip(model);
    expect(topology).toContain('"class_name":"InfomaxNoisyIdentity"');
    const x = testImages([2, ...(model.inputs[0].shape.slice(1).map((d) => d ?? 4) as number[])]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expectClose(b, a, 1e-6);
    tf.dispose([x, a, b]);
    loaded.dispose();
  }
  head.dispose();
  plain.dispose();
});

test("through the engine's saveModel / loadModel (model.json + weights in a folder): same outputs (1e-6)", async () => {
  // Node resolves '@infomax/engine' to its Node entry, which adds saveModel/loadModel;
  // TypeScript's node10 resolution sees only the browser types, hence the cast.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { saveModel, loadModel } = require('@infomax/engine') as typeof import('@infomax/engine/dist/node');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-encoders-'));
  try {
    const enc = buildEncoder({
      kind: 'patch',
      grid: [2, 2],
      encoder: { kind: 'dcgan', inputShape: [8, 8, 3], filters: [4, 8], fc: [8], codeSize: 4, batchNorm: true, seed: 6 },
    });
    await saveModel(enc.model, path.join(dir, 'encoder'));
    const back = Encoder.fromModel(await loadModel(path.join(dir, 'encoder')));
    expect(back.config).toEqual(enc.config);
    const x = testImages([2, 2, 2, 8, 8, 3]);
    const a = enc.encode(x);
    const b = back.encode(x);
    expectClose(b.local, a.local, 1e-6);
    expectClose(b.global, a.global, 1e-6);
    tf.dispose([x, a.local, a.global, b.local, b.global]);
    enc.dispose();
    back.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
