/**
 * Small checkers for the config schema: each takes the key path and the raw value,
 * returns it typed, or throws a ConfigError naming the path, what was expected and
 * what came.
 */
import { ConfigError } from '../errors';

/** A plain (non-array) object. */
export type Raw = Record<string, unknown>;

/** A value as a message shows it: strings quoted, NaN and ±Infinity by name (JSON would say null). */
function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'object' && v !== null) return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${show(x)}`).join(', ')} }`;
  return String(v);
}

/**
 * Key names that would reach the object prototype (`a.__proto__.x` sets a key on every
 * object of the process): never config keys, refused wherever a key path is followed.
 */
const UNSAFE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

function checkKey(path: string, key: string): void {
  if (UNSAFE_KEYS.includes(key)) {
    throw new ConfigError(path, `'${key}' is not a config key (${UNSAFE_KEYS.join(', ')} would reach JavaScript's object prototype)`);
  }
}

/** Throws the ConfigError for `path`. */
export function fail(path: string, expected: string, got: unknown): never {
  throw new ConfigError(path, `expected ${expected}, got ${show(got)}`);
}

/** An object whose keys are all in `known` (an absent value is the empty object). */
export function section(path: string, value: unknown, known: readonly string[]): Raw {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail(path || '(top level)', 'an object', value);
  for (const key of Object.keys(value as Raw)) {
    if (!known.includes(key)) {
      const at = path === '' ? key : `${path}.${key}`;
      throw new ConfigError(at, `unknown key; known keys${path === '' ? '' : ` of '${path}'`}: ${known.join(', ')}`);
    }
  }
  return value as Raw;
}

/** An integer in [min, max]. */
export function int(path: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(path, `an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? '∞' : max}`, value);
  }
  return value;
}

/** A finite number > `above` (exclusive). */
export function positive(path: string, value: unknown, above = 0): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= above) fail(path, `a finite number > ${above}`, value);
  return value;
}

/** One of `choices`. */
export function oneOf<T extends string>(path: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T)) fail(path, `one of ${choices.join(', ')}`, value);
  return value as T;
}

/** A non-empty string. */
export function text(path: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') fail(path, 'a non-empty string', value);
  return value;
}

/** A boolean. */
export function bool(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(path, 'true or false', value);
  return value;
}

/** `check(value)` unless the value is absent (then `fallback`). */
export function opt<T, F>(value: unknown, fallback: F, check: (v: unknown) => T): T | F {
  return value === undefined || value === null ? fallback : check(value);
}

/**
 * Deep merge of plain objects: `over` wins; arrays and scalars replace. Sections are copied,
 * never shared with the inputs, and every key of both is checked on the way.
 * @throws ConfigError naming the key path of a `__proto__`, `constructor` or `prototype` key in either
 */
export function deepMerge(base: Raw, over: Raw, at = ''): Raw {
  const out: Raw = {};
  for (const [k, v] of [...Object.entries(base), ...Object.entries(over)]) {
    const path = at === '' ? k : `${at}.${k}`;
    checkKey(path, k);
    const b = out[k];
    out[k] = isObject(v) ? deepMerge(isObject(b) ? b : {}, v, path) : v;
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
