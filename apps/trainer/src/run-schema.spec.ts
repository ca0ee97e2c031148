import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { readConfigFile, resolveConfig, runConfigJsonSchema } from './config';
import { ConfigError, EXIT } from './errors';
import { APP, errorLines, runInProcess } from './test-utils/cli';

const SCHEMA_FILE = path.join(APP, 'run.schema.json');
const EXAMPLES = path.join(APP, 'examples');
const examples = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
const validate = new Ajv({ strict: false }).compile(runConfigJsonSchema());

test('run.schema.json is the schema of resolveConfig (regenerate: node apps/trainer/dist/cli.js schema > apps/trainer/run.schema.json)', () => {
  expect(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(runConfigJsonSchema());
});

test('`infomax schema` prints it', async () => {
  const r = await runInProcess(['schema']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual(runConfigJsonSchema());
});

test.each(examples)('%s: names the schema on its first line, and the JSON Schema accepts it', async (file) => {
  expect(fs.readFileSync(path.join(EXAMPLES, file), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../run.schema.json');
  const raw = await readConfigFile(path.join(EXAMPLES, file));
  expect(validate(raw)).toBe(true);
  expect(resolveConfig(raw).out).toBe(raw.out);
});

test('the JSON Schema accepts a resolved config (config.json) and the empty one', () => {
  expect(validate({})).toBe(true);
  expect(validate(JSON.parse(JSON.stringify(resolveConfig({ log: { loggers: 'csv' } }))))).toBe(true);
});

test("the objective section is checked by its kind's keys, its input size and kind left to the run", () => {
  const good = [
    { objective: { estimator: 'nwj' } },
    { objective: { kind: 'cmc', views: { kind: 'crops', count: 3 } } },
    { objective: { kind: 'dim', inputShape: [28, 28, 1], seed: 3 } },
    { objective: null },
  ];
  expect(good.map((c) => validate(c))).toEqual([true, true, true, true]);
  const bad = [
    { objective: { kind: 'cmc', temperatur: 1 } },
    { objective: { estimator: 'mind' } },
    { objective: { kind: 'dimm' } },
    { objective: { kind: 'cpc', offsets: 0 } },
  ];
  expect(bad.map((c) => validate(c))).toEqual([false, false, false, false]);
});

test("the optimizer and schedule sections are checked by their kind's keys, as the engine declares them", () => {
  const good = [
    { optimizer: { kind: 'lars', momentum: 0.9, weightDecay: 1e-6, trustCoefficient: 0.002, clipNorm: 1 } },
    { optimizer: { betas: [0.9, 0.99] }, schedule: { warmupSteps: 5 } },
    { optimizer: { kind: 'sgd', nesterov: true, momentum: 0.9 }, schedule: { kind: 'step', every: 30, gamma: 0.5 } },
    { schedule: { kind: 'cosine', warmupSteps: 10, totalSteps: 100, minLr: 0 } },
    { schedule: { kind: 'cosine' } },
  ];
  expect(good.map((c) => validate(c))).toEqual(good.map(() => true));
  for (const c of good) expect(() => resolveConfig(c)).not.toThrow();
  const bad: Array<[Record<string, unknown>, string]> = [
    [{ optimizer: { kind: 'sgd', betas: [0.9, 0.99] } }, 'optimizer.betas'],
    [{ optimizer: { kind: 'adam', lr: 0.1 } }, 'optimizer.lr'],
    [{ optimizer: { kind: 'lars', trustCoefficient: 0 } }, 'optimizer.trustCoefficient'],
    [{ optimizer: { kind: 'adamw', momentum: 0.9 } }, 'optimizer.momentum'],
    [{ optimizer: { kind: 'rmsprop' } }, 'optimizer.kind'],
    [{ schedule: { kind: 'step' } }, 'schedule.every'],
    [{ schedule: { kind: 'constant', totalSteps: 10 } }, 'schedule.totalSteps'],
    [{ schedule: { kind: 'cosine', gamma: 0.5 } }, 'schedule.gamma'],
  ];
  expect(bad.map(([c]) => validate(c))).toEqual(bad.map(() => false));
  for (const [c, at] of bad) expect(() => resolveConfig(c)).toThrow(`config '${at}'`);
});

describe("the objective's augment key: every augmentation kind with its options", () => {
  const simclr = [
    { kind: 'randomResizedCrop', scale: [0.2, 1] },
    { kind: 'horizontalFlip' },
    { kind: 'colorJitter', brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8 },
    { kind: 'randomGrayscale', p: 0.2 },
    { kind: 'gaussianNoise', std: 0.02, clip: null },
  ];

  test('the JSON Schema accepts a SimCLR pipeline on any image objective, and rejects an unknown kind and bad options', () => {
    const kinds = ['simclr', 'dim', 'cmc', 'cpc'];
    expect(kinds.map((kind) => validate({ objective: { kind, augment: simclr } }))).toEqual([true, true, true, true]);
    const bad = [
      [{ kind: 'blur' }],
      [{ kind: 'randomResizedCrop', scale: [1.2, 0.5] }],
      [{ kind: 'randomResizedCrop', size: 0 }],
      [{ kind: 'horizontalFlip' }, { kind: 'horizontalFlip', p: 2 }],
      [{ kind: 'horizontalFlip', prob: 0.5 }],
      [{ kind: 'colorJitter', hue: 0.7 }],
      [{ kind: 'gaussianNoise' }],
      { kind: 'horizontalFlip' },
    ];
    expect(bad.map((augment) => validate({ objective: { kind: 'simclr', augment } }))).toEqual(bad.map(() => false));
  });

  test('a run with a bad option stops with one line naming its key path', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-augment-'));
    try {
      const file = path.join(dir, 'run.yaml');
      const augment = '[{ kind: randomResizedCrop, scale: [0.2, 1] }, { kind: horizontalFlip, p: 2 }]';
      fs.writeFileSync(file, `backend: wasm\ndata: { dataset: synthetic, count: 200 }\nobjective: { kind: simclr, augment: ${augment} }\n`);
      const r = await runInProcess(['train', '-c', file, '-o', path.join(dir, 'out')]);
      expect(r.code).toBe(EXIT.usage);
      expect(errorLines(r.stderr)).toEqual(["infomax: ConfigError: config 'objective.augment[1].p': expected a number in [0, 1], got 2"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test.each([
  [{ train: { stpes: 3 } }, 'train.stpes'],
  [{ trian: {} }, 'trian'],
  [{ data: { channels: 2 } }, 'data.channels'],
  [{ seed: -1 }, 'seed'],
  [{ train: { learningRate: 0 } }, 'train.learningRate'],
  [{ eval: { layer: 'pool' } }, 'eval.layer'],
  [{ log: { loggers: ['csv', 'xml'] } }, 'log.loggers[1]'],
  [{ objective: 3 }, 'objective'],
])('%p: rejected by the JSON Schema and by resolveConfig (at %s)', (raw, at) => {
  expect(validate(raw)).toBe(false);
  expect(() => resolveConfig(raw)).toThrow(ConfigError);
  try {
    resolveConfig(raw);
  } catch (e) {
    expect((e as ConfigError).path).toBe(at);
  }
});
