// One run of the staircase: a fresh critic trained with one estimator through every
// MI stage, on batches drawn from a seeded generator (the same batches for every run
// with the same seed). Returns the estimate of every step.
const tf = require('@tensorflow/tfjs');
const { Rng } = require('@infomax/engine');
const E = require('@infomax/estimators');

const DIM = 20;
const BATCH = 64;
const STAGES = [2, 4, 6, 8, 10];

/**
 * Each estimator: the bound to train with (scores → { estimate, loss }) and any
 * extra trainable variables (the interpolated bound's learned log-baseline).
 */
const ESTIMATORS = {
  infoNce: { label: 'InfoNCE (CPC)', make: () => ({ bound: (s) => E.infoNce(s) }) },
  nwj: { label: 'NWJ', make: () => ({ bound: (s) => E.nwj(s) }) },
  'jsd-nwj': { label: 'JS-trained, NWJ read', make: () => ({ bound: (s) => E.jsd(s, { report: 'nwj' }) }) },
  dv: { label: 'DV', make: () => ({ bound: (s) => E.dv(s) }) },
  mine: {
    label: 'MINE (decay 0.9)',
    make: () => {
      const mine = new E.Mine({ decay: 0.9 });
      return { bound: (s) => mine.bound(s), dispose: () => mine.dispose() };
    },
  },
  smile: { label: 'SMILE τ=5 (JS-trained)', make: () => ({ bound: (s) => E.smile(s, { clip: 5 }) }) },
  interpolated: {
    label: 'I_α α=0.01',
    make: () => {
      // A learned constant log-baseline; the bound broadcasts it to every row.
      const logBaseline = tf.variable(tf.scalar(0));
      return {
        bound: (s) => E.interpolated(s, { alpha: 0.01, logBaseline: tf.add(tf.zeros([s.shape[0]]), logBaseline) }),
        variables: [logBaseline],
        dispose: () => logBaseline.dispose(),
      };
    },
  },
};

const CRITICS = {
  separable: (seed) => E.separableCritic({ xDim: DIM, yDim: DIM, hidden: [256, 256], embedDim: 32, seed }),
  concat: (seed) => E.concatCritic({ xDim: DIM, yDim: DIM, hidden: [256, 256], seed }),
};

/** A batch of the correlated Gaussian from the seeded generator: [x, y], each [BATCH, DIM]. */
function gaussianBatch(rng, rho) {
  return tf.tidy(() => {
    const xs = tf.randomNormal([BATCH, DIM], 0, 1, 'float32', rng.tfSeed());
    const noise = tf.randomNormal([BATCH, DIM], 0, 1, 'float32', rng.tfSeed());
    return [xs, tf.add(tf.mul(rho, xs), tf.mul(Math.sqrt(1 - rho * rho), noise))];
  });
}

/** Trains one critic/estimator pair through the staircase; returns { estimates: Float64Array, msPerStep }. */
function trainOne(criticName, estimatorName, stepsPerStage, seed, stages = STAGES) {
  const critic = CRITICS[criticName](seed + 1);
  const estimator = ESTIMATORS[estimatorName].make();
  const variables = [...critic.variables, ...(estimator.variables ?? [])];
  const optimizer = tf.train.adam(5e-4);
  const rng = new Rng(seed);
  const estimates = new Float64Array(stages.length * stepsPerStage);
  const t0 = performance.now();
  let step = 0;
  for (const mi of stages) {
    const rho = E.rhoForMi(mi, DIM);
    for (let s = 0; s < stepsPerStage; s++, step++) {
      const [x, y] = gaussianBatch(rng, rho);
      optimizer.minimize(
        () => {
          const r = estimator.bound(critic.scores(x, y));
          estimates[step] = r.estimate.dataSync()[0];
          return r.loss;
        },
        false,
        variables,
      );
      tf.dispose([x, y]);
    }
  }
  const msPerStep = (performance.now() - t0) / estimates.length;
  optimizer.dispose();
  estimator.dispose?.();
  critic.dispose();
  return { estimates, msPerStep };
}

/**
 * The same estimator with the optimal critic (the true log-ratio; plus 1 for NWJ, whose
 * optimum is shifted) on `batches` fresh batches per stage: what a perfectly trained
 * critic would give at batch 64, separating the bound's own bias and variance from
 * the critic's training. MINE's estimate is DV's; the JS-trained NWJ reading of the
 * JSD optimum (the log-ratio) is NWJ's optimum.
 */
function oracleEstimates(estimatorName, stages, batches, seed) {
  const rng = new Rng(seed + 7919);
  const read = (r) => {
    const v = r.estimate.dataSync()[0];
    tf.dispose([r.estimate, r.loss]);
    return v;
  };
  const bound = {
    infoNce: (lr) => read(E.infoNce(lr)),
    nwj: (lr) => read(E.nwj(tf.add(lr, 1))),
    'jsd-nwj': (lr) => read(E.jsd(lr, { report: 'nwj' })),
    dv: (lr) => read(E.dv(lr)),
    mine: (lr) => read(E.dv(lr)),
    smile: (lr) => read(E.smile(lr, { clip: 5 })),
    interpolated: (lr) => read(E.interpolated(lr, { alpha: 0.01 })),
  }[estimatorName];
  return stages.map((mi) => {
    const rho = E.rhoForMi(mi, DIM);
    const values = new Float64Array(batches);
    for (let i = 0; i < batches; i++) {
      values[i] = tf.tidy(() => {
        const [x, y] = gaussianBatch(rng, rho);
        return bound(E.gaussianLogRatio(x, y, rho));
      });
    }
    return values;
  });
}

module.exports = { trainOne, oracleEstimates, ESTIMATORS, CRITICS, STAGES, DIM, BATCH };
