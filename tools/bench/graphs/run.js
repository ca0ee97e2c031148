#!/usr/bin/env node
// The graphs benchmark: InfoGraph (Sun et al. 2020) trained on each TU dataset, its frozen
// graph embeddings scored by 10-fold stratified cross-validation of the tuned linear probe,
// beside the same GIN at its random initialisation (same seed) and the node-label
// histogram (sum of one-hot node features: atom counts, or degree counts for IMDB).
// One dataset at a time; each writes out/<dataset>.json, then the markdown fragment
// docs/results/graphs.md is written from every out/*.json present.
//
// Build first: npm run build
// Usage: node tools/bench/graphs/run.js [--datasets MUTAG,PTC_MR,IMDB-BINARY,IMDB-MULTI,NCI1]
//   [--seeds 3] [--first-seed 0] [--epochs 20] [--batch 128] [--lr 0.01] [--layers 5] [--hidden 32] [--temperature 1]
//   [--probe-epochs 100] [--inner-folds 5 (0: a held-out 10%)] [--data <tu dir>] [--backend wasm] [--report-only]
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { initEngine } = require('@infomax/engine');
const { featureHistogram, loadTuDataset } = require('@infomax/data');
const { findTuDatasets, trainInfograph, crossValidate, meanSd } = require('./lib');
const { writeReport } = require('./report');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const OUT = path.join(__dirname, 'out');
const FILES = { MUTAG: 'MUTAG', PTC_MR: 'PTC_MR', NCI1: 'NCI1', NCI109: 'NCI109', PROTEINS: 'PROTEINS_full', 'IMDB-BINARY': 'IMDB-BINARY.zip', 'IMDB-MULTI': 'IMDB-MULTI.zip' };
const options = {
  datasets: arg('datasets', 'MUTAG,PTC_MR,IMDB-BINARY,IMDB-MULTI,NCI1').split(','),
  seeds: Number(arg('seeds', 3)),
  firstSeed: Number(arg('first-seed', 0)),
  epochs: Number(arg('epochs', 20)),
  batchSize: Number(arg('batch', 128)),
  lr: Number(arg('lr', 0.01)),
  layers: Number(arg('layers', 5)),
  hidden: Number(arg('hidden', 32)),
  temperature: Number(arg('temperature', 1)),
  folds: 10,
  innerFolds: Number(arg('inner-folds', 5)),
  probeEpochs: Number(arg('probe-epochs', 100)),
  weightDecays: [1e-4, 1e-3, 1e-2, 1e-1, 1],
};

async function runDataset(name, backend) {
  const file = FILES[name];
  if (!file) throw new Error(`unknown dataset ${name}; known: ${Object.keys(FILES).join(', ')}`);
  const dataset = await loadTuDataset(path.join(arg('data', null) ?? findTuDatasets(), file));
  const classes = dataset.classes.length;
  const started = Date.now();
  const histogram = featureHistogram(dataset);
  const seeds = [];
  for (let seed = options.firstSeed; seed < options.firstSeed + options.seeds; seed++) {
    const run = trainInfograph(dataset, { ...options, seed });
    const cv = { ...options, seed };
    const scores = {
      infograph: await crossValidate(run.trained.features, run.trained.dim, dataset.labels, classes, cv),
      random: await crossValidate(run.random.features, run.random.dim, dataset.labels, classes, cv),
      histogram: await crossValidate(histogram, dataset.featureSize, dataset.labels, classes, cv),
    };
    seeds.push({ seed, trainSeconds: run.trainSeconds, steps: run.steps, curve: run.curve, scores });
    const pct = (s) => `${(100 * s.mean).toFixed(2)} ± ${(100 * s.foldSd).toFixed(2)}`;
    console.error(
      `${name} seed ${seed}: InfoGraph ${pct(scores.infograph)}, random-init GIN ${pct(scores.random)}, histogram ${pct(scores.histogram)}; ` +
        `${run.steps} steps in ${(run.trainSeconds / 60).toFixed(2)} min, last epoch loss ${run.curve.at(-1).loss.toFixed(3)}, MI ${run.curve.at(-1).mi.toFixed(3)}`,
    );
  }
  const summary = Object.fromEntries(['infograph', 'random', 'histogram'].map((k) => [k, meanSd(seeds.map((s) => 100 * s.scores[k].mean))]));
  const result = {
    dataset: name,
    graphs: dataset.count,
    nodes: dataset.nodeCount,
    classes,
    nodeFeatures: `${dataset.nodeFeatures} (${dataset.featureSize})`,
    options,
    backend,
    load: require('os').loadavg(),
    date: new Date().toISOString(),
    wallMinutes: (Date.now() - started) / 60000,
    trainMinutes: meanSd(seeds.map((s) => s.trainSeconds / 60)),
    summary,
    seeds,
  };
  // Seeds run later (--first-seed) go to their own file; the report merges a dataset's files.
  fs.writeFileSync(path.join(OUT, `${name}${options.firstSeed ? `-from-seed-${options.firstSeed}` : ''}.json`), JSON.stringify(result, null, 1));
  return result;
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  if (!process.argv.includes('--report-only')) {
    const info = await initEngine({ backend: arg('backend', 'wasm'), log: null });
    for (const name of options.datasets) {
      const r = await runDataset(name, info.backend);
      const f = (s) => `${s.mean.toFixed(2)} ± ${s.sd.toFixed(2)}`;
      console.log(`| ${name} | ${f(r.summary.infograph)} | ${f(r.summary.random)} | ${f(r.summary.histogram)} | ${r.trainMinutes.mean.toFixed(2)} |`);
      if (tf.memory().numTensors > 50) console.error(`warning: ${tf.memory().numTensors} tensors alive after ${name}`);
    }
  }
  const written = writeReport(OUT);
  console.error(`wrote ${written}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
