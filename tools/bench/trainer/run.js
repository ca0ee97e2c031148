#!/usr/bin/env node
// The quick start's benchmark: runs `npm start`'s command — the built CLI,
// `node apps/trainer/dist/cli.js train --overwrite`, into a temporary run folder — twice,
// to show that it gives the same result each time, and records for each run the wall
// time, the steps and images it trained, its median step, the engine's backend line and
// the trained and random-init probe accuracies (from its summary line and metrics.jsonl).
// Writes docs/benchmarks/trainer.json, the quick-start table of docs/benchmarks/trainer.md,
// and the summary line wherever the docs quote it (quotes.js).
//
// Build first: npm run build
// Usage: node tools/bench/trainer/run.js [--runs 2] [--report-only]
//   --report-only   rewrites the table and the quotes from trainer.json without running
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { BENCH_JSON, SUMMARY_LINE, writeQuotes } = require('./quotes');
const { PAGE, writeBetween } = require('./page');

const ROOT = path.join(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'apps', 'trainer', 'dist', 'cli.js');
const BEGIN = '<!-- quick-start table: written by tools/bench/trainer/run.js from trainer.json -->';
const END = '<!-- end of the quick-start table -->';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Runs the CLI; resolves to { code, stdout, stderr, seconds }. */
function runCli(args) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One quick-start run in a fresh folder: what it printed and what its run folder holds. */
async function quickStart() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-quickstart-'));
  try {
    const r = await runCli(['train', '--overwrite', '-o', dir]);
    const summary = r.stdout.trim().split('\n').pop() ?? '';
    const match = new RegExp(`^${SUMMARY_LINE.source}$`).exec(summary);
    if (r.code !== 0 || !match)
      throw new Error(`the quick start exited ${r.code} without its summary line:\n${r.stderr.slice(-2000)}${r.stdout.slice(-500)}`);
    const metrics = fs
      .readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const final = metrics.filter((m) => m.kind === 'eval').pop();
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    const stepMs = metrics.filter((m) => m.kind === 'step').map((m) => m.ms);
    const trained = /trained (\d+) steps in (\d+) s/.exec(r.stderr);
    return {
      config,
      run: {
        wallSeconds: Math.round(r.seconds * 10) / 10,
        trainSeconds: trained ? Number(trained[2]) : null,
        steps: final.step,
        images: final.step * config.train.batchSize,
        medianStepMs: stepMs.length ? median(stepMs) : null,
        engine: r.stderr.split('\n').find((l) => l.startsWith('infomax engine:')) ?? null,
        summary,
        trainedPercent: Number(match[3]),
        randomInitPercent: Number(match[4]),
        testAccuracy: final.testAccuracy,
        trainAccuracy: final.trainAccuracy,
        randomInitTestAccuracy: final.randomInitTestAccuracy,
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const minSec = (s) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
const pct = (v) => `${(100 * v).toFixed(1)} %`;

/** The training budget of the quick start's config, in words. */
function budget(train) {
  const limits = [
    train.steps !== null && `${train.steps} steps (\`train.steps\`)`,
    train.epochs !== null && `${train.epochs} epochs (\`train.epochs\`)`,
    train.timeBudget !== null && `${train.timeBudget} s of training (\`train.timeBudget\`)`,
  ].filter(Boolean);
  return `Budget: ${limits.join(', or ')}${limits.length > 1 ? ', whichever comes first' : ''}.`;
}

/** The quick-start table, as markdown lines. */
function table(bench) {
  const lines = [
    `Measured ${bench.date} on ${bench.machine.cpus} cores (${bench.machine.model}; load average ${bench.machine.loadAverage.join(', ')} at the start), ` +
      `Node ${bench.machine.node}; \`${(bench.runs[0].engine ?? 'no engine line').split('; not used:')[0]}\`. ${budget(bench.config.train)}`,
    '',
    '| run | wall time | steps (images) | median step | trained code | random-init code |',
    '|---|---|---|---|---|---|',
    ...bench.runs.map(
      (r, i) =>
        `| ${i + 1} | ${minSec(r.wallSeconds)} | ${r.steps} (${r.images.toLocaleString('en-US')}) | ` +
        `${r.medianStepMs === null ? '—' : `${Math.round(r.medianStepMs)} ms`} | ${pct(r.testAccuracy)} (train ${pct(r.trainAccuracy)}) | ${pct(r.randomInitTestAccuracy)} |`,
    ),
    '',
    bench.same
      ? `Every run printed the same line: \`${bench.summary}\`.`
      : `The runs differ (a time budget fits fewer steps into a busier machine); the docs quote the first: \`${bench.summary}\`.`,
  ];
  return lines;
}

async function main() {
  let bench;
  if (process.argv.includes('--report-only')) {
    bench = JSON.parse(fs.readFileSync(BENCH_JSON, 'utf8'));
  } else {
    if (!fs.existsSync(CLI)) throw new Error(`${path.relative(ROOT, CLI)} is missing: run npm run build first`);
    const runs = Number(arg('runs', 2));
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got '${arg('runs')}'`);
    const machine = {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model.trim() ?? 'unknown',
      loadAverage: os.loadavg().map((v) => Number(v.toFixed(1))),
      node: process.version,
    };
    const done = [];
    let config = null;
    for (let i = 0; i < runs; i++) {
      const r = await quickStart();
      config = r.config;
      done.push(r.run);
      console.log(`run ${i + 1}: ${r.run.summary} — ${r.run.steps} steps, ${minSec(r.run.wallSeconds)}`);
    }
    const { out: _out, ...quickStartConfig } = config;
    bench = {
      command: 'node apps/trainer/dist/cli.js train --overwrite -o <temporary folder>',
      date: new Date().toISOString().slice(0, 10),
      machine,
      config: quickStartConfig,
      runs: done,
      same: done.every((r) => r.summary === done[0].summary && r.steps === done[0].steps),
      summary: done[0].summary,
    };
    fs.writeFileSync(BENCH_JSON, `${JSON.stringify(bench, null, 2)}\n`);
  }
  writeBetween(BEGIN, END, table(bench));
  const changed = writeQuotes(bench.summary);
  console.log(table(bench).join('\n'));
  console.log(
    `wrote ${[BENCH_JSON, PAGE].map((f) => path.relative(ROOT, f)).join(', ')}${changed.length ? `; quotes updated in ${changed.join(', ')}` : ''}`,
  );
}

main().catch((e) => {
  console.error(`trainer bench: ${e.message}`);
  process.exitCode = 1;
});
