/**
 * Field schemas of the schema kit: zod schemas whose every rejection carries one
 * "expected" text (`an integer in 1..∞`, `one of a, b`), so a message reads
 * `<key.path>: expected <what>, got <value>` whichever check failed. Config types come
 * from them (`Infer<typeof schema>`), and so does the JSON Schema of a config file
 * (`.describe(text)` on a field gives editors its documentation).
 */
import { z } from 'zod';

/** What each kit schema expects, for messages and for the lists that hold it. */
const EXPECTED = new WeakMap<z.ZodType, string>();

function expecting<S extends z.ZodType>(schema: S, what: string): S {
  EXPECTED.set(schema, what);
  return schema;
}

/**
 * The "expected" text of a kit schema.
 * @param schema a schema made by this kit
 * @returns e.g. `an integer in 1..∞`; `a valid value` for another schema
 * @example
 * expectedOf(int(1)); // 'an integer in 1..∞'
 */
export function expectedOf(schema: z.ZodType): string {
  return EXPECTED.get(schema) ?? 'a valid value';
}

/** The type a schema produces (defaults filled in). */
export type Infer<S extends z.ZodType> = z.output<S>;
/** The type a schema accepts (what a user writes). */
export type InferInput<S extends z.ZodType> = z.input<S>;
/** Any zod schema: the kit's fields and objects, and what `z` builds. */
export type Schema<Out = unknown, In = Out> = z.ZodType<Out, In>;

/**
 * An integer in [min, max].
 * @param min smallest value
 * @param max largest value (default: none)
 * @example
 * int(1); // expected an integer in 1..∞
 */
export function int(min: number, max = Number.MAX_SAFE_INTEGER): z.ZodNumber {
  const error = `an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? '∞' : max}`;
  const schema = z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
  return expecting(schema, error);
}

/**
 * A finite number, optionally bounded: `above`/`below` exclusive, `min`/`max` inclusive.
 * @param options the bounds
 * @example
 * finite({ above: 0 }); // expected a finite number > 0
 * finite({ min: 0, below: 1 }); // expected a number in [0, 1)
 */
export function finite(options: { above?: number; min?: number; below?: number; max?: number } = {}): z.ZodNumber {
  const { above, min, below, max } = options;
  const lower = above !== undefined ? `(${above}` : min !== undefined ? `[${min}` : null;
  const upper = below !== undefined ? `${below})` : max !== undefined ? `${max}]` : null;
  const error =
    upper === null
      ? lower === null
        ? 'a finite number'
        : above !== undefined
          ? `a finite number > ${above}`
          : `a finite number ≥ ${min}`
      : `a number in ${lower ?? '(-∞'}, ${upper}`;
  let schema = z.number({ error });
  if (above !== undefined) schema = schema.gt(above, { error });
  if (min !== undefined) schema = schema.min(min, { error });
  if (below !== undefined) schema = schema.lt(below, { error });
  if (max !== undefined) schema = schema.max(max, { error });
  return expecting(schema, error);
}

/**
 * One of a list of literal values (names declared once `as const`).
 * @param choices the values accepted
 * @param options `what`: the expected text (default `one of a, b, c`)
 * @example
 * oneOf(['auto', 'wasm'] as const); // expected one of auto, wasm
 */
export function oneOf<const T extends readonly [string | number, ...Array<string | number>]>(
  choices: T,
  options: { what?: string } = {},
): z.ZodLiteral<T[number]> {
  const error = options.what ?? `one of ${choices.join(', ')}`;
  const schema = z.literal(choices as unknown as Array<T[number]>, { error });
  return expecting(schema, error);
}

/**
 * A non-empty string.
 * @example
 * text(); // expected a non-empty string
 */
export function text(): z.ZodString {
  const error = 'a non-empty string';
  const schema = z.string({ error }).min(1, { error });
  return expecting(schema, error);
}

/**
 * A boolean.
 * @example
 * bool(); // expected true or false
 */
export function bool(): z.ZodBoolean {
  const error = 'true or false';
  const schema = z.boolean({ error });
  return expecting(schema, error);
}

/**
 * A list of values of one schema.
 * @param item each value's schema (a kit field: its expected text names the items)
 * @param options `min` / `length`: how many; `what` replaces the expected text
 * @example
 * list(int(1), { length: 2 }); // expected a list of 2 values, each an integer in 1..∞
 */
export function list<S extends z.ZodType>(item: S, options: { min?: number; length?: number; what?: string } = {}): z.ZodArray<S> {
  const count = options.length ?? options.min ?? 0;
  const many = options.length !== undefined ? `${count} ` : count > 0 ? `at least ${count} ` : '';
  const error = options.what ?? `a list of ${many}value${count === 1 ? '' : 's'}, each ${expectedOf(item)}`;
  let schema = z.array(item, { error });
  if (options.length !== undefined) schema = schema.length(options.length, { error });
  else if (count > 0) schema = schema.min(count, { error });
  return expecting(schema, error);
}

/**
 * An object with exactly these keys (a typo is an error that lists the known keys), or with
 * any further keys when `loose` (a section another validator reads).
 * @param shape key → schema
 * @param options `what`: the expected text (default `an object`); `loose`
 * @example
 * object({ every: int(1) }); // { evry: 3 } → "evry: unknown key; known keys: every"
 */
export function object<T extends z.ZodRawShape>(shape: T, options: { what?: string; loose?: false }): z.ZodObject<T, z.core.$strict>;
export function object<T extends z.ZodRawShape>(shape: T, options: { what?: string; loose: true }): z.ZodObject<T, z.core.$loose>;
export function object<T extends z.ZodRawShape>(shape: T): z.ZodObject<T, z.core.$strict>;
export function object<T extends z.ZodRawShape>(
  shape: T,
  options: { what?: string; loose?: boolean } = {},
): z.ZodObject<T, z.core.$strict> | z.ZodObject<T, z.core.$loose> {
  const what = options.what ?? 'an object';
  // The unknown-key issue carries the known keys; `parseConfig` words it.
  const error = (issue: { code?: string }) => (issue.code === 'unrecognized_keys' ? Object.keys(shape).join(', ') : what);
  const schema = options.loose ? z.looseObject(shape, { error }) : z.strictObject(shape, { error });
  return expecting(schema, what);
}

/**
 * One of several object schemas told apart by their `kind` (each declares `kind` as a
 * one-value {@link oneOf}): a missing or unknown kind is reported at `kind` with the kinds
 * known, and the JSON Schema is a `oneOf` of the kinds' schemas. One option may declare its
 * kind with {@link optional} (`optional(oneOf(['adam'] as const), 'adam')`): an object without
 * a `kind` is then that kind, in the JSON Schema too.
 * @param options the kinds' schemas (kit objects, possibly with a `.transform()` check)
 * @param what the expected text for a value that is not an object (default `an object with a kind`)
 * @example
 * byKind([object({ kind: oneOf(['a'] as const), x: int(0) }), object({ kind: oneOf(['b'] as const) })]);
 * // { kind: 'c' } → "kind: expected one of a, b, got 'c'"
 */
export function byKind<const T extends readonly [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]]>(
  options: T,
  what = 'an object with a kind',
): z.ZodDiscriminatedUnion<T, 'kind'> {
  const schema = z.discriminatedUnion('kind', options, {
    // The options list the kinds, and undefined where one kind is the default.
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `one of ${(issue as { options?: unknown[] }).options?.filter((k) => k !== undefined).join(', ')}`
        : what,
  });
  return expecting(schema, what);
}

/**
 * A field that may be left out: absent, it is `fallback`, parsed as if given (a section's
 * fallback `{}` becomes the section with its own defaults).
 * @param schema the field's schema
 * @param fallback the default (shown by editors)
 * @example
 * optional(int(1), 64); // undefined → 64
 */
export function optional<S extends z.ZodType>(schema: S, fallback: z.util.NoUndefined<z.input<S>>): z.ZodPrefault<S> {
  return expecting(schema.prefault(fallback as never), expectedOf(schema));
}

/**
 * A field of a config file, where `key:` with no value (YAML's null) means the same as leaving
 * the key out: absent or null, it is `fallback`, parsed as if given.
 * @param schema the field's schema
 * @param fallback the default (shown by editors); may itself be null
 * @example
 * nullish(int(1), null); // undefined or null → null
 */
export function nullish<S extends z.ZodType, F extends z.input<S> | null>(schema: S, fallback: F) {
  const absent = (): z.output<S> | null => (fallback === null ? null : schema.parse(fallback));
  return expecting(
    schema
      .nullable()
      .prefault(fallback as never)
      .transform((v) => (v === null ? absent() : v) as z.output<S> | (null extends F ? null : never)),
    expectedOf(schema),
  );
}

/**
 * Rejects a value inside a `.transform()` of a kit object (a check across fields), in the
 * kit's one style.
 * @param ctx the transform's context
 * @param path key path relative to the object
 * @param expected what was expected
 * @param got the value found
 * @returns `z.NEVER`, to return from the transform
 * @example
 * object({ a: int(0), b: int(0) }).transform((o, ctx) => (o.a > o.b ? reject(ctx, ['a'], 'at most b', o.a) : o));
 */
export function reject(ctx: CheckContext, path: PropertyKey[], expected: string, got: unknown): never {
  ctx.issues.push({ code: 'custom', message: expected, path, input: got });
  return z.NEVER;
}

/** The context a `.transform()` check receives (for {@link reject}). */
export type CheckContext = z.RefinementCtx;
