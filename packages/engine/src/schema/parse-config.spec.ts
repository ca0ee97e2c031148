import Ajv from 'ajv';
import { bool, byKind, finite, int, list, nullish, object, oneOf, optional, reject, text } from './fields';
import { keyPath } from './issues';
import { jsonSchemaOf, parseConfig } from './parse-config';

class TestError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}
const fail = (path: string, message: string) => new TestError(path, message);

/** The error `parseConfig` throws for `raw` (fails the test when it throws nothing). */
function rejected(schema: Parameters<typeof parseConfig>[0], raw: unknown): { path: string; message: string } {
  try {
    parseConfig(schema, raw, fail);
  } catch (e) {
    expect(e).toBeInstanceOf(TestError);
    return { path: (e as TestError).path, message: (e as TestError).message };
  }
  throw new Error('expected an error, nothing was thrown');
}

const RUN = object({
  seed: nullish(int(0, 100), 0),
  backend: nullish(oneOf(['auto', 'wasm'] as const), 'auto'),
  train: optional(
    object({
      steps: nullish(int(1), null),
      epochs: nullish(int(1), null),
      lr: nullish(finite({ above: 0 }), 1e-4),
    }).transform((t, ctx) =>
      t.steps !== null && t.epochs !== null ? reject(ctx, ['epochs'], 'no epochs when steps is given', t.epochs) : t,
    ),
    {},
  ),
  shape: optional(list(int(1), { length: 2 }), [4, 4]),
  name: optional(text(), 'run'),
  knn: optional(bool(), false),
  objective: optional(object({ kind: optional(text(), 'dim') }, { loose: true, what: 'an object with a kind' }), { kind: 'dim' }),
  loggers: optional(list(oneOf(['csv', 'tb'] as const)).or(text()), []),
});

test('defaults are filled in, null means absent, loose sections keep their keys', () => {
  expect(parseConfig(RUN, { seed: null, objective: { kind: 'cmc', views: 2 } }, fail)).toEqual({
    seed: 0,
    backend: 'auto',
    train: { steps: null, epochs: null, lr: 1e-4 },
    shape: [4, 4],
    name: 'run',
    knn: false,
    objective: { kind: 'cmc', views: 2 },
    loggers: [],
  });
});

test.each([
  [{ seed: 2.5 }, 'seed', 'expected an integer in 0..100, got 2.5'],
  [{ seed: 101 }, 'seed', 'expected an integer in 0..100, got 101'],
  [{ seed: 'x' }, 'seed', "expected an integer in 0..100, got 'x'"],
  [{ train: { lr: NaN } }, 'train.lr', 'expected a finite number > 0, got NaN'],
  [{ train: { lr: Infinity } }, 'train.lr', 'expected a finite number > 0, got Infinity'],
  [{ train: { lr: -Infinity } }, 'train.lr', 'expected a finite number > 0, got -Infinity'],
  [{ train: { lr: 0 } }, 'train.lr', 'expected a finite number > 0, got 0'],
  [{ backend: 'gpu' }, 'backend', "expected one of auto, wasm, got 'gpu'"],
  [{ name: '' }, 'name', "expected a non-empty string, got ''"],
  [{ knn: 'maybe' }, 'knn', "expected true or false, got 'maybe'"],
  [{ shape: [4] }, 'shape', 'expected a list of 2 values, each an integer in 1..∞, got [4]'],
  [{ shape: [4, 0] }, 'shape[1]', 'expected an integer in 1..∞, got 0'],
  [{ train: [1] }, 'train', 'expected an object, got [1]'],
  [{ objective: 3 }, 'objective', 'expected an object with a kind, got 3'],
  [{ loggers: ['csv', 'x'] }, 'loggers[1]', "expected one of csv, tb, got 'x'"],
  [{ train: { steps: 3, epochs: 2 } }, 'train.epochs', 'expected no epochs when steps is given, got 2'],
  [{ shape: { a: [1, NaN], b: 'c' } }, 'shape', "expected a list of 2 values, each an integer in 1..∞, got { a: [1, NaN], b: 'c' }"],
])('%p: %s: %s', (raw, path, message) => {
  expect(rejected(RUN, raw)).toEqual({ path, message });
});

test('an unknown key is named with its full path and the known keys, before any other problem', () => {
  expect(rejected(RUN, { trian: {} })).toEqual({
    path: 'trian',
    message: 'unknown key; known keys: seed, backend, train, shape, name, knn, objective, loggers',
  });
  expect(rejected(RUN, { seed: -1, train: { stpes: 3 } })).toEqual({
    path: 'train.stpes',
    message: "unknown key; known keys of 'train': steps, epochs, lr",
  });
});

test('__proto__, constructor and prototype keys are refused with their path, and nothing gains a key', () => {
  const raw = JSON.parse('{"train": {"__proto__": {"x": 1}}}');
  expect(rejected(RUN, raw)).toEqual({
    path: 'train.__proto__',
    message:
      "expected a key other than __proto__, constructor, prototype (they would reach JavaScript's object prototype), got '__proto__'",
  });
  expect(rejected(RUN, { objective: { constructor: 1 } }).path).toBe('objective.constructor');
  expect(rejected(RUN, { shape: [{ prototype: 1 }] }).path).toBe('shape[0].prototype');
  expect(Object.keys(Object.prototype)).toEqual([]);
});

test('key paths: dots between keys, brackets around indices', () => {
  expect(keyPath([])).toBe('');
  expect(keyPath(['blocks', 0, 'units'])).toBe('blocks[0].units');
  expect(keyPath(['axes', 'train.lr', 1])).toBe('axes.train.lr[1]');
});

test('the JSON Schema accepts what parses, rejects what does not, and carries the defaults', () => {
  const doc = jsonSchemaOf(RUN, { title: 'run' });
  expect(doc).toMatchObject({
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'run',
    type: 'object',
    additionalProperties: false,
  });
  expect((doc.properties as Record<string, { default?: unknown }>).seed.default).toBe(0);
  const validate = new Ajv({ strict: false }).compile(doc);
  const good = [{}, { seed: null, train: { steps: 3 }, objective: { kind: 'cmc', views: 2 } }, { loggers: 'csv,tb' }];
  for (const raw of good) {
    expect(parseConfig(RUN, raw, fail)).toBeDefined();
    expect(validate(raw)).toBe(true);
  }
  for (const raw of [{ seed: 2.5 }, { trian: {} }, { backend: 'gpu' }, { shape: [4] }, { train: { lr: 0 } }]) {
    expect(() => parseConfig(RUN, raw, fail)).toThrow(TestError);
    expect(validate(raw)).toBe(false);
  }
});

describe('byKind: a section whose keys depend on its kind', () => {
  const SECTION = byKind([
    object({ kind: oneOf(['crops'] as const), count: optional(int(2), 2) }),
    object({ kind: oneOf(['halves'] as const), axis: optional(oneOf(['rows', 'cols'] as const), 'rows') }).transform((h) => ({
      ...h,
      parts: 2,
    })),
  ]);

  test("each kind's defaults and checks apply", () => {
    expect(parseConfig(SECTION, { kind: 'crops' }, fail)).toEqual({ kind: 'crops', count: 2 });
    expect(parseConfig(SECTION, { kind: 'halves', axis: 'cols' }, fail)).toEqual({ kind: 'halves', axis: 'cols', parts: 2 });
  });

  test.each([
    [{ kind: 'lab' }, 'kind', "expected one of crops, halves, got 'lab'"],
    [{ count: 3 }, 'kind', 'expected one of crops, halves, got undefined'],
    [[{ kind: 'crops' }], '', "expected an object with a kind, got [{ kind: 'crops' }]"],
    [{ kind: 'crops', count: 1 }, 'count', 'expected an integer in 2..∞, got 1'],
    [{ kind: 'halves', count: 3 }, 'count', 'unknown key; known keys: kind, axis'],
  ])('%p: %s: %s', (raw, path, message) => {
    expect(rejected(SECTION, raw)).toEqual({ path, message });
  });

  test('a kind declared optional is the kind of an object without one, in the JSON Schema too', () => {
    const DEFAULTED = byKind([
      object({ kind: optional(oneOf(['crops'] as const), 'crops'), count: optional(int(2), 2) }),
      object({ kind: oneOf(['halves'] as const) }),
    ]);
    expect(parseConfig(DEFAULTED, {}, fail)).toEqual({ kind: 'crops', count: 2 });
    expect(parseConfig(DEFAULTED, { count: 3 }, fail)).toEqual({ kind: 'crops', count: 3 });
    expect(rejected(DEFAULTED, { kind: 'lab' })).toEqual({ path: 'kind', message: "expected one of crops, halves, got 'lab'" });
    expect(rejected(DEFAULTED, { axis: 'rows' })).toEqual({ path: 'axis', message: 'unknown key; known keys: kind, count' });
    const validate = new Ajv({ strict: false }).compile(jsonSchemaOf(DEFAULTED, { title: 'views' }));
    expect([{}, { count: 3 }, { kind: 'halves' }].map((v) => validate(v))).toEqual([true, true, true]);
    expect([{ kind: 'halves', count: 3 }, { kind: 'lab' }, { count: 1 }].map((v) => validate(v))).toEqual([false, false, false]);
  });

  test('its JSON Schema tells the kinds apart', () => {
    const validate = new Ajv({ strict: false }).compile(jsonSchemaOf(SECTION, { title: 'views' }));
    expect([{ kind: 'crops', count: 3 }, { kind: 'halves' }].map((v) => validate(v))).toEqual([true, true]);
    expect([{ kind: 'lab' }, { kind: 'halves', count: 3 }, {}].map((v) => validate(v))).toEqual([false, false, false]);
  });
});
