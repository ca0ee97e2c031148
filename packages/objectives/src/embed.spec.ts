import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { labSplit, patchGrid } from '@infomax/views';
import { buildObjective } from './index';
import { expectClose } from './test-utils/expect-close';
import { LatentImages } from './test-utils/synthetic';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const SMALL = { kind: 'dcgan', filters: [8, 16], fc: [], codeSize: 8 };

test('embed applies each objective’s own views: DIM = code, CMC = [code(L), code(ab)], CPC = mean patch code', () => {
  const data = new LatentImages(16, 3, 4, 11);
  const images = data.next(5);
  const dim = buildObjective({ kind: 'dim', inputShape: [16, 16, 3], encoder: SMALL });
  const cmc = buildObjective({ kind: 'cmc', inputShape: [16, 16, 3], encoder: SMALL });
  const cpc = buildObjective({
    kind: 'cpc',
    inputShape: [16, 16, 3],
    encoder: { kind: 'mlp', hidden: [8], codeSize: 6 },
    context: { channels: [4] },
  });
  const before = tf.memory().numTensors;
  const [d, c, p] = [dim, cmc, cpc].map((o) => o.embed!(images));
  expect([d.shape, c.shape, p.shape]).toEqual([
    [5, 8],
    [5, 16],
    [5, 6],
  ]);
  const expected = tf.tidy(() => {
    const [l] = labSplit(images);
    const fromDim = dim.encoder.encode(images).global;
    const fromL = cmc.encoder.encode(l).global; // view 0's encoder comes first
    const patchCodes = cpc.encoder.encode(patchGrid(images, { size: 8, stride: 4 })).local; // [5, 3, 3, 6]
    return [fromDim, fromL, tf.mean(patchCodes, [1, 2])].map((t) => Array.from(t.dataSync()));
  });
  expectClose(d.dataSync(), expected[0], 1e-6);
  expectClose(
    tf.tidy(() => c.slice([0, 0], [5, 8]).dataSync()),
    expected[1],
    1e-6,
  );
  expectClose(p.dataSync(), expected[2], 1e-5);
  tf.dispose([d, c, p]);
  expect(tf.memory().numTensors).toBe(before);
  [dim, cmc, cpc].forEach((o) => o.dispose());
  tf.dispose(images);
  data.dispose();
});
