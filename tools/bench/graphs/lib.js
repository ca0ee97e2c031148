// The pieces of the graphs benchmark: train InfoGraph on every graph of a dataset,
// embed every graph with the frozen encoder, and score features by stratified k-fold
// cross-validation of the tuned linear probe (the paper's protocol with softmax
// regression in place of its SVM).
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { adam } = require('@infomax/engine');
const { graphBatchStream, stratifiedFolds } = require('@infomax/data');
const { buildObjective, trainStep } = require('@infomax/objectives');
const { tunedLinearProbe } = require('@infomax/eval');

/** The shipped TU datasets: INFOMAX_TU_DIR, else the first shared/datasets/tu above the working folder. */
function findTuDatasets() {
  if (process.env.INFOMAX_TU_DIR) return process.env.INFOMAX_TU_DIR;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'datasets', 'tu');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error('no shared/datasets/tu above the working folder: pass --data <dir> or set INFOMAX_TU_DIR');
  }
}

/** Every graph's embedding, in dataset order: `[count, dim]` row-major. */
function embedAll(objective, dataset, batchSize = 512) {
  const rows = [];
  let dim = 0;
  for (const batch of graphBatchStream(dataset, { batchSize, shuffle: false })) {
    const e = objective.embed(batch);
    dim = e.shape[1];
    rows.push(e.dataSync().slice());
    tf.dispose([e, batch]);
  }
  const out = new Float32Array(dataset.count * dim);
  let at = 0;
  for (const r of rows) {
    out.set(r, at);
    at += r.length;
  }
  return { features: out, dim };
}

/**
 * Builds InfoGraph with `seed`, embeds every graph at initialisation (the random-init
 * baseline), trains `epochs` over the whole dataset (unsupervised, as the paper does),
 * and embeds every graph again. Returns both feature sets, the training seconds and the
 * loss / MI estimate of each epoch.
 */
function trainInfograph(dataset, o) {
  const objective = buildObjective({
    kind: 'infograph',
    featureSize: dataset.featureSize,
    encoder: { kind: 'gin', hidden: o.hidden, layers: o.layers },
    temperature: o.temperature,
    seed: o.seed,
  });
  const random = embedAll(objective, dataset);
  const optimizer = adam(o.lr);
  const curve = [];
  const start = performance.now();
  let step = 0;
  let sum = { loss: 0, mi: 0, n: 0, epoch: 0 };
  // A last batch of one graph has no negative: dropped, as a batch of 128 from 188 graphs never is.
  const dropLast = dataset.count % o.batchSize === 1;
  for (const batch of graphBatchStream(dataset, { batchSize: o.batchSize, seed: o.seed, epochs: o.epochs, dropLast })) {
    if (batch.epoch !== sum.epoch) {
      curve.push({ epoch: sum.epoch + 1, loss: sum.loss / sum.n, mi: sum.mi / sum.n });
      sum = { loss: 0, mi: 0, n: 0, epoch: batch.epoch };
    }
    const m = trainStep(objective, optimizer, batch, step++);
    tf.dispose(batch);
    if (!Number.isFinite(m.loss)) throw new Error(`${dataset.name} seed ${o.seed}: loss ${m.loss} at step ${step}`);
    sum.loss += m.loss;
    sum.mi += m.mi_local;
    sum.n++;
  }
  curve.push({ epoch: sum.epoch + 1, loss: sum.loss / sum.n, mi: sum.mi / sum.n });
  const trainSeconds = (performance.now() - start) / 1000;
  const trained = embedAll(objective, dataset);
  optimizer.dispose();
  objective.dispose();
  return { random, trained, trainSeconds, steps: step, curve, config: objective.config };
}

function rows(features, dim, indices) {
  const out = new Float32Array(indices.length * dim);
  indices.forEach((r, i) => out.set(features.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

/**
 * Mean test accuracy over stratified folds: in each, the tuned linear probe chooses its
 * L2 penalty by `innerFolds`-fold cross-validation on the training part only (0: on a
 * held-out 10% of it), refits there, and scores the held-out part.
 */
async function crossValidate(features, dim, labels, classes, o) {
  const accuracies = [];
  const penalties = [];
  for (const { train, test } of stratifiedFolds(labels, { folds: o.folds, seed: o.seed })) {
    const r = await tunedLinearProbe({
      trainFeatures: rows(features, dim, train),
      trainLabels: Int32Array.from(train, (i) => labels[i]),
      testFeatures: rows(features, dim, test),
      testLabels: Int32Array.from(test, (i) => labels[i]),
      dim,
      classes,
      epochs: o.probeEpochs,
      // 0 inner folds: one held-out 10% of the training part chooses the penalty (large datasets).
      ...(o.innerFolds > 0 ? { folds: o.innerFolds } : { validationFraction: 0.1 }),
      weightDecays: o.weightDecays,
      seed: o.seed,
    });
    accuracies.push(r.testAccuracy);
    penalties.push(r.weightDecay);
  }
  const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
  const sd = Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / (accuracies.length - 1));
  return { mean, foldSd: sd, accuracies, penalties };
}

/** Mean and sample standard deviation. */
function meanSd(values) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}

module.exports = { findTuDatasets, embedAll, trainInfograph, crossValidate, meanSd };
