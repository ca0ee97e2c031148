// Writes docs/results.md (or <out>/results.md for a trial) and its two figures from the
// job results: mean ± sample std over seeds, each trained layer beside the same layer of
// the same encoder at random init.
const fs = require('fs');
const path = require('path');
const { writePng } = require('../../../apps/trainer/dist/plots');
const { probedAsConfigured } = require('./jobs');

const ROOT = path.join(__dirname, '..', '..', '..');
const LAYERS = ['conv', 'fc', 'code'];

function stats(values) {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  return { n, mean, std };
}

const fmt = (s, digits = 1) => (s === null ? '—' : s.std === null ? s.mean.toFixed(digits) : `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`);
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Results of one dataset grouped by method, in the order of the job list. */
function groups(jobs, results, dataset) {
  const byId = new Map(results.map((r) => [r.id, r]));
  const out = new Map();
  for (const j of jobs) {
    if (j.dataset !== dataset || j.kind === 'halves') continue;
    const key = j.kind === 'pixels' ? 'pixels' : j.method;
    if (!out.has(key)) out.set(key, { key, kind: j.kind, label: j.label, steps: j.steps ?? 0, random: j.random ?? null, runs: [], planned: 0 });
    const g = out.get(key);
    g.planned += 1;
    if (byId.has(j.id)) g.runs.push(byId.get(j.id));
  }
  for (const g of out.values()) {
    g.layers = {};
    for (const l of [...LAYERS, 'pixels']) {
      const values = g.runs.filter((r) => r.layers?.[l]).map((r) => r.layers[l].test);
      g.layers[l] = values.length ? { ...stats(values), dim: g.runs.find((r) => r.layers?.[l]).layers[l].dim } : null;
    }
    g.minutes = g.runs.length ? stats(g.runs.map((r) => r.trainMinutes)).mean : null;
  }
  return [...out.values()];
}

/** The random-init group a trained method is compared with. */
function randomFor(g, all) {
  return all.find((x) => x.key === g.random) ?? null;
}

function datasetSection(cfg, jobs, results, dataset) {
  const gs = groups(jobs, results, dataset);
  const lines = [];
  lines.push(`### ${cfg.datasets[dataset].label}`, '');
  lines.push('| method | steps | train min | seeds | conv (7×7×128) | fc (1024) | code | code − random init |');
  lines.push('|---|---|---|---|---|---|---|---|');
  const trained = [];
  for (const g of gs) {
    const seeds = `${g.runs.length}${g.runs.length < g.planned ? ` of ${g.planned}` : ''}`;
    if (g.kind === 'pixels') {
      lines.push(`| raw pixels (${g.layers.pixels?.dim ?? 784}-d), logistic regression | — | — | — | — | — | ${fmt(g.layers.pixels)} | — |`);
      continue;
    }
    const code = g.layers.code;
    const codeCell = code ? `${fmt(code)} (${code.dim}-d)` : '—';
    let gain = '—';
    if (g.kind !== 'random') {
      const r = randomFor(g, gs);
      if (code && r?.layers.code) gain = `${code.mean - r.layers.code.mean >= 0 ? '+' : ''}${(code.mean - r.layers.code.mean).toFixed(1)}`;
      if (code) trained.push({ g, code, gain: r?.layers.code ? code.mean - r.layers.code.mean : null });
    }
    const name = g.kind === 'random' ? `*${g.label}*` : g.kind === 'supervised' ? `*${g.label}*` : `**${g.label}**`;
    lines.push(`| ${name} | ${g.kind === 'random' ? 0 : g.steps} | ${g.kind === 'random' ? '—' : g.minutes?.toFixed(1) ?? '—'} | ${seeds} | ${fmt(g.layers.conv)} | ${fmt(g.layers.fc)} | ${codeCell} | ${gain} |`);
  }
  lines.push('');
  const unsup = trained.filter((t) => t.g.kind === 'unsupervised');
  if (unsup.length) {
    const best = (list) => list.reduce((a, b) => (b.code.mean > a.code.mean ? b : a));
    const best64 = unsup.filter((t) => t.code.dim === 64);
    let bestLayer = null;
    for (const t of unsup) for (const l of LAYERS) if (t.g.layers[l] && (!bestLayer || t.g.layers[l].mean > bestLayer.s.mean)) bestLayer = { t, l, s: t.g.layers[l] };
    const gains = unsup.filter((t) => t.gain !== null);
    const minGain = gains.length ? gains.reduce((a, b) => (b.gain < a.gain ? b : a)) : null;
    const sentences = [];
    if (best64.length) sentences.push(`Best unsupervised 64-d code: ${best(best64).g.label}, ${fmt(best(best64).code)}%.`);
    const any = best(unsup);
    if (any.code.dim !== 64) sentences.push(`Best code of any size: ${any.g.label}, ${fmt(any.code)}% (${any.code.dim}-d).`);
    sentences.push(`Best unsupervised layer: ${bestLayer.t.g.label} ${bestLayer.l}, ${fmt(bestLayer.s)}%.`);
    if (minGain) sentences.push(`Smallest gain of a trained code over its random-init code: ${minGain.g.label}, ${minGain.gain >= 0 ? '+' : ''}${minGain.gain.toFixed(1)} points.`);
    lines.push(sentences.join(' '), '');
  }
  return { lines, gs };
}

/** An estimate in nats; NWJ read off a critic trained with InfoNCE can overflow (that critic is free up to a per-x shift). */
const nats = (v) => (v === null || !Number.isFinite(v) || Math.abs(v) > 1e6 ? 'diverges' : v.toFixed(2));

function halvesSection(cfg, results) {
  const h = cfg.halves;
  const rows = results.filter((r) => r.kind === 'halves');
  const lines = [`### ${h.label}`, ''];
  lines.push(`Encoders g1 (top half) and g2 (bottom half): MLP ${h.encoder.hidden.join('-')} → ${h.encoder.codeSize}-d, ReLU; ` +
    `batch ${h.batchSize}, Adam ${h.learningRate}, ${h.steps} steps on the bundled MNIST training digits (a critic's own \`steps\` where the table says so: ` +
    `the concat critic runs its MLP on all ${h.batchSize}² pairs, ~16× a separable step). ` +
    `The critic scores (g1(top), g2(bottom)); the estimates are both bounds evaluated with the trained critic on held-out batches of ${h.batchSize} ` +
    `(InfoNCE cannot exceed log ${h.batchSize} = ${Math.log(h.batchSize).toFixed(2)} nats); the accuracy is the linear probe of g1's code of the top half alone` +
    (h.probe ? ` (this grid's own probe: ${probePhrase(h.probe)}).` : '.'), '');
  lines.push('| critic | trained with | steps | trained bound, last 50 training batches | I_NCE (test) | I_NWJ (test) | probe accuracy, g1(top half) | train min |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const acc = r.layers?.code ? r.layers.code.test.toFixed(1) : '—';
    if (!r.critic) {
      lines.push(`| *random init (no training)* | — | 0 | — | — | — | ${acc} | — |`);
      continue;
    }
    const spec = h.critics[r.critic];
    const desc = spec.kind === 'bilinear' ? 'bilinear xᵀWy' : spec.kind === 'separable' ? `separable, MLP ${spec.hidden.join('-')} → ${spec.embedDim}` : `concat MLP ${spec.hidden.join('-')}`;
    lines.push(`| ${desc} | ${r.bound === 'infonce' ? 'InfoNCE' : 'NWJ'} | ${r.steps ?? h.steps} | ${nats(r.finalMetrics.estimate)} | ${nats(r.testEstimates.infonce)} | ${nats(r.testEstimates.nwj)} | ${acc} | ${r.trainMinutes.toFixed(1)} |`);
  }
  lines.push('', 'NWJ needs a calibrated critic (its optimum is 1 + the log density ratio); InfoNCE fixes the critic only up to a shift per x, so NWJ read off an InfoNCE-trained critic can be far below zero or diverge. The gap between the training estimate and the test I_NCE is the critic and encoders fitting the 8,000 training digits.', '');
  return { lines, rows };
}

/** Grouped bars: each trained code beside its random-init code, per dataset. */
function barsSvg(sections) {
  const bars = [];
  for (const s of sections) {
    for (const g of s.gs) {
      if (g.kind === 'random' || !(g.layers.code || g.layers.pixels)) continue;
      const r = g.kind === 'pixels' ? null : randomFor(g, s.gs);
      bars.push({ dataset: s.dataset, label: g.kind === 'pixels' ? 'raw pixels' : g.label, value: (g.layers.code ?? g.layers.pixels).mean, random: r?.layers.code?.mean ?? null });
    }
  }
  const W = 960;
  const rowH = 22;
  const left = 360;
  const top = 40;
  const H = top + bars.length * rowH + 50;
  const lo = 50;
  const x = (v) => left + ((Math.max(v, lo) - lo) / (100 - lo)) * (W - left - 30);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Linear-probe test accuracy of the code (%), trained (blue) vs same encoder at random init (grey)</text>`];
  for (let v = lo; v <= 100; v += 10) parts.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${top - 5}" y2="${H - 40}" stroke="#ddd"/><text x="${x(v)}" y="${H - 25}" text-anchor="middle">${v}</text>`);
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(`${b.dataset}: ${b.label}`)}</text>`);
    parts.push(`<rect x="${left}" y="${y + 2}" width="${x(b.value) - left}" height="${b.random === null ? 16 : 9}" fill="#1f77b4"/>`);
    if (b.random !== null) parts.push(`<rect x="${left}" y="${y + 11}" width="${x(b.random) - left}" height="7" fill="#aaa"/>`);
    parts.push(`<text x="${x(b.value) + 4}" y="${y + 11}">${b.value.toFixed(1)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** MI estimate (x) against probe accuracy (y) for each critic × bound. */
function scatterSvg(rows) {
  const pts = rows.filter((r) => r.critic && r.layers?.code && Number.isFinite(r.testEstimates?.infonce)).map((r) => ({ label: `${r.critic}, ${r.bound}`, mi: r.testEstimates.infonce, acc: r.layers.code.test }));
  const base = rows.find((r) => !r.critic && r.layers?.code);
  const W = 640;
  const H = 420;
  const L = 70;
  const T = 40;
  const R = 30;
  const B = 60;
  const accs = pts.map((p) => p.acc).concat(base ? [base.layers.code.test] : []);
  const yLo = Math.floor(Math.min(...accs) - 2);
  const yHi = Math.ceil(Math.max(...accs) + 2);
  const xHi = Math.max(...pts.map((p) => p.mi), rows.find((r) => r.logB)?.logB ?? 0) * 1.12;
  const X = (v) => L + (Math.max(0, v) / xHi) * (W - L - R);
  const Y = (v) => T + (1 - (v - yLo) / (yHi - yLo)) * (H - T - B);
  const colors = { infonce: '#1f77b4', nwj: '#d62728' };
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">MNIST halves: I_NCE estimate (test) vs probe accuracy of g1(top half)</text>`,
    `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="black"/><line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 20}" text-anchor="middle">I_NCE on held-out batches (nats)</text>`,
    `<text x="18" y="${(T + H - B) / 2}" transform="rotate(-90 18 ${(T + H - B) / 2})" text-anchor="middle">probe accuracy (%)</text>`];
  for (let v = 0; v <= xHi; v += 0.5) parts.push(`<text x="${X(v)}" y="${H - B + 15}" text-anchor="middle">${v.toFixed(1)}</text>`);
  for (let v = yLo; v <= yHi; v += 2) parts.push(`<text x="${L - 6}" y="${Y(v) + 4}" text-anchor="end">${v}</text><line x1="${L}" x2="${W - R}" y1="${Y(v)}" y2="${Y(v)}" stroke="#eee"/>`);
  const logB = rows.find((r) => r.logB)?.logB;
  if (logB !== undefined) parts.push(`<line x1="${X(logB)}" x2="${X(logB)}" y1="${T}" y2="${H - B}" stroke="#888" stroke-dasharray="4 3"/><text x="${X(logB) - 4}" y="${T + 12}" text-anchor="end" fill="#555">log B</text>`);
  if (base) parts.push(`<line x1="${L}" x2="${W - R}" y1="${Y(base.layers.code.test)}" y2="${Y(base.layers.code.test)}" stroke="#aaa" stroke-dasharray="2 2"/><text x="${W - R}" y="${Y(base.layers.code.test) - 4}" text-anchor="end" fill="#777">random init</text>`);
  for (const p of pts) {
    const bound = p.label.split(', ')[1];
    parts.push(`<circle cx="${X(p.mi)}" cy="${Y(p.acc)}" r="5" fill="${colors[bound]}"/><text x="${X(p.mi) + 8}" y="${Y(p.acc) + 4}">${esc(p.label)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * @param out null: docs/results.md and docs/results/*.png; else a trial's folder
 * @returns the files written
 */
async function writeReport(cfg, jobs, results, out = null) {
  const md = out ? path.join(out, 'results.md') : path.join(ROOT, 'docs', 'results.md');
  const figures = out ?? path.join(ROOT, 'docs', 'results');
  fs.mkdirSync(figures, { recursive: true });
  const rel = (f) => path.relative(path.dirname(md), f).split(path.sep).join('/');
  // One probe protocol per table: results probed another way wait for `run.js --reprobe`.
  const stale = results.filter((r) => !probedAsConfigured(cfg, r));
  results = results.filter((r) => !stale.includes(r));
  const sections = Object.keys(cfg.datasets).map((d) => ({ dataset: d, ...datasetSection(cfg, jobs, results, d) }));
  const halves = halvesSection(cfg, results);
  const barsFile = path.join(figures, 'codes.png');
  const scatterFile = path.join(figures, 'halves.png');
  const written = [md];
  if (sections.some((s) => s.gs.some((g) => g.runs.length))) {
    await writePng(barsSvg(sections), barsFile);
    written.push(barsFile);
  }
  if (halves.rows.some((r) => r.critic)) {
    await writePng(scatterSvg(halves.rows), scatterFile);
    written.push(scatterFile);
  }
  const machine = results.find((r) => r.backend)?.backend ?? cfg.backend;
  const text = [
    '---',
    'title: "Results: Fashion-MNIST and MNIST"',
    'group: Guides',
    '---',
    '',
    '# Results: linear-probe accuracy of what each objective learned on Fashion-MNIST and MNIST',
    '',
    '<!-- Written by tools/bench/representations/run.js; edit config.json or report.js, not this file. -->',
    '',
    'Regenerate with `npm run build && node tools/bench/representations/run.js` (resumable: finished jobs are kept in',
    '`tools/bench/representations/out/results/`; `--parallel N` runs N jobs at once, each single-threaded).',
    `Backend: ${machine}, 2 shared cores, two jobs at a time; minutes are wall-clock training time of one job and move with the load.`,
    '',
    `**Protocol.** Every method trains its encoder for a fixed number of steps (batch ${cfg.batchSize}, Adam ${cfg.learningRate} unless its label names another step size),`,
    `then the encoder is frozen and a linear probe is fitted on each output: softmax regression on standardised features,`,
    ...probeProtocol(cfg.probe),
    ...Object.values(cfg.datasets).filter((d) => d.probe).map((d) => `${d.label}: its own probe, ${probePhrase(d.probe)}.`),
    'Each layer is shown beside the same layer of the same encoder at its random initialisation (same seed),',
    'the baseline any objective has to beat; the last column is the gain of the code. Rows with several seeds give',
    'mean ± sample standard deviation. CMC and CPC have one encoder per view or per patch, so only their code is probed:',
    'CMC\'s is the views\' codes concatenated, as CMC concatenates its views (crops: each encoder sees the whole image at',
    'test time); CPC\'s is its patch codes averaged over the grid.',
    'The supervised row trains the same encoder with a linear softmax layer on its code (cross-entropy, same steps and optimiser).',
    '',
    ...(stale.length ? [`**Left out:** ${stale.length} result(s) probed under another protocol (${stale.map((r) => r.id).join(', ')}); \`run.js --reprobe\` probes them again.`, ''] : []),
    ...(cfg.notes?.length ? ['**Notes on these runs.**', '', ...cfg.notes.map((n) => `- ${n}`), ''] : []),
    ...sections.flatMap((s) => s.lines),
    written.includes(barsFile) ? `![code accuracy, trained vs random init](${rel(barsFile)})\n` : '',
    ...halves.lines,
    written.includes(scatterFile) ? `![MI estimate vs accuracy](${rel(scatterFile)})\n` : '',
    '## Settings',
    '',
    'From `tools/bench/representations/config.json`:',
    '',
    '```json',
    JSON.stringify(cfg, null, 2),
    '```',
    '',
  ].join('\n');
  const tmp = `${md}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, md);
  return written;
}

/** The probe sentence of the protocol paragraph. */
function probeProtocol(probe) {
  if (!probe.weightDecays) return [`Adam, ${probePhrase(probe)} (\`@infomax/eval\` linearProbe); test accuracy in %.`];
  return [
    `Adam, ${probePhrase(probe)}, then refitted on the whole training split at that penalty`,
    '(`@infomax/eval` tunedLinearProbe, the protocol of SimCLR\'s linear evaluation); test accuracy in %.',
  ];
}

/** A probe protocol in a phrase: its epochs and how its L2 penalty is set. */
function probePhrase(probe) {
  const chosen = probe.folds ? `in ${probe.folds}-fold cross-validation on the training split` : `on ${100 * probe.validationFraction}% of the training split held out`;
  return probe.weightDecays
    ? `${probe.epochs} epochs over the training split, its L2 penalty chosen per layer from ${probe.weightDecays.join(', ')} by accuracy ${chosen}`
    : `${probe.epochs} epochs over the training split at the fixed L2 penalty 1e-4`;
}

module.exports = { writeReport };
