/**
 * Reading a JSON config object key by key: each read validates one value and
 * names its full key path in the error, and `done()` rejects keys nobody read
 * (a typo must not silently fall back to a default).
 */
import { ConfigError } from '../errors';

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value) ?? String(value);
}

/** A cursor over one config object; `prefix` is its key path (`''` at the root). */
export class ConfigReader {
  private readonly seen = new Set<string>();
  private readonly obj: Record<string, unknown>;

  constructor(
    readonly fn: string,
    value: unknown,
    readonly prefix = '',
  ) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ConfigError(`${fn}: config${prefix ? ` key '${prefix}'` : ''} must be an object; got ${show(value)}`);
    }
    this.obj = value as Record<string, unknown>;
  }

  /** The full path of `key`. */
  path(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  /** Throws a ConfigError naming `key`'s path. */
  fail(key: string, expected: string, got: unknown): never {
    throw new ConfigError(`${this.fn}: config key '${this.path(key)}' must be ${expected}; got ${show(got)}`);
  }

  /** The raw value (marks the key as read). */
  raw(key: string): unknown {
    this.seen.add(key);
    return this.obj[key];
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  number(key: string, fallback: number | undefined, lo = -Infinity, hi = Infinity, { int = false, loOpen = false, hiOpen = false } = {}): number {
    const v = this.raw(key) ?? fallback;
    const ok = typeof v === 'number' && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi) && (!int || Number.isInteger(v));
    if (!ok) {
      const range = `${lo === -Infinity ? '' : `${loOpen ? '>' : '≥'} ${lo}`}${lo !== -Infinity && hi !== Infinity ? ' and ' : ''}${hi === Infinity ? '' : `${hiOpen ? '<' : '≤'} ${hi}`}`;
      this.fail(key, `${int ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}`, v);
    }
    return v as number;
  }

  int(key: string, fallback: number | undefined, lo = 1, hi = Infinity): number {
    return this.number(key, fallback, lo, hi, { int: true });
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.raw(key) ?? fallback;
    if (typeof v !== 'boolean') this.fail(key, 'true or false', v);
    return v;
  }

  choice<T extends string>(key: string, choices: readonly T[], fallback: T | undefined): T {
    const v = this.raw(key) ?? fallback;
    if (!(choices as readonly unknown[]).includes(v)) this.fail(key, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, v);
    return v as T;
  }

  /** An array of integers ≥ `lo`, at least `minLength` long. */
  ints(key: string, fallback: number[] | undefined, lo = 1, minLength = 0): number[] {
    const v = this.raw(key) ?? fallback;
    if (!Array.isArray(v) || v.length < minLength) {
      this.fail(key, `an array of ${minLength > 0 ? `at least ${minLength} ` : ''}integers ≥ ${lo}`, v);
    }
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < lo) this.fail(`${key}[${i}]`, `an integer ≥ ${lo}`, x);
    });
    return [...v];
  }

  /** A nested object (or `{}` when absent) as its own reader. */
  sub(key: string): ConfigReader {
    return new ConfigReader(this.fn, this.raw(key) ?? {}, this.path(key));
  }

  /** Throws for every key present that no read asked for. */
  done(): void {
    for (const key of Object.keys(this.obj)) {
      if (!this.seen.has(key) && this.obj[key] !== undefined) {
        this.fail(key, `absent (unknown key; known: ${[...this.seen].sort().join(', ')})`, this.obj[key]);
      }
    }
  }
}
