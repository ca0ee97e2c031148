/**
 * Parsing with a kit schema: the first problem becomes one error, thrown as the caller's
 * own class, and a schema becomes the JSON Schema editors complete a config file with.
 */
import { z } from 'zod';
import { findUnsafeKey, keyPath, showValue, unsafeKeyMessage } from './issues';

/** Builds the caller's error from the key path (`train.steps`, `''` at the root) and the message. */
export type ConfigFailure = (path: string, message: string) => Error;

/**
 * Validates `raw` and fills in its defaults.
 * @param schema a kit schema
 * @param raw a parsed config (JSON, YAML, an options object)
 * @param fail makes the error to throw: each package passes its own ConfigError
 * @returns the schema's output
 * @throws what `fail` returns, for the first unknown key (preferred: it explains a missing
 *   one), the first `__proto__`/`constructor`/`prototype` key, or the first bad value; the
 *   message is `expected <what>, got <value>` or `unknown key; known keys[ of '<parent>']: …`
 * @example
 * parseConfig(object({ steps: int(1) }), { steps: 0 }, (p, m) => new Error(`${p}: ${m}`));
 * // throws "steps: expected an integer in 1..∞, got 0"
 */
export function parseConfig<S extends z.ZodType>(schema: S, raw: unknown, fail: ConfigFailure): z.output<S> {
  const unsafe = findUnsafeKey(raw);
  if (unsafe) throw fail(keyPath(unsafe), unsafeKeyMessage(String(unsafe[unsafe.length - 1])));
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const { path, message } = describe(result.error.issues);
  throw fail(keyPath(path), message);
}

/**
 * The {@link ConfigFailure} of a function's options object, in the kit's one style:
 * `<fn>: option '<key.path>': <message>`, or `<fn>: options: <message>` for the object itself.
 * @param fn the function whose options these are (named in the message)
 * @param make builds the caller's own error class from the whole message
 * @param at key path of these options inside the caller's (`['encoder']` for an inner encoder's)
 * @example
 * parseConfig(HORIZONTAL_FLIP_SCHEMA, { p: 2 }, optionFailure('horizontalFlip', (m) => new ConfigError(m)));
 * // throws "horizontalFlip: option 'p': expected a number in [0, 1], got 2"
 */
export function optionFailure(fn: string, make: (message: string) => Error, at: string[] = []): ConfigFailure {
  return (path, message) => {
    const full = keyPath([...at, ...(path === '' ? [] : [path])]);
    return make(full === '' ? `${fn}: options: ${message}` : `${fn}: option '${full}': ${message}`);
  };
}

/** The first issue to report: an unknown key before anything else. */
function describe(issues: readonly z.core.$ZodIssue[]): { path: PropertyKey[]; message: string } {
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (issue.code === 'unrecognized_keys') {
    const parent = keyPath(issue.path);
    return {
      path: [...issue.path, issue.keys[0]],
      message: `unknown key; known keys${parent === '' ? '' : ` of '${parent}'`}: ${issue.message}`,
    };
  }
  if (issue.code === 'invalid_union') {
    // The branch that got furthest into the value says most (a bad list item, not "not a string").
    const best = issue.errors.map(describe).sort((a, b) => b.path.length - a.path.length)[0];
    if (best && best.path.length > 0) return { path: [...issue.path, ...best.path], message: best.message };
  }
  // A discriminated union's issue carries the whole object: show the kind that matched nothing.
  const got =
    issue.code === 'invalid_union' && issue.discriminator !== undefined && isRecord(issue.input)
      ? issue.input[issue.discriminator]
      : issue.input;
  return { path: issue.path, message: `expected ${issue.message}, got ${showValue(got)}` };
}

function isRecord(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON Schema (draft-07) of what a kit schema accepts, for editors' completion and checks
 * of a config file (`# yaml-language-server: $schema=…`).
 * @param schema a kit schema
 * @param meta `title` and `description` of the document
 * @returns a JSON-serialisable JSON Schema
 * @example
 * JSON.stringify(jsonSchemaOf(object({ steps: int(1) }), { title: 'run' }));
 */
export function jsonSchemaOf(schema: z.ZodType, meta: { title: string; description?: string }): Record<string, unknown> {
  const body = z.toJSONSchema(schema, { target: 'draft-07', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = body;
  return { $schema, title: meta.title, ...(meta.description ? { description: meta.description } : {}), ...rest };
}
