import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyOverrides, readConfigFile, resolveConfig } from '../config';
import { ConfigError } from '../errors';
import { deepMerge, setPath, type Raw } from './key-paths';

/** The ConfigError `run` throws (fails the test when it throws nothing or something else). */
function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

afterEach(() => {
  // Whatever a case tried, no object of the process may have gained a key.
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Raw).x).toBeUndefined();
});

describe('prototype keys', () => {
  it.each(['__proto__.x=1', 'train.__proto__.x=1', 'constructor.prototype.x=1', 'objective.prototype=1', 'data.constructor=2'])(
    '--set %s is a ConfigError naming the path and the key',
    (set) => {
      const err = configError(() => applyOverrides({}, {}, [set]));
      const key = set.slice(0, set.indexOf('='));
      const bad = key.split('.').find((k) => ['__proto__', 'constructor', 'prototype'].includes(k));
      expect(err.path).toBe(key);
      expect(err.message).toBe(
        `config '${key}': expected a key other than __proto__, constructor, prototype (they would reach JavaScript's object prototype), got '${bad}'`,
      );
    },
  );

  it('setPath refuses before writing anything', () => {
    const target: Raw = {};
    configError(() => setPath(target, 'a.b.__proto__', 1));
    expect(target).toEqual({});
  });

  it('a __proto__ key in a JSON or YAML config file, or in a --set flow value, is refused with its path', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-validate-'));
    try {
      const json = path.join(dir, 'c.json');
      fs.writeFileSync(json, '{"train": {"__proto__": {"x": 1}}}');
      const yaml = path.join(dir, 'c.yaml');
      fs.writeFileSync(yaml, '__proto__:\n  x: 1\n');
      expect(configError(() => applyOverrides({ seed: 1 }, {}, ['objective={constructor: {x: 1}}'])).path).toBe('objective.constructor');
      const fromJson = await readConfigFile(json);
      expect(configError(() => applyOverrides(fromJson, {})).path).toBe('train.__proto__');
      const fromYaml = await readConfigFile(yaml);
      expect(configError(() => applyOverrides(fromYaml, {})).path).toBe('__proto__');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deepMerge', () => {
  it('merges sections key by key, the second object winning; arrays replace; nothing is shared with the inputs', () => {
    const base: Raw = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const over: Raw = { a: { c: [3], e: { f: true } }, g: null };
    const out = deepMerge(base, over);
    expect(out).toEqual({ a: { b: 1, c: [3], e: { f: true } }, d: 'x', g: null });
    (out.a as Raw).b = 5;
    ((out.a as Raw).e as Raw).f = false;
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: 'x' });
    expect(over).toEqual({ a: { c: [3], e: { f: true } }, g: null });
  });
});

describe('messages', () => {
  it.each([
    ['train.learningRate=.nan', 'NaN'],
    ['train.learningRate=.inf', 'Infinity'],
    ['train.learningRate=-.inf', '-Infinity'],
    ['train.learningRate=abc', "'abc'"],
    ['train.learningRate=[1, .nan]', '[1, NaN]'],
    ['train.learningRate={lr: .inf, name: a}', "{ lr: Infinity, name: 'a' }"],
  ])('--set %s shows the value as %s (NaN and Infinity by name, not null)', (set, shown) => {
    expect(configError(() => resolveConfig(applyOverrides({}, {}, [set]))).message).toBe(
      `config 'train.learningRate': expected a finite number > 0, got ${shown}`,
    );
  });
});
