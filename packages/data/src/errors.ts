/**
 * Typed errors of `@infomax/data`. Every message names the file (or function and
 * option) at fault, what was expected and what came, so a CLI can print it as it is.
 */

/**
 * What went wrong, as a stable identifier a caller can branch on (the CLI maps
 * these to messages and exit codes; tests assert them).
 */
export const DATASET_ERROR_CODES = [
  /** A file or folder that should exist does not. */
  'missing',
  /** An IDX file does not start with the expected magic number. */
  'bad-magic',
  /** A file holds fewer bytes than its header or format promises. */
  'truncated',
  /** A file's length is not what its format allows (not truncated: wrong multiple, or trailing bytes). */
  'wrong-length',
  /** Images and labels disagree on how many items there are. */
  'count-mismatch',
  /** A label is outside the classes the format allows. */
  'bad-label',
  /** A `.gz` file could not be decompressed. */
  'corrupt-gzip',
  /** A folder that should hold class folders or images holds none. */
  'empty',
  /** An image file could not be decoded. */
  'corrupt-image',
  /** An image is larger than the decoder accepts (more than 16383² pixels). */
  'too-large',
  /** Images disagree on their channel count and no `channels` was asked for. */
  'mixed-channels',
  /** A download's checksum differed from the expected one. */
  'checksum',
  /** A download failed (HTTP status, network error, too many redirects). */
  'download',
  /** An option or argument had a value outside what it accepts. */
  'invalid-option',
  /** A line of a text file does not hold what its format expects (e.g. a non-numeric value). */
  'bad-line',
  /** An id in a file points outside the items it may refer to (a node id past the node count). */
  'out-of-range',
  /** A zip archive could not be read. */
  'corrupt-zip',
] as const;

/** One of {@link DATASET_ERROR_CODES}. */
export type DatasetErrorCode = (typeof DATASET_ERROR_CODES)[number];

/**
 * A dataset file, folder, download or option was not what was expected.
 *
 * @example
 * try {
 *   await loadIdxFolder('/data/mnist');
 * } catch (err) {
 *   if (err instanceof DatasetError) console.error(err.code, err.file, err.message);
 * }
 */
export class DatasetError extends Error {
  /** What went wrong, see {@link DATASET_ERROR_CODES}. */
  readonly code: DatasetErrorCode;
  /** The file or folder at fault, when there is one. */
  readonly file: string | undefined;
  /** The 1-based line of `file` at fault, for text formats. */
  readonly line: number | undefined;

  /**
   * @param code what went wrong.
   * @param message names the function, the file or option, what was expected and what came.
   * @param file the file or folder at fault.
   * @param line the 1-based line of `file` at fault.
   */
  constructor(code: DatasetErrorCode, message: string, file?: string, line?: number) {
    super(message);
    this.name = 'DatasetError';
    this.code = code;
    this.file = file;
    this.line = line;
  }
}

/** Shorthand for an `invalid-option` error (message names function and option). */
export function optionError(fn: string, option: string, expected: string, got: unknown): DatasetError {
  return new DatasetError('invalid-option', `${fn}: option ${option} must be ${expected}, got ${describe(got)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return String(value);
}
