// Shared pieces of the representations benchmark: loading a dataset the way the
// trainer does, reading several encoder outputs in one forward pass, probing them,
// and writing a job's result atomically.
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { linearProbe, tunedLinearProbe } = require('@infomax/eval');
const { writeFileAtomic } = require('@infomax/engine');
const { loadData } = require('../../../apps/trainer/dist/datasets');
const { resolveConfig } = require('../../../apps/trainer/dist/config');

/** `{ train, test, classes }` of a dataset entry: the trainer's config resolution and loader (same split, same order). */
function loadSplits(entry, seed = 0) {
  const data = Object.fromEntries(['dataset', 'path', 'trainLimit', 'testLimit'].filter((k) => entry[k] != null).map((k) => [k, entry[k]]));
  return loadData(resolveConfig({ data }).data, seed);
}

/** An image batch `[n, h, w, c]` in [0, 1] from rows `first … first+n` of a dataset. */
function imageBatch(data, first, n) {
  const pixels = data.height * data.width * data.channels;
  const raw = data.images.subarray(first * pixels, (first + n) * pixels);
  return tf.tidy(() => tf.tensor4d(Float32Array.from(raw), [n, data.height, data.width, data.channels]).div(255));
}

/**
 * Every output in `layers` for every image of `data`, from one forward pass per batch.
 * @param predict (x [n,h,w,c]) → { [layer]: tf.Tensor [n, ...] }, called inside tf.tidy
 * @returns { [layer]: { features: Float32Array [count, dim], dim } }
 */
function extractLayers(predict, data, layers, batchSize = 250) {
  const out = {};
  for (let first = 0; first < data.count; first += batchSize) {
    const n = Math.min(batchSize, data.count - first);
    const flat = tf.tidy(() => {
      const x = imageBatch(data, first, n);
      const taps = predict(x);
      return layers.map((l) => taps[l].reshape([n, -1]));
    });
    layers.forEach((l, i) => {
      const values = flat[i].dataSync();
      const dim = values.length / n;
      if (!out[l]) out[l] = { features: new Float32Array(data.count * dim), dim };
      out[l].features.set(values, first * dim);
    });
    tf.dispose(flat);
  }
  return out;
}

/**
 * Linear probe (softmax regression on standardised features, Adam, the eval package's
 * defaults) of each layer; test and train accuracy in percent. `probe` is the config's
 * protocol: `{ epochs }` fits at the probe's default L2 penalty (1e-4); with
 * `weightDecays` the penalty is chosen per layer on a held-out `validationFraction` of
 * the training split, or by `folds`-fold cross-validation on it (`tunedLinearProbe`).
 */
async function probeLayers(predict, splits, layers, probe, seed) {
  const result = {};
  const tr = extractLayers(predict, splits.train, layers);
  const te = extractLayers(predict, splits.test, layers);
  for (const l of layers) {
    const t0 = performance.now();
    const options = {
      trainFeatures: tr[l].features,
      trainLabels: splits.train.labels,
      testFeatures: te[l].features,
      testLabels: splits.test.labels,
      dim: tr[l].dim,
      classes: splits.classes.length,
      epochs: probe.epochs,
      seed,
    };
    const p = probe.weightDecays
      ? await tunedLinearProbe({
          ...options,
          weightDecays: probe.weightDecays,
          validationFraction: probe.validationFraction,
          folds: probe.folds,
        })
      : await linearProbe(options);
    result[l] = { dim: tr[l].dim, test: 100 * p.testAccuracy, train: 100 * p.trainAccuracy, seconds: (performance.now() - t0) / 1000 };
    if (p.validation) Object.assign(result[l], { weightDecay: p.weightDecay, validation: p.validation });
    delete tr[l];
    delete te[l];
    const chosen = p.validation
      ? ` (weight decay ${p.weightDecay}: validation ${p.validation.map((v) => `${v.weightDecay} → ${(100 * v.accuracy).toFixed(2)}`).join(', ')})`
      : '';
    console.error(`  probe ${l} (${result[l].dim}-d): ${result[l].test.toFixed(2)}% test, ${result[l].train.toFixed(2)}% train${chosen}`);
  }
  return result;
}

/** Writes JSON atomically (the engine's writeFileAtomic), so a killed job leaves no half result. */
function writeJsonAtomic(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Mean of the numeric fields over the last `n` metric records. */
function tailMeans(records, n) {
  const tail = records.slice(-n);
  const sums = {};
  for (const r of tail) for (const [k, v] of Object.entries(r)) if (Number.isFinite(v)) sums[k] = (sums[k] ?? 0) + v / tail.length;
  return sums;
}

module.exports = { loadSplits, imageBatch, extractLayers, probeLayers, writeJsonAtomic, tailMeans };
