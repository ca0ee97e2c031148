/**
 * docs/results.md is generated: it must be exactly what tools/bench/representations
 * renders from the committed record (docs/results/results.json), figures included, so
 * that a clean clone regenerates it byte for byte (`run.js --report-only`) and nobody
 * edits the page or the record by hand. The summary is checked against the record.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';

const ROOT = path.resolve(__dirname, '../../..');
const BENCH = path.join(ROOT, 'tools/bench/representations');
/* eslint-disable @typescript-eslint/no-require-imports */
const { loadConfig, jobsOf } = require(path.join(BENCH, 'jobs.js'));
const { readRecord, updateRecord, formatRecord } = require(path.join(BENCH, 'record.js'));
const { renderReport } = require(path.join(BENCH, 'report.js'));
/* eslint-enable @typescript-eslint/no-require-imports */

interface Entry {
  dataset: string;
  method: string;
  kind: string;
  layers: Record<string, { mean: number; std: number | null; dim: number }>;
}
interface Job {
  dataset: string;
  method: string;
  kind: string;
  title: string;
  settings: string;
}

const RECORD = path.join(ROOT, 'docs/results/results.json');
const cfg = loadConfig();
const jobs = jobsOf(cfg) as Job[];
const record = readRecord(RECORD) as { groups: Entry[] };
const rendered = renderReport(cfg, jobs, record) as { md: string; text: string; figures: Array<{ file: string; svg: string }> };

describe('docs/results.md', () => {
  it('is the committed record rendered, byte for byte', () => {
    expect(rendered.md).toBe(path.join(ROOT, 'docs/results.md'));
    expect(fs.readFileSync(rendered.md, 'utf8')).toBe(rendered.text);
  });

  // Not byte for byte: the text in a PNG is drawn with the machine's fonts.
  it('its two figures are the record drawn: same size as the committed PNGs', async () => {
    expect(rendered.figures.map((f) => path.basename(f.file))).toEqual(['codes.png', 'halves.png']);
    for (const f of rendered.figures) {
      const drawn = await sharp(Buffer.from(f.svg)).png().metadata();
      const committed = await sharp(f.file).metadata();
      expect([committed.width, committed.height]).toEqual([drawn.width, drawn.height]);
    }
  });

  it('the record is in its written form and has an entry for every (dataset, method) of the config', () => {
    expect(formatRecord(updateRecord(cfg, jobs, record, []))).toBe(fs.readFileSync(RECORD, 'utf8'));
    const keys = new Set(jobs.filter((j) => j.kind !== 'halves').map((j) => `${j.dataset}/${j.method}`));
    expect(new Set(record.groups.map((g) => `${g.dataset}/${g.method}`))).toEqual(keys);
  });

  it('the summary table of each dataset lists the best code of each method family, as the record has it', () => {
    for (const [dataset, { label }] of Object.entries(cfg.datasets as Record<string, { label: string }>)) {
      const section = rendered.text.split('## All runs')[0].split(`### ${label}`)[1].split('\n\n')[1];
      const rows = section
        .split('\n')
        .slice(2)
        .map((l) =>
          l
            .split('|')
            .slice(1, -1)
            .map((c) => c.trim()),
        );
      const best = new Map<string, Entry>();
      for (const g of record.groups.filter((x) => x.dataset === dataset && x.kind === 'unsupervised')) {
        const family = jobs.find((j) => j.dataset === dataset && j.method === g.method)!.title.split(',')[0];
        if (!best.has(family) || g.layers.code.mean > best.get(family)!.layers.code.mean) best.set(family, g);
      }
      expect(rows.length).toBeGreaterThanOrEqual(best.size + 3); // + raw pixels, random init, supervised
      for (const [family, g] of best) {
        const job = jobs.find((j) => j.dataset === dataset && j.method === g.method)!;
        const row = rows.find((r) => r[0] === job.title && r[1] === job.settings);
        expect({ family, code: row?.[2] }).toEqual({
          family,
          code: expect.stringMatching(new RegExp(`^${g.layers.code.mean.toFixed(1)}( ± |$)`)),
        });
      }
    }
  });
});

describe('the representations bench config', () => {
  const withMethod = (extra: Record<string, unknown>) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-bench-config-')), 'config.json');
    const raw = JSON.parse(fs.readFileSync(path.join(BENCH, 'config.json'), 'utf8'));
    const method = { ...raw.methods.find((m: { id: string }) => m.id === 'dim-l-infonce-lr5e-4'), id: 'probe-me', ...extra };
    fs.writeFileSync(file, JSON.stringify({ ...raw, methods: [method] }));
    return file;
  };

  it("gives a method's own batch size to its jobs, and the top-level one to the others", () => {
    expect(jobs.filter((j) => j.method === 'dim-l-infonce-batch128').map((j) => (j as Job & { batchSize?: number }).batchSize)).toEqual([
      128,
    ]);
    const own = (jobsOf(loadConfig(withMethod({ batchSize: 32 }))) as Array<Job & { batchSize?: number }>).filter(
      (j) => j.method === 'probe-me',
    );
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((j) => j.batchSize === 32)).toBe(true);
    const top = (jobsOf(loadConfig(withMethod({}))) as Array<Job & { batchSize?: number }>).filter((j) => j.method === 'probe-me');
    expect(top.length).toBe(own.length);
    expect(top.every((j) => j.batchSize === undefined)).toBe(true);
  });

  it('refuses a batch size that is not an integer ≥ 2, naming the method', () => {
    for (const bad of [1, 64.5, '64']) {
      const file = withMethod({ batchSize: bad });
      expect(() => loadConfig(file)).toThrow(`${file}: method 'probe-me' batchSize must be an integer ≥ 2`);
    }
  });
});
