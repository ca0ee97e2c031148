/**
 * Small checkers for the config schema: each takes the key path and the raw value,
 * returns it typed, or throws a ConfigError naming the path, what was expected and
 * what came.
 */
import { ConfigError } from '../errors';

/** A plain (non-array) object. */
export type Raw = Record<string, unknown>;

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v));

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

/** Deep merge of plain objects: `over` wins; arrays and scalars replace. */
export function deepMerge(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    const isObj = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);
    out[k] = isObj(b) && isObj(v) ? deepMerge(b, v) : v;
  }
  return out;
}

/** Sets `a.b.c` in a nested object, creating sections on the way. */
export function setPath(target: Raw, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = target;
  for (const k of keys.slice(0, -1)) {
    const next = at[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[k] = {};
    at = at[k] as Raw;
  }
  at[keys[keys.length - 1]] = value;
}
