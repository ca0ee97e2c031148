/**
 * The `state.json` of a checkpoint, declared once as a schema: its TypeScript type, its
 * validation and its error messages come from this one declaration. The file carries a
 * `digest` (sha256 of its other fields in canonical JSON), so an edited or damaged
 * state file is refused before any of its values is used.
 */
import { createHash } from 'crypto';
import { z } from 'zod';
import { CheckpointError } from '../errors';

/** Format tag in every `state.json`. */
export const CHECKPOINT_FORMAT = 'infomax-checkpoint/2';

/** sha256 of no bytes: the metrics digest of a run that has logged nothing. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const count = z.number().int().nonnegative();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in 64 hex digits');

/** One tensor's place in `tensors.bin`. */
const IndexEntrySchema = z.strictObject({
  group: z.string().min(1),
  name: z.string().min(1),
  shape: z.array(count),
  dtype: z.enum(['float32', 'int32']),
  offset: count,
  length: count,
});

/** Everything in `state.json` but its digest. */
export const StateBodySchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  step: count,
  epoch: count,
  position: count,
  epochSeed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  rng: z
    .tuple([count, count, count, count])
    .refine((s) => s.some((x) => x !== 0) && s.every((x) => x < 2 ** 32), 'four uint32 words, not all zero'),
  metricsBytes: count,
  metricsSha256: sha256,
  elapsedMs: z.number().nonnegative().finite(),
  config: z.record(z.string(), z.unknown()),
  tensors: z.array(IndexEntrySchema),
  /** sha256 of every other file of the checkpoint, by its path inside the checkpoint folder. */
  files: z.record(z.string(), sha256),
});

/** The body of `state.json`. */
export type StateBody = z.infer<typeof StateBodySchema>;
/** Index entry of one tensor in `tensors.bin`. */
export type IndexEntry = z.infer<typeof IndexEntrySchema>;

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of a buffer or string, in hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The text written as `state.json`: the body and its digest. */
export function stateFileText(body: StateBody): string {
  return JSON.stringify({ ...body, digest: sha256Hex(canonicalJson(body)) }, null, 1);
}

/**
 * Reads `state.json`'s text: JSON, then the format tag, then the digest, then the schema.
 * @param text the file's contents
 * @param file its path, for messages
 * @throws CheckpointError naming the file and what is wrong (a field's path, what was expected)
 * @example
 * const body = parseStateFile(await fsp.readFile(f, 'utf8'), f);
 */
export function parseStateFile(text: string, file: string): StateBody {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`'${file}' is not valid JSON (${(e as Error).message.split('\n')[0]}): the checkpoint is damaged`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new CheckpointError(`'${file}' does not hold a JSON object: the checkpoint is damaged`);
  const { digest, ...body } = raw as Record<string, unknown>;
  if (body.format !== CHECKPOINT_FORMAT) {
    const got = typeof body.format === 'string' ? `'${body.format.slice(0, 40)}'` : 'no format tag';
    throw new CheckpointError(
      `'${file}' has ${got}, expected '${CHECKPOINT_FORMAT}'` +
        (body.format === 'infomax-checkpoint/1' ? ' (written by an older infomax without checksums: start the run again)' : ''),
    );
  }
  if (typeof digest !== 'string') throw new CheckpointError(`'${file}' has no digest: the checkpoint is damaged`);
  if (sha256Hex(canonicalJson(body)) !== digest) {
    throw new CheckpointError(`'${file}' does not match its digest: it was edited or damaged after it was written`);
  }
  const parsed = StateBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckpointError(`'${file}': field '${issue.path.join('.') || '(top)'}' ${issue.message}`);
  }
  return parsed.data;
}
