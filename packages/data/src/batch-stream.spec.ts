import * as tf from '@tensorflow/tfjs';
import { batchStream, stepsPerEpoch, type Batch } from './batch-stream';
import { createDataset } from './dataset';
import { DatasetError } from './errors';
import { expectClose, pixel } from './test-utils/fixtures';

const H = 4;
const W = 3;
const C = 2;
const N = 37;
const images = new Uint8Array(N * H * W * C);
for (let n = 0; n < N; n++)
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) images[((n * H + y) * W + x) * C + c] = pixel(n, y, x, c);
const ds = createDataset({
  name: 'toy',
  images,
  labels: Int32Array.from({ length: N }, (_, i) => (i * 7) % 5),
  count: N,
  height: H,
  width: W,
  channels: C,
});

interface Seen {
  indices: number[];
  epoch: number;
  step: number;
  size: number;
}

/** Runs a stream to the end, checking each batch against a plain-loop gather, disposing its tensors. */
async function collect(stream: AsyncIterable<Batch>, reference: (byte: number, c: number) => number): Promise<Seen[]> {
  const seen: Seen[] = [];
  for await (const b of stream) {
    const x = b.images.dataSync();
    const y = b.labels.dataSync();
    expect(b.images.shape).toEqual([b.indices.length, H, W, C]);
    expect(b.images.dtype).toBe('float32');
    expect(b.labels.dtype).toBe('int32');
    const expected = new Float32Array(x.length);
    b.indices.forEach((j, i) => {
      for (let p = 0; p < H * W * C; p++) expected[i * H * W * C + p] = reference(images[j * H * W * C + p], p % C);
    });
    expectClose(x, expected, 1e-6);
    expect(Array.from(y)).toEqual(Array.from(b.indices, (j) => ds.labels[j]));
    seen.push({ indices: Array.from(b.indices), epoch: b.epoch, step: b.step, size: b.indices.length });
    tf.dispose([b.images, b.labels]);
  }
  return seen;
}

const unit = (v: number) => v / 255;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('batchStream', () => {
  it('N=37, batch 8, 3 epochs: each epoch shows every image exactly once (5 batches, last of 5), pixels/255, no tensor left', async () => {
    await collect(batchStream(ds, { batchSize: 8, seed: 1 }), unit); // warm-up
    const before = tf.memory().numTensors;
    const seen = await collect(batchStream(ds, { batchSize: 8, seed: 1, epochs: 3 }), unit);
    expect(tf.memory().numTensors).toBe(before);
    expect(seen.length).toBe(3 * stepsPerEpoch(N, 8));
    for (let e = 0; e < 3; e++) {
      const epoch = seen.filter((s) => s.epoch === e);
      expect(epoch.map((s) => s.step)).toEqual([0, 1, 2, 3, 4]);
      expect(epoch.map((s) => s.size)).toEqual([8, 8, 8, 8, 5]);
      expect(epoch.flatMap((s) => s.indices).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    }
    // Shuffled: epochs differ from each other and from dataset order.
    const orders = [0, 1, 2].map((e) =>
      seen
        .filter((s) => s.epoch === e)
        .flatMap((s) => s.indices)
        .join(),
    );
    expect(new Set([...orders, Array.from({ length: N }, (_, i) => i).join()]).size).toBe(4);
  });

  it('same seed → same batches; another seed → another order', async () => {
    const a = await collect(batchStream(ds, { batchSize: 6, seed: 9, epochs: 2 }), unit);
    const b = await collect(batchStream(ds, { batchSize: 6, seed: 9, epochs: 2 }), unit);
    const c = await collect(batchStream(ds, { batchSize: 6, seed: 10, epochs: 2 }), unit);
    expect(b).toEqual(a);
    expect(c.map((s) => s.indices)).not.toEqual(a.map((s) => s.indices));
  });

  it('startStep 3 resumes mid-epoch: the same batches as a full run from its 4th on, later epochs whole', async () => {
    const full = await collect(batchStream(ds, { batchSize: 6, seed: 9, epochs: 2 }), unit);
    const resumed = await collect(batchStream(ds, { batchSize: 6, seed: 9, epochs: 2, startStep: 3 }), unit);
    expect(resumed).toEqual(full.slice(3));
  });

  it('dropLast drops the short batch; shuffle false keeps dataset order', async () => {
    const dropped = await collect(batchStream(ds, { batchSize: 8, dropLast: true, epochs: 2 }), unit);
    expect(dropped.map((s) => s.size)).toEqual(new Array(8).fill(8));
    const ordered = await collect(batchStream(ds, { batchSize: 10, shuffle: false }), unit);
    expect(ordered.flatMap((s) => s.indices)).toEqual(Array.from({ length: N }, (_, i) => i));
  });

  it('normalize {mean, std} gives (x/255 − mean[c]) / std[c] per channel', async () => {
    const mean = [0.5, 0.25];
    const std = [0.2, 0.4];
    await collect(batchStream(ds, { batchSize: 16, normalize: { mean, std } }), (v, c) => (v / 255 - mean[c]) / std[c]);
  });

  it('breaking out of an endless stream (epochs: Infinity) after 3 batches returns and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    let n = 0;
    for await (const b of batchStream(ds, { batchSize: 4, epochs: Infinity })) {
      tf.dispose([b.images, b.labels]);
      if (++n === 3) break;
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('bad options throw at the call, before iterating', () => {
    const bad = [
      { batchSize: 0 },
      { batchSize: 2.5 },
      { batchSize: 4, epochs: 0 },
      { batchSize: 64, dropLast: true },
      { batchSize: 4, normalize: { mean: [0.5], std: [1, 1] } },
      { batchSize: 4, normalize: { mean: [0, 0], std: [1, 0] } },
      { batchSize: 4, startStep: -1 },
    ];
    for (const options of bad) expect(() => batchStream(ds, options)).toThrow(DatasetError);
    expect(() => batchStream(ds, { batchSize: 64, dropLast: true })).toThrow(/37 images, too few for one batch of 64/);
  });
});
