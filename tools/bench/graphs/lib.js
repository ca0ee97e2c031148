// The pieces of the graphs benchmark: train InfoGraph on every graph of a dataset,
// embed every graph with the frozen encoder every few epochs, and score features by
// stratified k-fold cross-validation of the tuned linear probe (the trainer's; the
// paper's protocol with softmax regression in place of its SVM).
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { adam } = require('@infomax/engine');
const { graphBatchStream } = require('@infomax/data');
const { buildObjective, trainStep } = require('@infomax/objectives');
const { crossValidatedProbe, embedGraphs } = require('../../../apps/trainer/dist/graph-evaluation');

/** The shipped TU datasets: INFOMAX_TU_DIR, else the first shared/datasets/tu above the working folder. */
function findTuDatasets() {
  if (process.env.INFOMAX_TU_DIR) return process.env.INFOMAX_TU_DIR;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'datasets', 'tu');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir)
      throw new Error('no shared/datasets/tu above the working folder: pass --data <dir> or set INFOMAX_TU_DIR');
  }
}

/**
 * Builds InfoGraph with `seed`, embeds every graph at initialisation (the random-init
 * baseline), trains `epochs` over the whole dataset (unsupervised, as the paper does), and
 * embeds every graph after every `evalEvery`-th epoch and the last. Returns the
 * embeddings by epoch (0: at initialisation), the training seconds (embedding excluded)
 * and the loss / MI estimate of each epoch.
 */
async function trainInfograph(dataset, o) {
  const objective = buildObjective({
    kind: 'infograph',
    featureSize: dataset.featureSize,
    encoder: { kind: 'gin', hidden: o.hidden, layers: o.layers },
    temperature: o.temperature,
    seed: o.seed,
  });
  const embeddings = new Map([[0, await embedGraphs(objective, dataset)]]);
  const optimizer = adam(o.lr);
  const curve = [];
  let trainMs = 0;
  let step = 0;
  let sum = { loss: 0, mi: 0, n: 0, epoch: 0 };
  const endEpoch = async () => {
    const epoch = sum.epoch + 1;
    curve.push({ epoch, loss: sum.loss / sum.n, mi: sum.mi / sum.n });
    if (epoch % o.evalEvery === 0 || epoch === o.epochs) embeddings.set(epoch, await embedGraphs(objective, dataset));
  };
  // A last batch of one graph has no negative: dropped, as a batch of 128 from 188 graphs never is.
  const dropLast = dataset.count % o.batchSize === 1;
  for (const batch of graphBatchStream(dataset, { batchSize: o.batchSize, seed: o.seed, epochs: o.epochs, dropLast })) {
    if (batch.epoch !== sum.epoch) {
      await endEpoch();
      sum = { loss: 0, mi: 0, n: 0, epoch: batch.epoch };
    }
    const t0 = performance.now();
    const m = trainStep(objective, optimizer, batch, step++);
    trainMs += performance.now() - t0;
    tf.dispose(batch);
    sum.loss += m.loss;
    sum.mi += m.mi_local;
    sum.n++;
  }
  await endEpoch();
  optimizer.dispose();
  objective.dispose();
  return { embeddings, trainSeconds: trainMs / 1000, steps: step, curve, config: objective.config };
}

/** The trainer's cross-validated probe with the bench's options: `{ mean, foldSd, folds }`. */
async function crossValidate(features, dim, labels, classes, o) {
  const cv = await crossValidatedProbe({
    features,
    dim,
    labels,
    classes,
    folds: o.folds,
    innerFolds: o.innerFolds,
    probeEpochs: o.probeEpochs,
    weightDecays: o.weightDecays,
    seed: o.seed,
  });
  return {
    mean: cv.accuracy,
    foldSd: cv.foldSd,
    folds: cv.folds.map(({ testAccuracy, validationAccuracy, weightDecay }) => ({ testAccuracy, validationAccuracy, weightDecay })),
  };
}

/**
 * Three ways to pick the epoch from the cross-validations of several epochs (`byEpoch`:
 * epoch → result of {@link crossValidate}, same folds):
 * - `last`: the last epoch (a fixed budget);
 * - `validation`: in each fold, the epoch whose chosen probe scored best on the inner
 *   validation rows of that fold's training part (ties: the later epoch), then that epoch's
 *   test accuracy on the fold — nested, the test fold never consulted;
 * - `bestOnTest`: the epoch with the best mean test accuracy (the paper's way: chosen on the test folds).
 */
function chooseEpochs(byEpoch) {
  const epochs = [...byEpoch.keys()].sort((a, b) => a - b);
  const last = byEpoch.get(epochs.at(-1));
  const k = last.folds.length;
  const chosen = [];
  const accuracies = [];
  for (let f = 0; f < k; f++) {
    let best = epochs[0];
    for (const e of epochs) if (byEpoch.get(e).folds[f].validationAccuracy >= byEpoch.get(best).folds[f].validationAccuracy) best = e;
    chosen.push(best);
    accuracies.push(byEpoch.get(best).folds[f].testAccuracy);
  }
  const v = meanSd(accuracies);
  const bestEpoch = epochs.reduce((a, e) => (byEpoch.get(e).mean > byEpoch.get(a).mean ? e : a));
  const b = byEpoch.get(bestEpoch);
  return {
    last: { mean: last.mean, foldSd: last.foldSd },
    validation: { mean: v.mean, foldSd: v.sd, epochs: chosen },
    bestOnTest: { mean: b.mean, foldSd: b.foldSd, epoch: bestEpoch },
  };
}

/** Mean and sample standard deviation. */
function meanSd(values) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}

module.exports = { findTuDatasets, trainInfograph, crossValidate, chooseEpochs, meanSd };
