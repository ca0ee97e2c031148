/**
 * Trains a critic with a bound on minibatches of (x, y) pairs and reads MI
 * estimates: the engine of `infomax estimate`.
 */
import * as tf from '@tensorflow/tfjs';
import { adam, type Rng } from '@infomax/engine';
import { BOUND_KINDS, bilinearCritic, concatCritic, NamedBound, separableCritic, type BoundKind, type Critic } from '@infomax/estimators';

/** Bounds `estimate` offers: every bound of @infomax/estimators (MINE, TUBA and I_α with a constant baseline). */
export const ESTIMATE_BOUNDS = BOUND_KINDS;
/** One of {@link ESTIMATE_BOUNDS}. */
export type EstimateBound = BoundKind;
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
  // One bound for the whole fit: MINE's moving average runs across its steps.
  const bound = new NamedBound(o.bound, 'estimate');
  const optimizer = adam(o.learningRate);
  const trace: number[] = [];
  const tensors = (b: PairBatch) => [tf.tensor2d(b.x, [b.size, o.dx]), tf.tensor2d(b.y, [b.size, o.dy])] as const;
  for (let step = 0; step < o.steps; step++) {
    const batch = o.sample(o.rng);
    const [x, y] = tensors(batch);
    let estimate: tf.Scalar | null = null;
    optimizer.minimize(
      () => {
        const r = bound.apply(critic.scores(x, y));
        // Kept past minimize's scope to be read after the update, then freed here.
        estimate = tf.keep(r.estimate);
        return r.loss;
      },
      false,
      critic.variables,
    );
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
        const r = bound.apply(critic.scores(x, y), {}, { training: false });
        r.loss.dispose();
        return r.estimate;
      });
      const [v] = await value.data();
      value.dispose();
      return v;
    },
    dispose: () => {
      critic.dispose();
      bound.dispose();
      optimizer.dispose();
    },
  };
}
