// The recorded results of the representations benchmark (docs/results/results.json):
// one entry per (dataset, method) — mean ± sample std over its seeds of each probed layer,
// training minutes, the code's gain over its random-init baseline — and one per cell of
// the halves grid. It is committed, so a clean clone renders docs/results.md from it
// (`run.js --report-only`); run.js folds in the per-job results under out/results/.
const fs = require('fs');
const { probedAsConfigured } = require('./jobs');

const LAYERS = ['conv', 'fc', 'code', 'pixels'];

/** `{ mean, std }` of a list: std is the sample standard deviation, null for one value. */
function stats(values) {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, std };
}

/** The key of a (dataset, method) entry. */
const keyOf = (g) => `${g.dataset}/${g.method}`;

/** An empty record: what a trial (`run.js --out`) or a fresh benchmark starts from. */
const emptyRecord = () => ({ backend: null, logB: null, groups: [], halves: [] });

/**
 * Reads a record file; a missing file is an empty record.
 * @throws Error naming the file when it is not a record
 */
function readRecord(file) {
  if (!fs.existsSync(file)) return emptyRecord();
  let record;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not readable JSON (${e.message})`, { cause: e });
  }
  if (!Array.isArray(record.groups) || !Array.isArray(record.halves))
    throw new Error(`${file}: expected { backend, logB, groups: [...], halves: [...] }`);
  return record;
}

/** One entry per (dataset, method) of the finished jobs' results. */
function groupsOf(jobs, results) {
  const byId = new Map(results.map((r) => [r.id, r]));
  const out = new Map();
  for (const j of jobs) {
    if (j.kind === 'halves' || !byId.has(j.id)) continue;
    const key = keyOf(j);
    if (!out.has(key)) out.set(key, { job: j, runs: [] });
    out.get(key).runs.push(byId.get(j.id));
  }
  return [...out.values()].map(({ job, runs }) => {
    const g = { dataset: job.dataset, method: job.method, kind: job.kind, seeds: runs.map((r) => r.seed), probe: runs[0].probe };
    if (job.kind === 'unsupervised' || job.kind === 'supervised') {
      g.steps = job.steps;
      g.trainMinutes = stats(runs.map((r) => r.trainMinutes)).mean;
    }
    g.layers = {};
    for (const l of LAYERS) {
      const values = runs.filter((r) => r.layers?.[l]).map((r) => r.layers[l].test);
      if (values.length) g.layers[l] = { ...stats(values), dim: runs.find((r) => r.layers?.[l]).layers[l].dim };
    }
    return g;
  });
}

/** The halves grid's rows of the finished jobs' results. */
function halvesOf(results) {
  return results
    .filter((r) => r.kind === 'halves')
    .map((r) => {
      const row = { id: r.id, kind: 'halves', critic: r.critic, bound: r.bound, probe: r.probe, code: r.layers?.code?.test ?? null };
      if (!r.critic) return row;
      // NWJ read off an InfoNCE-trained critic can overflow: JSON has no Infinity, so a non-finite estimate is null.
      const finite = (v) => (Number.isFinite(v) ? v : null);
      return {
        ...row,
        steps: r.steps,
        trainMinutes: r.trainMinutes,
        trainedEstimate: finite(r.finalMetrics?.estimate),
        testEstimates: Object.fromEntries(Object.entries(r.testEstimates).map(([k, v]) => [k, finite(v)])),
      };
    });
}

/**
 * The record with the per-job results folded in: an entry with results under out/results/
 * is replaced by their aggregate (results probed under another protocol than the config's
 * are not used), every other entry is kept as recorded. An entry whose method the config no
 * longer has is dropped. The gain of a trained entry is recomputed when it or its random-init
 * entry was replaced, from the unrounded means.
 * @param jobs the config's job list (jobsOf), which also fixes the order of the entries
 */
function updateRecord(cfg, jobs, record, results) {
  const current = results.filter((r) => probedAsConfigured(cfg, r));
  const fresh = new Map(groupsOf(jobs, current).map((g) => [keyOf(g), g]));
  const recorded = new Map(record.groups.map((g) => [keyOf(g), g]));
  const groups = [];
  for (const j of jobs) {
    const key = keyOf(j);
    if (j.kind === 'halves' || groups.some((g) => keyOf(g) === key)) continue;
    const g = fresh.get(key) ?? recorded.get(key);
    if (g) groups.push(g);
  }
  for (const g of groups) {
    const job = jobs.find((j) => keyOf(j) === keyOf(g));
    if (!job.random) continue;
    const random = groups.find((r) => r.dataset === g.dataset && r.method === job.random);
    if (!(fresh.has(keyOf(g)) || (random && fresh.has(keyOf(random))))) continue;
    if (random?.layers.code && g.layers.code) g.gain = g.layers.code.mean - random.layers.code.mean;
    else delete g.gain;
  }
  const freshHalves = new Map(halvesOf(current).map((h) => [h.id, h]));
  const recordedHalves = new Map(record.halves.map((h) => [h.id, h]));
  const halves = jobs
    .filter((j) => j.kind === 'halves')
    .map((j) => freshHalves.get(j.id) ?? recordedHalves.get(j.id))
    .filter(Boolean);
  const backend = current.find((r) => r.backend)?.backend ?? record.backend;
  const logB = current.find((r) => r.logB)?.logB ?? record.logB;
  return { backend, logB, groups, halves };
}

/** Keys of the entries probed under another protocol than the config's now: the report leaves them out until `run.js --reprobe`. */
function staleEntries(cfg, record) {
  return [
    ...record.groups.filter((g) => !probedAsConfigured(cfg, g)).map(keyOf),
    ...record.halves.filter((h) => !probedAsConfigured(cfg, h)).map((h) => h.id),
  ];
}

/** The record as text: one line per entry, so that a changed entry is a one-line diff. */
function formatRecord(record) {
  const lines = (list) => list.map((e, i) => `    ${JSON.stringify(e)}${i < list.length - 1 ? ',' : ''}`).join('\n');
  return [
    '{',
    `  "backend": ${JSON.stringify(record.backend)},`,
    `  "logB": ${JSON.stringify(record.logB)},`,
    '  "groups": [',
    lines(record.groups),
    '  ],',
    '  "halves": [',
    lines(record.halves),
    '  ]',
    '}',
    '',
  ].join('\n');
}

module.exports = { readRecord, updateRecord, staleEntries, formatRecord, keyOf, emptyRecord };
