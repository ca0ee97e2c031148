// The one form in which the docs quote the quick start's result: its summary line,
// `linear probe, 64-d code: 92.7% (random-init encoder: 84.5%)`, exactly as
// `npm start` prints it. run.js writes it into the docs below from
// docs/benchmarks/trainer.json; apps/docs-test checks every quote against that file.
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..', '..');

/** The measured figures: docs/benchmarks/trainer.json. */
const BENCH_JSON = path.join(ROOT, 'docs', 'benchmarks', 'trainer.json');

/** The docs that quote the quick start's result, relative to the repository root. */
const QUOTING_DOCS = [
  'README.md',
  'apps/trainer/README.md',
  'docs/guides/quick-start.md',
  'docs/guides/results.md',
  'docs/benchmarks/trainer.md',
];

/** The summary line; groups: code size, layer, trained %, random-init %. */
const SUMMARY_LINE = /linear probe, (\d+)-d (\w+): (\d+\.\d)% \(random-init encoder: (\d+\.\d)%\)/g;

/**
 * Every quote of the summary line in the quoting docs.
 * @returns [{ file, line (1-based), text }]
 */
function findQuotes(root = ROOT) {
  const quotes = [];
  for (const file of QUOTING_DOCS) {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    lines.forEach((l, i) => {
      for (const m of l.matchAll(SUMMARY_LINE)) quotes.push({ file, line: i + 1, text: m[0] });
    });
  }
  return quotes;
}

/**
 * Rewrites every quote of the summary line in the quoting docs to `summary`.
 * @returns the files that changed
 */
function writeQuotes(summary, root = ROOT) {
  const changed = [];
  for (const file of QUOTING_DOCS) {
    const full = path.join(root, file);
    const text = fs.readFileSync(full, 'utf8');
    const next = text.replace(SUMMARY_LINE, summary);
    if (next !== text) {
      fs.writeFileSync(full, next);
      changed.push(file);
    }
  }
  return changed;
}

module.exports = { BENCH_JSON, QUOTING_DOCS, SUMMARY_LINE, findQuotes, writeQuotes };
