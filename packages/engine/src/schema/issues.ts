/**
 * How the schema kit words a rejected value: one style everywhere,
 * `<key.path>: expected <what>, got <value>`, and the key names no config may use.
 */

/**
 * A value as an error message shows it: strings quoted, NaN and ±Infinity by name (JSON would
 * say null), lists and objects spelled out.
 * @param value anything
 * @returns its one-line text
 * @example
 * showValue([1, NaN, 'a']); // "[1, NaN, 'a']"
 */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(showValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{ ${Object.entries(value)
      .map(([k, x]) => `${k}: ${showValue(x)}`)
      .join(', ')} }`;
  }
  return String(value);
}

/**
 * A key path as messages and flags write it: `train.steps`, `blocks[0].units`.
 * @param path keys and list indices from the root
 * @returns the dotted path (`''` at the root)
 * @example
 * keyPath(['blocks', 0, 'units']); // 'blocks[0].units'
 */
export function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((at, k) => (typeof k === 'number' ? `${at}[${k}]` : at === '' ? String(k) : `${at}.${String(k)}`), '');
}

/**
 * Key names that would reach the object prototype (`a.__proto__.x` sets a key on every
 * object of the process): never config keys, refused wherever a config is read.
 */
export const UNSAFE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/**
 * The message for an {@link UNSAFE_KEYS} key.
 * @param key the key found
 * @returns `expected a key other than …, got '<key>'`
 * @example
 * unsafeKeyMessage('__proto__');
 */
export function unsafeKeyMessage(key: string): string {
  return `expected a key other than ${UNSAFE_KEYS.join(', ')} (they would reach JavaScript's object prototype), got '${key}'`;
}

/**
 * The path of the first {@link UNSAFE_KEYS} key inside plain objects and lists, depth first.
 * @param value a parsed config
 * @returns the key path, its last element the unsafe key; null when there is none
 * @example
 * findUnsafeKey(JSON.parse('{"a": {"__proto__": 1}}')); // ['a', '__proto__']
 */
export function findUnsafeKey(value: unknown, at: PropertyKey[] = []): PropertyKey[] | null {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeKey(value[i], [...at, i]);
      if (found) return found;
    }
    return null;
  }
  if (typeof value !== 'object' || value === null || !isPlain(value)) return null;
  for (const [k, v] of Object.entries(value)) {
    if (UNSAFE_KEYS.includes(k)) return [...at, k];
    const found = findUnsafeKey(v, [...at, k]);
    if (found) return found;
  }
  return null;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
