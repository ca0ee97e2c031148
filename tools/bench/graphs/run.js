#!/usr/bin/env node
// The graphs benchmark: InfoGraph (Sun et al. 2020) trained on each TU dataset, its frozen
// graph embeddings scored every few epochs by 10-fold stratified cross-validation of the
// tuned linear probe, beside the same GIN at its random initialisation (same seed) and the
// node-label histogram (sum of one-hot node features: atom counts, or degree counts for IMDB).
// Three epochs are reported: the last; the one chosen in each fold on validation rows inside
// its training part (nested); and, labelled, the best on the test folds (the paper's way).
// One dataset at a time; each writes out/<dataset>.json, then the markdown fragment
// docs/results/graphs.md is written from every out/*.json present.
//
// Build first: npm run build
// Usage: node tools/bench/graphs/run.js [--datasets MUTAG,PTC_MR,IMDB-BINARY,IMDB-MULTI,NCI1]
//   [--seeds 3] [--first-seed 0] [--epochs 20] [--batch 128] [--lr 0.01] [--layers 5] [--hidden 32] [--temperature 1]
//   [--eval-every 4] [--probe-epochs 100] [--inner-folds 5 (0: a held-out 10%)] [--data <tu dir>] [--backend wasm]
//   [--export (every scored embedding to out/embeddings/, for svc-reference.py)] [--report-only]
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { initEngine } = require('@infomax/engine');
const { featureHistogram, loadTuDataset } = require('@infomax/data');
const { findTuDatasets, trainInfograph, crossValidate, chooseEpochs, meanSd } = require('./lib');
const { writeReport } = require('./report');
const { GRAPH_PROBE_WEIGHT_DECAYS } = require('../../../apps/trainer/dist/graph-evaluation');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const OUT = path.join(__dirname, 'out');
const FILES = {
  MUTAG: 'MUTAG',
  PTC_MR: 'PTC_MR',
  NCI1: 'NCI1',
  NCI109: 'NCI109',
  PROTEINS: 'PROTEINS_full',
  'IMDB-BINARY': 'IMDB-BINARY.zip',
  'IMDB-MULTI': 'IMDB-MULTI.zip',
};
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
  evalEvery: Number(arg('eval-every', 4)),
  folds: 10,
  innerFolds: Number(arg('inner-folds', 5)),
  probeEpochs: Number(arg('probe-epochs', 100)),
  weightDecays: [...GRAPH_PROBE_WEIGHT_DECAYS],
};
const KEYS = ['infograph', 'validation', 'bestOnTest', 'random', 'histogram'];

async function runDataset(name, backend) {
  const file = FILES[name];
  if (!file) throw new Error(`unknown dataset ${name}; known: ${Object.keys(FILES).join(', ')}`);
  const dataset = await loadTuDataset(path.join(arg('data', null) ?? findTuDatasets(), file));
  const classes = dataset.classes.length;
  const started = Date.now();
  const histogram = featureHistogram(dataset);
  const seeds = [];
  for (let seed = options.firstSeed; seed < options.firstSeed + options.seeds; seed++) {
    const run = await trainInfograph(dataset, { ...options, seed });
    const cv = { ...options, seed };
    const byEpoch = new Map();
    for (const [epoch, e] of run.embeddings)
      if (epoch > 0) byEpoch.set(epoch, await crossValidate(e.features, e.dim, dataset.labels, classes, cv));
    const chosen = chooseEpochs(byEpoch);
    const random = run.embeddings.get(0);
    const scores = {
      infograph: chosen.last,
      validation: chosen.validation,
      bestOnTest: chosen.bestOnTest,
      random: await crossValidate(random.features, random.dim, dataset.labels, classes, cv),
      histogram: await crossValidate(histogram, dataset.featureSize, dataset.labels, classes, cv),
    };
    if (process.argv.includes('--export')) exportEmbeddings(name, seed, dataset, run.embeddings);
    const byEpochMeans = [...byEpoch].map(([epoch, r]) => ({ epoch, mean: r.mean }));
    seeds.push({ seed, trainSeconds: run.trainSeconds, steps: run.steps, curve: run.curve, scores, byEpoch: byEpochMeans });
    const pct = (s) => `${(100 * s.mean).toFixed(2)} ± ${(100 * s.foldSd).toFixed(2)}`;
    console.error(
      `${name} seed ${seed}: InfoGraph last ${pct(scores.infograph)}, validation-chosen ${pct(scores.validation)} (epochs ${scores.validation.epochs.join(' ')}), ` +
        `best on test (epoch ${scores.bestOnTest.epoch}) ${pct(scores.bestOnTest)}, random-init GIN ${pct(scores.random)}, histogram ${pct(scores.histogram)}; ` +
        `${run.steps} steps in ${(run.trainSeconds / 60).toFixed(2)} min, last epoch loss ${run.curve.at(-1).loss.toFixed(3)}, MI ${run.curve.at(-1).mi.toFixed(3)}`,
    );
  }
  const summary = Object.fromEntries(KEYS.map((k) => [k, meanSd(seeds.map((s) => 100 * s.scores[k].mean))]));
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
  fs.writeFileSync(
    path.join(OUT, `${name}${options.firstSeed ? `-from-seed-${options.firstSeed}` : ''}.json`),
    JSON.stringify(result, null, 1),
  );
  return result;
}

/** Every scored embedding of one seed (epoch 0: random init), with the labels, for the scikit-learn SVC reference. */
function exportEmbeddings(name, seed, dataset, embeddings) {
  const dir = path.join(OUT, 'embeddings');
  fs.mkdirSync(dir, { recursive: true });
  const epochs = Object.fromEntries([...embeddings].map(([e, { features, dim }]) => [e, { dim, features: Array.from(features) }]));
  fs.writeFileSync(
    path.join(dir, `${name}-seed-${seed}.json`),
    JSON.stringify({ dataset: name, seed, folds: options.folds, labels: Array.from(dataset.labels), epochs }),
  );
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  if (!process.argv.includes('--report-only')) {
    const info = await initEngine({ backend: arg('backend', 'wasm'), log: null });
    for (const name of options.datasets) {
      const r = await runDataset(name, info.backend);
      const f = (s) => `${s.mean.toFixed(2)} ± ${s.sd.toFixed(2)}`;
      console.log(`| ${name} | ${KEYS.map((k) => f(r.summary[k])).join(' | ')} | ${r.trainMinutes.mean.toFixed(2)} |`);
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
