// The job list of the representations benchmark, derived from config.json: one entry
// per (dataset, method, seed) run, per random-init baseline, per supervised and
// raw-pixel baseline, and per cell of the halves critic × bound grid.
const fs = require('fs');
const path = require('path');

const CONFIG = path.join(__dirname, 'config.json');

/** config.json, or the file INFOMAX_REPRESENTATIONS_CONFIG names (run.js --config). */
function loadConfig(file = process.env.INFOMAX_REPRESENTATIONS_CONFIG ?? CONFIG) {
  let cfg;
  try {
    cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not readable JSON (${e.message})`);
  }
  for (const key of ['backend', 'batchSize', 'learningRate', 'probeEpochs', 'datasets', 'headlineSeeds', 'methods', 'defaultDatasets', 'supervised', 'halves']) {
    if (cfg[key] === undefined) throw new Error(`${file}: missing key '${key}'`);
  }
  for (const m of cfg.methods) {
    for (const d of m.datasets ?? cfg.defaultDatasets) {
      if (!cfg.datasets[d]) throw new Error(`${file}: method '${m.id}' names dataset '${d}', which 'datasets' lacks`);
    }
  }
  return cfg;
}

/**
 * Every job, in the order they are worth running: every method and baseline at seed 0
 * first, the further headline seeds last.
 */
function jobsOf(cfg) {
  const jobs = [];
  const datasets = Object.keys(cfg.datasets);
  // A headline method runs every headline seed, unless its dataset lists its own `seeds`.
  const seedsOf = (m, dataset) => (m.headline ? (cfg.datasets[dataset].seeds ?? cfg.headlineSeeds) : [0]);
  for (const dataset of datasets) {
    jobs.push({ id: `${dataset}/pixels`, kind: 'pixels', dataset, seed: 0, label: 'raw pixels' });
  }
  for (const seedRank of [0, 1]) {
    for (const m of cfg.methods) {
      for (const dataset of m.datasets ?? cfg.defaultDatasets) {
        const seeds = seedsOf(m, dataset);
        const chosen = seedRank === 0 ? seeds.slice(0, 1) : seeds.slice(1);
        for (const seed of chosen) {
          jobs.push({ id: `${dataset}/${m.id}/s${seed}`, kind: 'unsupervised', dataset, seed, method: m.id, label: m.label, objective: m.objective, steps: m.steps, learningRate: m.learningRate });
        }
      }
    }
  }
  // Random-init baselines: one per objective kind, dataset and seed that a method trains.
  const seen = new Set();
  for (const m of cfg.methods) {
    for (const dataset of m.datasets ?? cfg.defaultDatasets) {
      for (const seed of seedsOf(m, dataset)) {
        // DIM variants share the encoder and its initialisation; CMC and CPC each have their own.
        const arch = m.objective.kind === 'dim' ? 'dim' : m.id;
        const id = `${dataset}/random-${arch}/s${seed}`;
        if (seen.has(id)) continue;
        seen.add(id);
        jobs.push({ id, kind: 'random', dataset, seed, method: `random-${arch}`, label: `random init (${arch === 'dim' ? 'DIM encoder' : m.label})`, objective: m.objective });
      }
    }
  }
  for (const dataset of datasets) {
    jobs.push({ id: `${dataset}/supervised/s0`, kind: 'supervised', dataset, seed: 0, method: 'supervised', label: cfg.supervised.label, steps: cfg.supervised.steps });
  }
  jobs.push({ id: 'halves/random', kind: 'halves', dataset: cfg.halves.dataset, seed: cfg.halves.seed, critic: null, bound: null, label: 'random init' });
  for (const critic of Object.keys(cfg.halves.critics)) {
    for (const bound of cfg.halves.bounds) {
      jobs.push({ id: `halves/${critic}-${bound}`, kind: 'halves', dataset: cfg.halves.dataset, seed: cfg.halves.seed, critic, bound, label: `${critic} critic, ${bound}` });
    }
  }
  const later = (j) => (j.seed !== 0 && j.kind !== 'halves' ? 1 : 0);
  return jobs.map((j, i) => [later(j), i, j]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , j]) => j);
}

module.exports = { loadConfig, jobsOf, CONFIG };
