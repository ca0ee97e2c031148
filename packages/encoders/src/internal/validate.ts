/**
 * Option checks shared by the encoder builders. Each throws a ConfigError whose
 * message names the function, the option, what it accepts and what came.
 */
import { ConfigError } from '../errors';

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

/** Fails with a message in the package's one format. */
export function fail(fn: string, option: string, expected: string, got: unknown): never {
  throw new ConfigError(`${fn}: option '${option}' must be ${expected}; got ${show(got)}`);
}

/** A positive integer passed as a positional argument (the message says "argument"). */
export function positiveIntArgument(fn: string, argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${fn}: argument ${argument} must be a positive integer; got ${show(value)}`);
  }
  return value;
}

export function positiveInt(fn: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    fail(fn, option, 'a positive integer', value);
  }
  return value;
}

/** A non-negative integer (0 is meaningful, e.g. "no projection"). */
export function nonNegativeInt(fn: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(fn, option, 'a non-negative integer', value);
  }
  return value;
}

export function positiveInts(fn: string, option: string, value: unknown, minLength = 1): number[] {
  if (
    !Array.isArray(value) ||
    value.length < minLength ||
    !value.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0)
  ) {
    const what = minLength > 0 ? `at least ${minLength}` : 'any number of';
    fail(fn, option, `an array of ${what} positive integers`, value);
  }
  return [...value];
}

export function bool(fn: string, option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(fn, option, 'true or false', value);
  return value;
}

export function finiteNumber(fn: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(fn, option, 'a finite number', value);
  return value;
}

export function oneOf<T extends string>(fn: string, option: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    fail(fn, option, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  }
  return value as T;
}

/** An image shape `[height, width, channels]` of positive integers. */
export function imageShape(fn: string, option: string, value: unknown): [number, number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    !value.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0)
  ) {
    fail(fn, option, '[height, width, channels] of positive integers', value);
  }
  return [value[0], value[1], value[2]];
}

/** An index into a list of `length` layers. */
export function layerIndex(fn: string, option: string, value: unknown, length: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= length) {
    fail(fn, option, `an integer in [0, ${length - 1}] (an index into the conv layers)`, value);
  }
  return value;
}

/** Rejects option names the builder does not know (a typo would otherwise be ignored). */
export function knownKeys(fn: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ConfigError(`${fn}: unknown option '${key}'; known options are ${known.join(', ')}`);
    }
  }
}

/** The options object itself must be a plain object. */
export function optionsObject(fn: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${fn}: options must be an object; got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}
