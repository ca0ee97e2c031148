/**
 * The quick start's result is quoted in one form, its summary line
 * (`linear probe, 64-d code: 92.7% (random-init encoder: 84.5%)`), and every quote must
 * be the line docs/benchmarks/trainer.json recorded — written by tools/bench/trainer/run.js,
 * which runs the quick start's command — for the quick start the trainer runs today.
 */
import * as fs from 'fs';
import { resolveConfig } from '../../trainer/src/config';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const quotes = require('../../../tools/bench/trainer/quotes.js') as {
  BENCH_JSON: string;
  QUOTING_DOCS: string[];
  SUMMARY_LINE: RegExp;
  findQuotes: () => Array<{ file: string; line: number; text: string }>;
};

interface BenchRun {
  summary: string;
  steps: number;
  trainedPercent: number;
  randomInitPercent: number;
  testAccuracy: number;
  randomInitTestAccuracy: number;
}
interface Bench {
  summary: string;
  same: boolean;
  config: Record<string, unknown> & { objective: Record<string, unknown> };
  runs: BenchRun[];
}

const bench = JSON.parse(fs.readFileSync(quotes.BENCH_JSON, 'utf8')) as Bench;

describe('quoted quick-start figures', () => {
  it("trainer.json: the quoted line is the first run's, and its figures are the run's metrics rounded", () => {
    expect(bench.runs.length).toBeGreaterThanOrEqual(1);
    expect(bench.summary).toBe(bench.runs[0].summary);
    for (const run of bench.runs) {
      const m = new RegExp(`^${quotes.SUMMARY_LINE.source}$`).exec(run.summary);
      expect(m).not.toBeNull();
      expect(Number(m![3])).toBe(run.trainedPercent);
      expect(Number(m![4])).toBe(run.randomInitPercent);
      expect((100 * run.testAccuracy).toFixed(1)).toBe(m![3]);
      expect((100 * run.randomInitTestAccuracy).toFixed(1)).toBe(m![4]);
      expect(run.steps).toBeGreaterThan(0);
    }
    expect(bench.same).toBe(bench.runs.every((r) => r.summary === bench.summary && r.steps === bench.runs[0].steps));
  });

  it('trainer.json was measured with the quick start the trainer runs now (its default config)', () => {
    const defaults = resolveConfig({}) as unknown as Record<string, unknown> & { objective: Record<string, unknown> };
    for (const key of ['seed', 'backend', 'data', 'train', 'optimizer', 'schedule', 'checkpoint', 'log', 'eval']) {
      expect({ [key]: bench.config[key] }).toEqual({ [key]: defaults[key] });
    }
    expect(bench.config.objective).toMatchObject(defaults.objective);
  });

  it("every doc that quotes the result quotes trainer.json's line, and each quotes it at least once", () => {
    const found = quotes.findQuotes();
    for (const file of quotes.QUOTING_DOCS) expect(found.filter((q) => q.file === file).length).toBeGreaterThanOrEqual(1);
    const wrong = found.filter((q) => q.text !== bench.summary).map((q) => `${q.file}:${q.line}: '${q.text}'`);
    expect(wrong).toEqual([]);
  });
});
