/**
 * Sweep files: expansion into cells (count, order, ids, configs) and the bad inputs a
 * sweep refuses before it runs anything, each with one error line and its exit code.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveConfig } from '../config';
import { EXIT } from '../errors';
import { errorLines, runInProcess, writeTinyConfig } from '../test-utils/cli';
import { freePort } from '../test-utils/redis';
import { readSweep } from './grid';
import { meanStd } from './report';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-grid-'));
  writeTinyConfig(tmp);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes a sweep file (YAML lines) based on the tiny run config. */
function grid(name: string, ...lines: string[]): string {
  const file = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(file, ['base: tiny.yaml', `out: ${path.join(tmp, 'runs')}`, ...lines].join('\n'));
  return file;
}

test('2 learning rates × 2 bounds × 3 seeds: 12 cells, first axis slowest, ids from the diff, each a valid run config in <out>/<name>/<id>', async () => {
  const file = grid(
    'lr-bounds',
    'axes:',
    '  train.learningRate: [1.0e-4, 1.0e-3]',
    '  objective.estimator: [jsd, infonce]',
    'seeds: [0, 1, 2]',
  );
  const sweep = await readSweep(file);
  expect(sweep.name).toBe('lr-bounds');
  expect(sweep.dir).toBe(path.join(tmp, 'runs', 'lr-bounds'));
  expect(sweep.axes).toEqual(['train.learningRate', 'objective.estimator', 'seed']);
  expect(sweep.cells).toHaveLength(12);
  expect(sweep.cells[0].id).toBe('learningRate-0.0001_estimator-jsd_seed-0');
  expect(sweep.cells[1].diff).toEqual({ 'train.learningRate': 1e-4, 'objective.estimator': 'jsd', seed: 1 });
  expect(sweep.cells[11].id).toBe('learningRate-0.001_estimator-infonce_seed-2');
  expect(new Set(sweep.cells.map((c) => c.id)).size).toBe(12);
  for (const cell of sweep.cells) {
    const config = resolveConfig(cell.config);
    expect(config.out).toBe(path.join(sweep.dir, cell.id));
    expect(config.train.learningRate).toBe(cell.diff['train.learningRate']);
    expect(config.seed).toBe(cell.diff.seed);
    expect(config.objective.estimator).toBe(cell.diff['objective.estimator']);
    expect(config.train.steps).toBe(12); // the base's, untouched
  }
  // The same file gives the same cells.
  expect((await readSweep(file)).cells).toEqual(sweep.cells);
  // --out moves the sweep's folder, not its cell ids.
  const moved = await readSweep(file, path.join(tmp, 'elsewhere'));
  expect(moved.cells.map((c) => c.id)).toEqual(sweep.cells.map((c) => c.id));
  expect(moved.dir).toBe(path.join(tmp, 'elsewhere', 'lr-bounds'));
});

test('labels that share a last key part keep more of their path; a structured value replaces the base section and is named by a hash', async () => {
  const sweep = await readSweep(
    grid(
      'labels',
      'axes:',
      '  objective.kind: [dim]',
      '  objective.encoder.kind: [dcgan]',
      '  objective.encoder: [{ kind: dcgan, filters: [8, 16], fc: [32], codeSize: 8 }]',
    ),
  );
  expect(sweep.cells).toHaveLength(1);
  const [cell] = sweep.cells;
  expect(cell.id).toMatch(/^objective\.kind-dim_encoder\.kind-dcgan_encoder-h[0-9a-f]{8}$/);
  expect((cell.config.objective as { encoder: unknown }).encoder).toEqual({ kind: 'dcgan', filters: [8, 16], fc: [32], codeSize: 8 });
  expect((await readSweep(path.join(tmp, 'labels.yaml'))).cells[0].id).toBe(cell.id);
});

test("the guide's sweep file expands as the guide says: 18 cells, the folder it names among them", async () => {
  const guide = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'docs', 'guides', 'sweeps.md'), 'utf8');
  const yaml = /```yaml\n# grid\.yaml\n([\s\S]*?)```/.exec(guide)?.[1] ?? '';
  const file = path.join(tmp, 'guide.yaml');
  fs.writeFileSync(file, yaml.replace('base: dim.yaml', 'base: tiny.yaml').replace('out: runs', `out: ${path.join(tmp, 'runs')}`));
  const sweep = await readSweep(file);
  expect(sweep.cells).toHaveLength(18);
  expect(sweep.cells.map((c) => c.id)).toContain('learningRate-0.0005_estimator-infonce_seed-2');
});

test('mean and sample standard deviation: closed form on 1..4, one value has no spread', () => {
  const s = meanStd([1, 2, 3, 4]);
  expect(s.mean).toBe(2.5);
  expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
  expect(meanStd([0.9])).toEqual({ mean: 0.9, std: null });
});

describe('bad sweep files and options: one error line and the documented exit code, before any cell runs', () => {
  const cases: Array<[string, string[], number, RegExp]> = [
    ['unknown axis path', ['axes:', '  train.stpes: [1, 2]'], EXIT.usage, /config 'axes\.train\.stpes'.*unknown key/],
    ['unknown objective key', ['axes:', '  objective.estimatr: [jsd]'], EXIT.usage, /config 'axes\.objective\.estimatr'.*no such key/],
    [
      'unknown encoder key',
      ['axes:', '  objective.encoder.filtrs: [[8, 16]]'],
      EXIT.usage,
      /config 'axes\.objective\.encoder\.filtrs'.*option 'filtrs': unknown key/,
    ],
    [
      'empty axis',
      ['axes:', '  train.learningRate: []'],
      EXIT.usage,
      /config 'axes\.train\.learningRate': expected a list of at least one value, got \[\]/,
    ],
    [
      'bad axis value',
      ['axes:', '  train.learningRate: [1.0e-3, -1]'],
      EXIT.usage,
      /config 'axes\.train\.learningRate'.*positive|config 'axes\.train\.learningRate'.*expected/,
    ],
    [
      'value listed twice',
      ['seeds: [0, 0]'],
      EXIT.usage,
      /config 'axes\.seed': expected each value once \(0 is listed twice\), got \[0, 0\]/,
    ],
    ['out as an axis', ['axes:', '  out: [a, b]'], EXIT.usage, /config 'axes\.out': expected an axis other than 'out'/],
    ['seeds twice', ['axes:', '  seed: [0]', 'seeds: [1]'], EXIT.usage, /config 'seeds': expected no 'seed' axis beside it/],
    [
      'unknown sweep key',
      ['axis:', '  seed: [0]'],
      EXIT.usage,
      /config 'axis': unknown key; known keys: name, out, base, axes, seeds \(in the sweep file '.*'\)/,
    ],
    ['axis not a list', ['axes:', '  seed: 3'], EXIT.usage, /config 'axes\.seed': expected a list of at least one value, got 3/],
  ];
  test.each(cases)('%s', async (name, lines, code, message) => {
    const r = await runInProcess(['sweep', grid(name.replace(/ /g, '-'), ...lines), '--status']);
    expect(r.code).toBe(code);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(errorLines(r.stderr)[0]).toMatch(message);
    expect(fs.existsSync(path.join(tmp, 'runs', name.replace(/ /g, '-')))).toBe(false);
  });

  test('--detach without --queue is a usage error', async () => {
    const r = await runInProcess(['sweep', grid('detach', 'seeds: [0]'), '--detach']);
    expect(r.code).toBe(EXIT.usage);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/config '--detach': needs --queue/)]);
  });

  test('a queue URL that is not redis:// is a usage error; a Redis nobody serves is exit 7', async () => {
    const file = grid('queue-url', 'seeds: [0]');
    const notRedis = await runInProcess(['sweep', file, '--queue', 'http://127.0.0.1:1']);
    expect(notRedis.code).toBe(EXIT.usage);
    expect(errorLines(notRedis.stderr)).toEqual([expect.stringMatching(/config '--queue': expected redis:\/\/host:port/)]);
    const port = await freePort();
    for (const args of [
      ['sweep', file, '--queue', `redis://127.0.0.1:${port}`],
      ['worker', '--queue', `redis://127.0.0.1:${port}`],
    ]) {
      const r = await runInProcess(args);
      expect(r.code).toBe(EXIT.queue);
      expect(errorLines(r.stderr)).toEqual([
        expect.stringMatching(new RegExp(`QueueError: cannot reach Redis at redis://127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED`)),
      ]);
    }
  });
});
