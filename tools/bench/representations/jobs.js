// The job list of the representations benchmark, derived from config.json: one entry
// per (dataset, method, seed) run, per random-init baseline, per supervised and
// raw-pixel baseline, and per cell of the halves critic × bound grid.
const fs = require('fs');
const path = require('path');
const { initialisationConfig } = require('@infomax/objectives');

const CONFIG = path.join(__dirname, 'config.json');

/** config.json, or the file INFOMAX_REPRESENTATIONS_CONFIG names (run.js --config). */
function loadConfig(file = process.env.INFOMAX_REPRESENTATIONS_CONFIG ?? CONFIG) {
  let cfg;
  try {
    cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not readable JSON (${e.message})`, { cause: e });
  }
  for (const key of [
    'backend',
    'batchSize',
    'learningRate',
    'probe',
    'datasets',
    'headlineSeeds',
    'methods',
    'defaultDatasets',
    'supervised',
    'halves',
  ]) {
    if (cfg[key] === undefined) throw new Error(`${file}: missing key '${key}'`);
  }
  const probes = [
    ['probe', cfg.probe],
    ['halves.probe', cfg.halves.probe ?? cfg.probe],
  ];
  for (const [d, entry] of Object.entries(cfg.datasets)) if (entry.probe) probes.push([`datasets.${d}.probe`, entry.probe]);
  for (const [key, p] of probes) {
    if (!validProbe(p)) {
      throw new Error(
        `${file}: '${key}' must be { epochs: integer ≥ 1 }, or { epochs, weightDecays: [numbers ≥ 0] } with validationFraction: (0, 1) or folds: integer ≥ 2, got ${JSON.stringify(p)}`,
      );
    }
  }
  // Seed lists: the headline's, a dataset's own and a method's own.
  const seedLists = [['headlineSeeds', cfg.headlineSeeds]];
  for (const [d, entry] of Object.entries(cfg.datasets))
    if (entry.seeds !== undefined) seedLists.push([`datasets.${d}.seeds`, entry.seeds]);
  for (const m of cfg.methods) if (m.seeds !== undefined) seedLists.push([`method '${m.id}' seeds`, m.seeds]);
  for (const [key, seeds] of seedLists) {
    if (!validSeeds(seeds))
      throw new Error(`${file}: ${key} must be a non-empty list of distinct integers ≥ 0, got ${JSON.stringify(seeds)}`);
  }
  for (const m of cfg.methods) {
    for (const key of ['method', 'settings']) {
      if (typeof m[key] !== 'string' || m[key] === '')
        throw new Error(`${file}: method '${m.id}' needs '${key}', a non-empty string (the report's ${key} column)`);
    }
    if (m.batchSize !== undefined && !(Number.isInteger(m.batchSize) && m.batchSize >= 2))
      throw new Error(
        `${file}: method '${m.id}' batchSize must be an integer ≥ 2 (its own, in place of the top-level one), got ${JSON.stringify(m.batchSize)}`,
      );
    for (const d of m.datasets ?? cfg.defaultDatasets) {
      if (!cfg.datasets[d]) throw new Error(`${file}: method '${m.id}' names dataset '${d}', which 'datasets' lacks`);
    }
  }
  return cfg;
}

/** Whether a seed list is non-empty, of distinct integers ≥ 0. */
const validSeeds = (s) => Array.isArray(s) && s.length > 0 && s.every((x) => Number.isInteger(x) && x >= 0) && new Set(s).size === s.length;

/** Whether a probe protocol is one the bench runs: plain epochs, or a penalty grid chosen on a held-out fraction or on k folds. */
function validProbe(p) {
  if (!p || !Number.isInteger(p.epochs) || p.epochs < 1) return false;
  if (p.weightDecays === undefined) return p.validationFraction === undefined && p.folds === undefined;
  const grid = Array.isArray(p.weightDecays) && p.weightDecays.length > 0 && p.weightDecays.every((d) => Number.isFinite(d) && d >= 0);
  const fraction = p.validationFraction > 0 && p.validationFraction < 1;
  const folds = Number.isInteger(p.folds) && p.folds >= 2;
  return grid && (p.folds === undefined ? fraction : folds && p.validationFraction === undefined);
}

/** A job's two report columns: `title` (what is trained: objective and views) and `settings` (how it is trained). */
const named = (title, settings) => ({ title, settings });

/**
 * Every job, in the order they are worth running: every method and baseline at its first
 * seed first, the further seeds last.
 */
function jobsOf(cfg) {
  const jobs = [];
  const datasets = Object.keys(cfg.datasets);
  // A method runs its own `seeds` where it lists them; else a headline method runs every
  // headline seed (or its dataset's own `seeds`), and any other method seed 0.
  const seedsOf = (m, dataset) => m.seeds ?? (m.headline ? (cfg.datasets[dataset].seeds ?? cfg.headlineSeeds) : [0]);
  // The random-init baseline of a method: methods whose objectives differ only in keys that
  // shape training (bound, critic, queue, momentum: @infomax/objectives' TRAINING_ONLY_KEYS)
  // start from the same representation and share one, named 'dim' for the first DIM one, else
  // after the first method with it (less any step-size suffix).
  const arches = new Map();
  const archOf = (m) => {
    const key = JSON.stringify(initialisationConfig(m.objective));
    if (!arches.has(key)) {
      const taken = new Set(arches.values());
      arches.set(key, m.objective.kind === 'dim' && !taken.has('dim') ? 'dim' : m.id.replace(/-lr[0-9e.-]+$/, ''));
    }
    return arches.get(key);
  };
  for (const dataset of datasets) {
    jobs.push({ id: `${dataset}/pixels`, kind: 'pixels', dataset, seed: 0, method: 'pixels', ...named('raw pixels', 'no encoder') });
  }
  for (const seedRank of [0, 1]) {
    for (const m of cfg.methods) {
      for (const dataset of m.datasets ?? cfg.defaultDatasets) {
        const seeds = seedsOf(m, dataset);
        const chosen = seedRank === 0 ? seeds.slice(0, 1) : seeds.slice(1);
        for (const seed of chosen) {
          jobs.push({
            id: `${dataset}/${m.id}/s${seed}`,
            kind: 'unsupervised',
            dataset,
            seed,
            method: m.id,
            ...named(m.method, m.settings),
            objective: m.objective,
            steps: m.steps,
            learningRate: m.learningRate,
            batchSize: m.batchSize,
            schedule: m.schedule,
            threads: m.threads ?? 1,
            random: `random-${archOf(m)}`,
          });
        }
      }
    }
  }
  // Random-init baselines: one per objective kind, dataset and seed that a method trains.
  const seen = new Set();
  for (const m of cfg.methods) {
    for (const dataset of m.datasets ?? cfg.defaultDatasets) {
      for (const seed of seedsOf(m, dataset)) {
        const arch = archOf(m);
        const id = `${dataset}/random-${arch}/s${seed}`;
        if (seen.has(id)) continue;
        seen.add(id);
        jobs.push({
          id,
          kind: 'random',
          dataset,
          seed,
          method: `random-${arch}`,
          ...named('random init', arch === 'dim' ? 'DIM encoder' : m.method),
          objective: m.objective,
        });
      }
    }
  }
  for (const dataset of datasets) {
    jobs.push({
      id: `${dataset}/supervised/s0`,
      kind: 'supervised',
      dataset,
      seed: 0,
      method: 'supervised',
      ...named('supervised', cfg.supervised.settings),
      objective: { kind: 'dim' },
      steps: cfg.supervised.steps,
      random: 'random-dim',
    });
  }
  jobs.push({
    id: 'halves/random',
    kind: 'halves',
    dataset: cfg.halves.dataset,
    seed: cfg.halves.seed,
    critic: null,
    bound: null,
    label: 'random init',
  });
  for (const critic of Object.keys(cfg.halves.critics)) {
    for (const bound of cfg.halves.bounds) {
      jobs.push({
        id: `halves/${critic}-${bound}`,
        kind: 'halves',
        dataset: cfg.halves.dataset,
        seed: cfg.halves.seed,
        critic,
        bound,
        label: `${critic} critic, ${bound}`,
      });
    }
  }
  const later = (j) => (j.seed !== 0 && j.kind !== 'halves' ? 1 : 0);
  return jobs
    .map((j, i) => [later(j), i, j])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([, , j]) => j);
}

/** The probe protocol of a job: the halves grid (`halves.probe`) and each dataset (`datasets.<id>.probe`) may set their own, else `probe`. */
const probeOf = (cfg, job) => (job.kind === 'halves' ? cfg.halves.probe : cfg.datasets[job.dataset]?.probe) ?? cfg.probe;

/** Whether a result (which carries its job's fields) was probed under the protocol its job has now; results from before the key was recorded used 30 plain epochs. */
const probedAsConfigured = (cfg, result) => JSON.stringify(result.probe ?? { epochs: 30 }) === JSON.stringify(probeOf(cfg, result));

/** Where a trained job saves its checkpoint (the trainer's format), given its result file. */
const checkpointsOf = (resultFile) => resultFile.replace(/\.json$/, '.checkpoints');

module.exports = { loadConfig, jobsOf, probedAsConfigured, probeOf, checkpointsOf, CONFIG };
