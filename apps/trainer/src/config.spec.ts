import { applyOverrides, QUICK_START_STEPS, resolveConfig } from './config';
import { ConfigError } from './errors';
import { rejects } from './test-utils/config-errors';

test('an empty config is the quick start: DIM on the bundled digits, batch 64, Adam 1e-4, 400 steps (no time budget)', () => {
  const c = resolveConfig({});
  expect(c.objective).toEqual({ kind: 'dim' });
  expect(c.data.dataset).toBe('digits');
  expect(c.train).toEqual({ batchSize: 64, learningRate: 1e-4, steps: QUICK_START_STEPS, epochs: null, timeBudget: null, threads: null });
  expect(QUICK_START_STEPS).toBe(400);
  expect(c.eval.layer).toBe('code');
  expect(c.checkpoint).toEqual({ every: 500, keep: 2 });
});

test('an epoch limit or a time budget drops the default step count; given limits stay', () => {
  expect(resolveConfig({ train: { epochs: 2 } }).train.steps).toBeNull();
  expect(resolveConfig({ train: { timeBudget: 5 } }).train.steps).toBeNull();
  expect(resolveConfig({ train: { steps: 10 } }).train).toMatchObject({ steps: 10, epochs: null, timeBudget: null });
  expect(resolveConfig({ train: { steps: 10, timeBudget: 5 } }).train).toMatchObject({ steps: 10, timeBudget: 5 });
});

test('unknown keys are rejected with their full path', () => {
  rejects({ trian: {} }, 'trian');
  rejects({ train: { stpes: 3 } }, 'train.stpes');
  rejects({ data: { folder: 'x' } }, 'data.folder');
});

test('bad values are rejected with their path and what was expected', () => {
  rejects({ train: { steps: 0 } }, 'train.steps');
  rejects({ train: { steps: 'abc' } }, 'train.steps');
  rejects({ train: { learningRate: -1 } }, 'train.learningRate');
  rejects({ data: { dataset: 'mnist2' } }, 'data.dataset');
  rejects({ data: { dataset: 'idx' } }, 'data.path');
  rejects({ eval: { layer: 'pool' } }, 'eval.layer');
  rejects({ objective: { kind: 3 } }, 'objective.kind');
  rejects({ backend: 'gpu' }, 'backend');
  expect(() => resolveConfig({ train: { steps: 2.5 } })).toThrow(/integer in 1\.\.∞, got 2\.5/);
});

test('flags override the file; --set parses YAML values into nested keys', () => {
  const base = { train: { steps: 5, batchSize: 32 }, objective: { kind: 'dim', encoder: { kind: 'dcgan', fc: [8] } } };
  const raw = applyOverrides(base, { 'train.steps': 9, 'objective.estimator': undefined }, [
    'objective.encoder.codeSize=16',
    'eval.knn=true',
  ]);
  const c = resolveConfig(raw);
  expect(c.train.steps).toBe(9);
  expect(c.train.batchSize).toBe(32);
  expect(c.objective).toEqual({ kind: 'dim', encoder: { kind: 'dcgan', fc: [8], codeSize: 16 } });
  expect(c.eval.knn).toBe(true);
  expect(() => applyOverrides({}, {}, ['nokey'])).toThrow(ConfigError);
});

test('a resolved config resolves to itself (config.json round trip)', () => {
  const c = resolveConfig({ train: { steps: 3 }, data: { dataset: 'synthetic', count: 100 } });
  expect(resolveConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
});

test('data.dataset tu: InfoGraph is the default objective, only graph objectives are taken, and image objectives refuse graphs', () => {
  const c = resolveConfig({ data: { dataset: 'tu', path: 'tu/MUTAG' } });
  expect([c.data.dataset, c.data.path, c.objective]).toEqual(['tu', 'tu/MUTAG', { kind: 'infograph' }]);
  expect(resolveConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
  expect(resolveConfig({}).objective).toEqual({ kind: 'dim' });
  const refused = (raw: unknown, key: string) => {
    try {
      resolveConfig(raw);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).path).toBe(key);
      return (e as Error).message;
    }
    throw new Error(`${JSON.stringify(raw)} was accepted`);
  };
  expect(refused({ data: { dataset: 'tu', path: 'x' }, objective: { kind: 'cpc' } }, 'objective.kind')).toMatch(
    /'cpc' trains on images, but data\.dataset 'tu' holds graphs/,
  );
  expect(refused({ data: { dataset: 'cifar10', path: 'x' }, objective: { kind: 'infograph' } }, 'objective.kind')).toMatch(
    /data\.dataset 'cifar10' holds images/,
  );
  expect(refused({ data: { dataset: 'tu' } }, 'data.path')).toMatch(/a folder: dataset 'tu' reads its files from data\.path/);
  expect(refused({ data: { dataset: 'tu', path: 'x' }, eval: { knn: true } }, 'eval.knn')).toMatch(/cross-validated linear probe/);
});
