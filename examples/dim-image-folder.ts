/**
 * Example: train Deep InfoMax on a folder of images, `folder/<class>/<image>.png|jpg`.
 *
 * @infomax/data decodes and resizes the images (sharp), @infomax/objectives builds
 * DIM (local + global terms, JSD) from a JSON config, and `trainStep` runs one Adam
 * step and returns every MI estimate in nats. Without an argument the program first
 * writes a small folder of synthetic gratings (one class per orientation) to train on.
 *
 *   npx tsc -p examples && node examples/dist/dim-image-folder.js [folder]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { batchStream, loadImageFolder, syntheticDataset } from '@infomax/data';
import { buildObjective, trainStep } from '@infomax/objectives';

/** Settings of {@link trainDimOnFolder}. */
export interface DimFolderOptions {
  /** Side the images are resized to, in pixels. Default 16. */
  size?: number;
  /** Adam steps. Default 40. */
  steps?: number;
  /** Images per step. Default 32. */
  batch?: number;
  /** Seed of weights and batch order. Default 0. */
  seed?: number;
}

/** Writes `count` synthetic grayscale PNGs into `folder/<class>/`; returns the folder. */
export async function writeSyntheticFolder(folder: string, count = 128, size = 16): Promise<string> {
  const data = syntheticDataset({ count, height: size, width: size, classes: 4, seed: 3 });
  const per = size * size;
  for (let i = 0; i < data.count; i++) {
    const dir = path.join(folder, `class-${data.labels[i]}`);
    fs.mkdirSync(dir, { recursive: true });
    await sharp(Buffer.from(data.images.subarray(i * per, (i + 1) * per)), { raw: { width: size, height: size, channels: 1 } })
      .png()
      .toFile(path.join(dir, `${String(i).padStart(4, '0')}.png`));
  }
  return folder;
}

/** Trains DIM on the images under `folder`; returns the metrics of every step. */
export async function trainDimOnFolder(folder: string, options: DimFolderOptions = {}): Promise<Array<Record<string, number>>> {
  const { size = 16, steps = 40, batch = 32, seed = 0 } = options;
  await initEngine({ backend: 'wasm', log: null });
  const data = await loadImageFolder(folder, { size, channels: 1 });
  const objective = buildObjective({
    kind: 'dim',
    inputShape: [size, size, 1],
    encoder: { kind: 'dcgan', filters: [16, 32], fc: [64], codeSize: 16 },
    estimator: 'jsd',
    alpha: 0.5,
    beta: 1,
    headUnits: 32,
    globalHidden: [32],
    seed,
  });
  const optimizer = tf.train.adam(1e-3);
  const history: Array<Record<string, number>> = [];
  for await (const b of batchStream(data, { batchSize: batch, seed, epochs: Math.ceil((steps * batch) / data.count) + 1 })) {
    if (history.length < steps) history.push(trainStep(objective, optimizer, { images: b.images }, history.length));
    tf.dispose([b.images, b.labels]);
  }
  objective.dispose();
  optimizer.dispose();
  return history;
}

if (require.main === module) {
  (async () => {
    const folder = process.argv[2] ?? (await writeSyntheticFolder(fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-folder-'))));
    const history = await trainDimOnFolder(folder);
    const mean = (k: string, from: number, to: number) => history.slice(from, to).reduce((a, m) => a + m[k], 0) / (to - from);
    const n = history.length;
    console.log(`DIM on ${folder}: ${n} steps`);
    for (const k of Object.keys(history[0]))
      console.log(`  ${k}: first 10 steps ${mean(k, 0, 10).toFixed(3)}, last 10 ${mean(k, n - 10, n).toFixed(3)}`);
    process.exit(mean('loss', n - 10, n) < mean('loss', 0, 10) ? 0 : 1);
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
