/**
 * Config objects by key path: merging a file with flags, and setting `a.b.c` from
 * `--set a.b.c=value`. Validation is the schema's (config.ts); these only refuse the keys
 * that would reach the object prototype, before anything is written.
 */
import { keyPath, UNSAFE_KEYS, unsafeKeyMessage } from '@infomax/engine';
import { ConfigError } from '../errors';

/** A plain (non-array) object. */
export type Raw = Record<string, unknown>;

function checkKey(path: string, key: string): void {
  if (UNSAFE_KEYS.includes(key)) throw new ConfigError(path, unsafeKeyMessage(key));
}

/**
 * Deep merge of plain objects: `over` wins; arrays and scalars replace. Sections are copied,
 * never shared with the inputs, and every key of both is checked on the way.
 * @throws ConfigError naming the key path of a `__proto__`, `constructor` or `prototype` key in either
 */
export function deepMerge(base: Raw, over: Raw, at: string[] = []): Raw {
  const out: Raw = {};
  for (const [k, v] of [...Object.entries(base), ...Object.entries(over)]) {
    checkKey(keyPath([...at, k]), k);
    const b = out[k];
    out[k] = isObject(v) ? deepMerge(isObject(b) ? b : {}, v, [...at, k]) : v;
  }
  return out;
}

const isObject = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Sets `a.b.c` in a nested object, creating sections on the way.
 * @throws ConfigError naming the path when a part is `__proto__`, `constructor` or `prototype`
 */
export function setPath(target: Raw, path: string, value: unknown): void {
  const keys = path.split('.');
  for (const k of keys) checkKey(path, k);
  let at = target;
  for (const k of keys.slice(0, -1)) {
    const next = at[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[k] = {};
    at = at[k] as Raw;
  }
  at[keys[keys.length - 1]] = value;
}
