/**
 * Trains a critic with a bound on minibatches of (x, y) pairs and reads MI
 * estimates: the engine of `infomax estimate`.
 */
import * as tf from '@tensorflow/tfjs';
import { adam, type Rng } from '@infomax/engine';
import { bilinearCritic, concatCritic, dv, infoNce, jsd, nwj, separableCritic, smile, type BoundResult, type Critic } from '@infomax/estimators';

/** Bounds `estimate` offers, declared once. */
export const ESTIMATE_BOUNDS = ['dv', 'nwj', 'infonce', 'jsd', 'smile'] as const;
/** One of {@link ESTIMATE_BOUNDS}. */
export type EstimateBound = (typeof ESTIMATE_BOUNDS)[number];
/** Critics `estimate` offers. */
export const ESTIMATE_CRITICS = ['separable', 'bilinear', 'concat'] as const;
/** One of {@link ESTIMATE_CRITICS}. */
export type EstimateCritic = (typeof ESTIMATE_CRITICS)[number];

/** A minibatch of pairs: x `[B, dx]`, y `[B, dy]`, row-major. */
export interface PairBatch {
  x: Float32Array;
  y: Float32Array;
  size: number;
}

/** Options of {@link fitCritic}. */
export interface FitOptions {
  dx: number;
  dy: number;
  bound: EstimateBound;
  critic: EstimateCritic;
  steps: number;
  learningRate: number;
  seed: number;
  /** Draws the next training batch. */
  sample: (rng: Rng) => PairBatch;
  rng: Rng;
}

/** The bound's MI estimate (nats) and training loss for scores `[B, B]`. JSD trains with JSD and reports NWJ (its usual pairing). */
function bound(kind: EstimateBound, scores: tf.Tensor2D): BoundResult {
  switch (kind) {
    case 'dv':
      return dv(scores);
    case 'nwj':
      return nwj(scores);
    case 'infonce':
      return infoNce(scores);
    case 'jsd':
      return jsd(scores, { report: 'nwj' });
    case 'smile':
      return smile(scores);
  }
}

function makeCritic(kind: EstimateCritic, dx: number, dy: number, seed: number): Critic {
  switch (kind) {
    case 'separable':
      return separableCritic({ xDim: dx, yDim: dy, hidden: [256], embedDim: 32, seed });
    case 'bilinear':
      return bilinearCritic({ xDim: dx, yDim: dy, seed });
    case 'concat':
      return concatCritic({ xDim: dx, yDim: dy, hidden: [256, 256], seed });
  }
}

/** A trained critic with a way to score batches. */
export interface FittedCritic {
  /** Estimate per training step (nats). */
  trace: number[];
  /** The MI estimate on a batch (nats). */
  estimate(batch: PairBatch): Promise<number>;
  dispose(): void;
}

/**
 * Trains a critic with Adam for `steps` batches.
 * @example
 * const fit = await fitCritic({ dx: 1, dy: 1, bound: 'nwj', critic: 'separable', steps: 500, learningRate: 5e-4, seed: 0, sample, rng });
 */
export async function fitCritic(o: FitOptions): Promise<FittedCritic> {
  const critic = makeCritic(o.critic, o.dx, o.dy, o.seed);
  const optimizer = adam(o.learningRate);
  const trace: number[] = [];
  const tensors = (b: PairBatch) => [tf.tensor2d(b.x, [b.size, o.dx]), tf.tensor2d(b.y, [b.size, o.dy])] as const;
  for (let step = 0; step < o.steps; step++) {
    const batch = o.sample(o.rng);
    const [x, y] = tensors(batch);
    let estimate: tf.Scalar | null = null;
    optimizer.minimize(() => {
      const r = bound(o.bound, critic.scores(x, y));
      // Kept past minimize's scope to be read after the update, then freed here.
      estimate = tf.keep(r.estimate);
      return r.loss;
    }, false, critic.variables);
    const kept = estimate as unknown as tf.Scalar;
    // Read back asynchronously: the one read that works on every backend (webgpu too).
    const value = (await kept.data())[0];
    tf.dispose([kept, x, y]);
    trace.push(value);
  }
  return {
    trace,
    estimate: async (b) => {
      const value = tf.tidy(() => {
        const [x, y] = tensors(b);
        return bound(o.bound, critic.scores(x, y)).estimate;
      });
      const [v] = await value.data();
      value.dispose();
      return v;
    },
    dispose: () => {
      critic.dispose();
      optimizer.dispose();
    },
  };
}
