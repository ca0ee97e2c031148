/**
 * Example: compose your own objective from a view, an encoder, a critic and a bound.
 *
 * Two noisy copies of each image are encoded by the same MLP encoder; a separable
 * cosine critic scores every pair of codes in the batch, `scores [B, B]`, and InfoNCE
 * makes each image's two codes agree more than they agree with the other images'
 * (the SimCLR/CMC recipe). Runs on synthetic gratings from @infomax/data.
 *
 *   npx tsc -p examples && node examples/dist/custom-objective.js
 */
import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { syntheticDataset } from '@infomax/data';
import { buildEncoder } from '@infomax/encoders';
import { gaussianNoise, multiView } from '@infomax/views';
import { separableCritic, infoNce } from '@infomax/estimators';

/** Settings of {@link trainCustomObjective}. */
export interface CustomObjectiveOptions {
  /** Adam steps. Default 60. */
  steps?: number;
  /** Images per step. Default 32. */
  batch?: number;
  /** Seed of weights, noise and batch order. Default 0. */
  seed?: number;
}

/** Loss and MI estimate (nats, InfoNCE) per step. */
export interface CustomObjectiveRun {
  losses: number[];
  estimates: number[];
}

/** Trains the encoder and critic; returns the curve. Leaves no tensors behind. */
export async function trainCustomObjective(options: CustomObjectiveOptions = {}): Promise<CustomObjectiveRun> {
  const { steps = 60, batch = 32, seed = 0 } = options;
  await initEngine({ backend: 'wasm', log: null });
  const data = syntheticDataset({ count: 512, height: 16, width: 16, pattern: 'grating', seed });
  const rng = new Rng(seed);

  const encoder = buildEncoder({ kind: 'mlp', inputShape: [16, 16, 1], hidden: [128], codeSize: 32, seed: seed + 1 });
  const critic = separableCritic({ xDim: 32, yDim: 32, hidden: [64], embedDim: 32, cosine: true, temperature: 0.2, seed: seed + 2 });
  const variables = [...encoder.trainableVariables, ...critic.variables];
  const views = multiView([
    (x) => gaussianNoise(x, { std: 0.15, rng, clip: true }),
    (x) => gaussianNoise(x, { std: 0.15, rng, clip: true }),
  ]);
  const optimizer = tf.train.adam(1e-3);

  const run: CustomObjectiveRun = { losses: [], estimates: [] };
  const per = data.height * data.width;
  for (let s = 0; s < steps; s++) {
    const rows = rng.permutation(data.count).slice(0, batch);
    const pixels = new Float32Array(batch * per);
    rows.forEach((r, j) => {
      for (let p = 0; p < per; p++) pixels[j * per + p] = data.images[r * per + p] / 255;
    });
    const images = tf.tensor4d(pixels, [batch, 16, 16, 1]);
    let estimate: tf.Scalar | undefined;
    const loss = optimizer.minimize(
      () => {
        const [a, b] = views(images) as tf.Tensor4D[];
        const scores = critic.scores(encoder.encode(a, { training: true }).global, encoder.encode(b, { training: true }).global); // [B, B]
        const bound = infoNce(scores);
        estimate = tf.keep(bound.estimate);
        return bound.loss;
      },
      true,
      variables,
    ) as tf.Scalar;
    run.losses.push(loss.dataSync()[0]);
    run.estimates.push(estimate!.dataSync()[0]);
    tf.dispose([images, loss, estimate!]);
  }
  encoder.dispose();
  critic.dispose();
  optimizer.dispose();
  return run;
}

/** Mean of the first and of the last `k` values. */
export function ends(values: number[], k = 10): { first: number; last: number } {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return { first: mean(values.slice(0, k)), last: mean(values.slice(-k)) };
}

if (require.main === module) {
  trainCustomObjective().then(
    (run) => {
      const { first, last } = ends(run.losses);
      console.log(`InfoNCE loss: first 10 steps ${first.toFixed(3)}, last 10 steps ${last.toFixed(3)}`);
      process.exit(last < first ? 0 : 1);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
