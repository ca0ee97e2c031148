// Writes docs/results.md (or <out>/results.md for a trial) and its two figures from the
// record (record.js): a summary first (the best row of each method family and the
// baselines), then every run, then how the numbers were made (protocol, reproduce, the
// notes of notes.md), then the settings. Nothing in it depends on the time or the machine
// that renders it, so rendering the same record twice writes the same bytes.
const fs = require('fs');
const path = require('path');
const { barsSvg, scatterSvg } = require('./figures');
const { keyOf, staleEntries } = require('./record');

const ROOT = path.join(__dirname, '..', '..', '..');
const NOTES = path.join(__dirname, 'notes.md');
/**
 * The Graphs hook: a markdown fragment another benchmark may write beside the figures. Where
 * it exists it is inserted after the tables, as is (its links relative to docs/results.md);
 * a fragment that does not start with a `## ` heading gets "## Graphs".
 */
const GRAPHS = 'graphs.md';
const LAYERS = ['conv', 'fc', 'code'];
const BASELINES = ['pixels', 'random', 'supervised'];

const fmt = (s) => (s ? (s.std === null ? s.mean.toFixed(1) : `${s.mean.toFixed(1)} ± ${s.std.toFixed(1)}`) : '—');
const signed = (v) => (v === undefined ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(1)}`);
const row = (cells) => `| ${cells.join(' | ')} |`;
const header = (cells) => [row(cells), row(cells.map(() => '---'))];

/** One row per (dataset, method) of the config, in job order: its first job, its recorded entry (or null) and its planned seeds. */
function rowsOf(jobs, record, dataset, stale) {
  const rows = new Map();
  for (const j of jobs) {
    if (j.dataset !== dataset || j.kind === 'halves') continue;
    const key = keyOf(j);
    if (!rows.has(key)) {
      const entry = record.groups.find((g) => keyOf(g) === key && !stale.includes(key)) ?? null;
      rows.set(key, { job: j, entry, planned: 0 });
    }
    rows.get(key).planned += 1;
  }
  return [...rows.values()];
}

const isBaseline = (r) => BASELINES.includes(r.job.kind);
const name = (r) => (isBaseline(r) ? `*${r.job.title}*` : r.job.title);
const codeOf = (r) => r.entry?.layers.code ?? r.entry?.layers.pixels ?? null;
const seeds = (r) => `${r.entry?.seeds.length ?? 0}${(r.entry?.seeds.length ?? 0) < r.planned ? ` of ${r.planned}` : ''}`;
const minutes = (r) => (r.entry?.trainMinutes === undefined ? '—' : r.entry.trainMinutes.toFixed(1));

/** The summary of one dataset: the best trained row of each method family (the title before its first comma), then the baselines. */
function summaryTable(rows) {
  const best = new Map();
  for (const r of rows.filter((x) => x.job.kind === 'unsupervised' && codeOf(x))) {
    const family = r.job.title.split(',')[0];
    if (!best.has(family) || codeOf(r).mean > codeOf(best.get(family)).mean) best.set(family, r);
  }
  const baselines = rows.filter((r) => (r.job.kind === 'random' ? r.job.method === 'random-dim' : isBaseline(r)) && codeOf(r));
  const lines = header(['method', 'settings', 'code', 'code size', 'gain over random init', 'seeds', 'train min']);
  for (const r of [...best.values(), ...baselines]) {
    lines.push(
      row([
        name(r),
        r.job.settings,
        fmt(codeOf(r)),
        codeOf(r).dim,
        signed(r.entry.gain),
        r.job.kind === 'pixels' ? '—' : seeds(r),
        minutes(r),
      ]),
    );
  }
  return lines;
}

/** Every row of one dataset, then a line naming the best code, the best layer and the smallest gain. */
function fullTable(rows) {
  const lines = header([
    'method',
    'settings',
    'steps',
    'train min',
    'seeds',
    'conv (7×7×128)',
    'fc (1024)',
    'code',
    'code size',
    'gain over random init',
  ]);
  for (const r of rows) {
    const code = codeOf(r);
    const steps = r.job.kind === 'unsupervised' || r.job.kind === 'supervised' ? r.job.steps : r.job.kind === 'random' ? 0 : '—';
    const layers = r.entry?.layers ?? {};
    lines.push(
      row([
        name(r),
        r.job.settings,
        steps,
        minutes(r),
        r.job.kind === 'pixels' ? '—' : seeds(r),
        fmt(layers.conv),
        fmt(layers.fc),
        fmt(code),
        code?.dim ?? '—',
        signed(r.entry?.gain),
      ]),
    );
  }
  const trained = rows.filter((r) => r.job.kind === 'unsupervised' && r.entry?.layers.code);
  if (trained.length === 0) return lines;
  const label = (r) => `${r.job.title}, ${r.job.settings}`;
  const top = (list, value) => list.reduce((a, b) => (value(b) > value(a) ? b : a));
  const sentences = [];
  const of64 = trained.filter((r) => r.entry.layers.code.dim === 64);
  if (of64.length) {
    const best = top(of64, (r) => codeOf(r).mean);
    sentences.push(`Best unsupervised 64-d code: ${label(best)}, ${fmt(codeOf(best))}%.`);
  }
  const layer = top(
    trained.flatMap((r) => LAYERS.filter((l) => r.entry.layers[l]).map((l) => ({ r, l, s: r.entry.layers[l] }))),
    (x) => x.s.mean,
  );
  sentences.push(`Best unsupervised layer: ${label(layer.r)} ${layer.l}, ${fmt(layer.s)}%.`);
  const gains = trained.filter((r) => r.entry.gain !== undefined);
  if (gains.length) {
    const least = top(gains, (r) => -r.entry.gain);
    sentences.push(`Smallest gain of a trained code over its random-init code: ${label(least)}, ${signed(least.entry.gain)} points.`);
  }
  return [...lines, '', sentences.join(' ')];
}

/** An estimate in nats; null is one that overflowed (NWJ read off a critic trained with InfoNCE, which is free up to a per-x shift). */
const nats = (v) => (v === null || Math.abs(v) > 1e6 ? 'diverges' : v.toFixed(2));

function halvesSection(cfg, record, stale) {
  const h = cfg.halves;
  const rows = record.halves.filter((r) => !stale.includes(r.id));
  const lines = [`### ${h.label}`, ''];
  lines.push(
    `Encoders g1 (top half) and g2 (bottom half): MLP ${h.encoder.hidden.join('-')} → ${h.encoder.codeSize}-d, ReLU; ` +
      `batch ${h.batchSize}, Adam ${h.learningRate}, ${h.steps} steps on the bundled MNIST training digits (the concat critic fewer: ` +
      `its MLP scores all ${h.batchSize}² pairs, ~16× a separable step). Both bounds are evaluated with the trained critic on held-out ` +
      `batches of ${h.batchSize} (InfoNCE ≤ log ${h.batchSize} = ${Math.log(h.batchSize).toFixed(2)} nats); the accuracy is ` +
      `g1's code of the top half alone${h.probe ? ` (${probePhrase(h.probe)})` : ''}.`,
    '',
  );
  lines.push(
    ...header([
      'critic',
      'trained with',
      'steps',
      'trained bound, last 50 batches',
      'I_NCE (test)',
      'I_NWJ (test)',
      'probe accuracy',
      'train min',
    ]),
  );
  for (const r of rows) {
    const acc = r.code === null ? '—' : r.code.toFixed(1);
    if (!r.critic) {
      lines.push(row(['*random init (no training)*', '—', 0, '—', '—', '—', acc, '—']));
      continue;
    }
    const spec = h.critics[r.critic];
    const desc =
      spec.kind === 'bilinear'
        ? 'bilinear xᵀWy'
        : spec.kind === 'separable'
          ? `separable, MLP ${spec.hidden.join('-')} → ${spec.embedDim}`
          : `concat MLP ${spec.hidden.join('-')}`;
    lines.push(
      row([
        desc,
        r.bound === 'infonce' ? 'InfoNCE' : 'NWJ',
        r.steps,
        nats(r.trainedEstimate),
        nats(r.testEstimates.infonce),
        nats(r.testEstimates.nwj),
        acc,
        r.trainMinutes.toFixed(1),
      ]),
    );
  }
  lines.push(
    '',
    'NWJ needs a calibrated critic (its optimum is 1 + the log density ratio); InfoNCE fixes the critic only up to a shift per x, ' +
      'so NWJ read off an InfoNCE-trained critic can be far below zero or diverge. The gap between the training estimate and the test ' +
      'I_NCE is the critic and encoders fitting the 8,000 training digits.',
    '',
  );
  return { lines, rows };
}

/** A probe protocol in a phrase: its epochs and how its L2 penalty is set. */
function probePhrase(probe) {
  const chosen = probe.folds
    ? `by ${probe.folds}-fold cross-validation on the training split`
    : `on ${100 * probe.validationFraction}% of the training split held out`;
  return probe.weightDecays
    ? `${probe.epochs} epochs, the L2 penalty chosen per layer from ${probe.weightDecays.join(', ')} ${chosen}, then refitted on the whole training split`
    : `${probe.epochs} epochs at the fixed L2 penalty 1e-4`;
}

/** The protocol as a list, from the config. */
function protocol(cfg, record) {
  return [
    `- **Training.** Each method trains its encoder for the steps in its row, batch ${cfg.batchSize} unless its settings name another, Adam at the step size in its settings, ` +
      `on the ${record.backend ?? cfg.backend} backend with infomax's kernels: two single-threaded jobs at a time on 2 shared cores unless its settings name threads, so minutes move with the load.`,
    `- **Probe.** The encoder is frozen; a softmax regression on standardised features, Adam, ${probePhrase(cfg.probe)} ` +
      "(`tunedLinearProbe` of `@infomax/eval`, SimCLR's linear evaluation). Test accuracy in %.",
    ...Object.values(cfg.datasets)
      .filter((d) => d.probe)
      .map((d) => `- **${d.label}** has its own probe: ${probePhrase(d.probe)}.`),
    '- **Baseline.** Each layer is shown beside the same layer of the same encoder at its random initialisation (same seed); ' +
      "the gain is the code's difference. Several seeds give mean ± sample standard deviation.",
    "- **CMC and CPC** have one encoder per view or patch, so only their code is probed: CMC's is its views' codes concatenated " +
      "(crops: each encoder sees the whole image; one shared encoder: its own code), CPC's its patch codes averaged over the grid.",
    `- **Supervised** trains the same encoder with a linear softmax layer on its code (cross-entropy, ${cfg.supervised.steps} steps, same optimiser).`,
  ];
}

const REPRODUCE = [
  '```sh',
  'npm run build',
  'node tools/bench/representations/run.js --report-only   # this page, from docs/results/results.json',
  'node tools/bench/representations/run.js --list          # every job, and whether out/results/ holds it',
  "node tools/bench/representations/run.js --only fashion-mnist/cpc   # run the jobs out/results/ lacks (here CPC's), then this page",
  '```',
  '',
  'Each job trains in its own process and writes `tools/bench/representations/out/results/<job id>.json`; ' +
    'the run folds those into `docs/results/results.json` (an entry per method, replaced when its jobs ran again) and renders this page from it. ' +
    'Edit `config.json`, `notes.md` or `report.js`, not this page.',
];

/** The Graphs fragment, headed, or nothing where it is absent. */
function graphs(figures) {
  const file = path.join(figures, GRAPHS);
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8').trim();
  return [text.startsWith('## ') ? text : `## Graphs\n\n${text}`, ''];
}

/**
 * The page and its figures, rendered without writing anything.
 * @param record the record (record.js) to render
 * @param out null: docs/results.md and docs/results/*.png; else a trial's folder
 * @returns { md: the page's path, text, figures: [{ file, svg }] }
 */
function renderReport(cfg, jobs, record, out = null) {
  const md = out ? path.join(out, 'results.md') : path.join(ROOT, 'docs', 'results.md');
  const dir = out ?? path.join(ROOT, 'docs', 'results');
  const rel = (f) => path.relative(path.dirname(md), f).split(path.sep).join('/');
  // One probe protocol per table: entries probed another way wait for `run.js --reprobe`.
  const stale = staleEntries(cfg, record);
  const datasets = Object.keys(cfg.datasets).map((d) => ({ d, label: cfg.datasets[d].label, rows: rowsOf(jobs, record, d, stale) }));
  const halves = halvesSection(cfg, record, stale);
  const bars = datasets.flatMap(({ d, rows }) =>
    rows
      .filter((r) => r.job.kind !== 'random' && codeOf(r))
      .map((r) => {
        const random = rows.find((x) => x.job.method === r.job.random)?.entry?.layers.code ?? null;
        return {
          label: `${d}: ${r.job.kind === 'pixels' ? 'raw pixels' : `${r.job.title}, ${r.job.settings}`}`,
          value: codeOf(r).mean,
          random: random?.mean ?? null,
        };
      }),
  );
  const codes = bars.length ? { file: path.join(dir, 'codes.png'), svg: barsSvg(bars) } : null;
  const scatter = halves.rows.some((r) => r.critic)
    ? { file: path.join(dir, 'halves.png'), svg: scatterSvg(halves.rows, record.logB) }
    : null;
  const notes = fs.existsSync(NOTES) && !out ? [fs.readFileSync(NOTES, 'utf8').trim(), ''] : [];
  const text = [
    '---',
    'title: "Results: Fashion-MNIST and MNIST"',
    'group: Guides',
    '---',
    '',
    '# Results: linear-probe accuracy on Fashion-MNIST and MNIST',
    '',
    '<!-- Written by tools/bench/representations/run.js from docs/results/results.json; edit config.json, notes.md or report.js, not this file. -->',
    '',
    'Test accuracy (%) of a linear probe on what each objective taught an encoder, beside the same encoder at random initialisation. ' +
      'See [Protocol](#protocol) for how, and [Reproduce](#reproduce) for the commands.',
    '',
    ...(stale.length
      ? [
          `**Left out:** ${stale.length} entries probed under another protocol (${stale.join(', ')}); \`run.js --reprobe\` probes them again.`,
          '',
        ]
      : []),
    '## Summary',
    '',
    ...datasets.flatMap(({ label, rows }) => [`### ${label}`, '', ...summaryTable(rows), '']),
    '## All runs',
    '',
    ...datasets.flatMap(({ label, rows }) => [`### ${label}`, '', ...fullTable(rows), '']),
    codes ? `![code accuracy, trained vs random init](${rel(codes.file)})\n` : '',
    ...halves.lines,
    scatter ? `![MI estimate vs accuracy](${rel(scatter.file)})\n` : '',
    ...graphs(dir),
    '## Protocol',
    '',
    ...protocol(cfg, record),
    '',
    '## Reproduce',
    '',
    ...REPRODUCE,
    '',
    ...notes,
    '## Settings',
    '',
    'From `tools/bench/representations/config.json`:',
    '',
    '```json',
    JSON.stringify(cfg, null, 2),
    '```',
    '',
  ].join('\n');
  return { md, text, figures: [codes, scatter].filter(Boolean) };
}

/**
 * Writes the page and its figures (PNG, through the trainer's writePng).
 * @returns the files written
 */
async function writeReport(cfg, jobs, record, out = null) {
  // Loaded here, so that rendering alone needs no built trainer.
  const { writePng } = require('../../../apps/trainer/dist/plots');
  const { md, text, figures } = renderReport(cfg, jobs, record, out);
  for (const f of figures) await writePng(f.svg, f.file);
  fs.mkdirSync(path.dirname(md), { recursive: true });
  const tmp = `${md}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, md);
  return [md, ...figures.map((f) => f.file)];
}

module.exports = { renderReport, writeReport };
