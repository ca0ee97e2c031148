/**
 * Typed errors of the trainer and the one place every package's errors become
 * an exit code and a one-line message: 0 ok, 2 usage/config, 3 data, 4 numeric
 * failure, 5 checkpoint/IO, 6 run folder (or sweep queue) in use, 7 job queue unreachable,
 * 130 interrupted (checkpoint saved).
 */

/** Exit codes of the `infomax` command, declared once. */
export const EXIT = { ok: 0, internal: 1, usage: 2, data: 3, numeric: 4, io: 5, busy: 6, queue: 7, interrupted: 130 } as const;

/** Base class of the trainer's own errors. */
export class TrainerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A config file, flag or key had a value the schema rejects; `path` names the key (`objective.estimator`). */
export class ConfigError extends TrainerError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path === '' ? message : `config '${path}': ${message}`);
  }
}

/** A checkpoint or run folder is missing, incomplete or corrupt, or could not be written. */
export class CheckpointError extends TrainerError {}

/** An output file or folder (`--out` of embed or export) could not be written. */
export class OutputError extends TrainerError {}

/** The loss or an MI estimate became NaN or infinite. */
export class NumericError extends TrainerError {}

/** Another live process holds the run folder's lock. */
export class RunBusyError extends TrainerError {}

/** A sweep's job queue holds unfinished cells of another sweep. */
export class QueueBusyError extends TrainerError {}

/** The job queue's server (Redis) cannot be reached or refused a command. */
export class QueueError extends TrainerError {}

/** Error names (across every @infomax package) and the exit code each maps to. */
const CODES_BY_NAME: Record<string, number> = {
  ConfigError: EXIT.usage,
  ShapeError: EXIT.usage,
  BackendError: EXIT.usage,
  UnsupportedError: EXIT.usage,
  CommanderError: EXIT.usage,
  DatasetError: EXIT.data,
  NumericError: EXIT.numeric,
  NonFiniteError: EXIT.numeric,
  CheckpointError: EXIT.io,
  OutputError: EXIT.io,
  ModelIOError: EXIT.io,
  RunBusyError: EXIT.busy,
  QueueBusyError: EXIT.busy,
  QueueError: EXIT.queue,
};

/** File-system error codes that mean "could not read or write", exit 5. */
const IO_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOSPC', 'EISDIR', 'ENOTDIR', 'EROFS', 'EEXIST', 'EMFILE']);

/**
 * The exit code for an error thrown by any part of the stack. Errors are matched
 * by class name because each package declares its own `ConfigError`.
 * @param error anything thrown
 * @returns one of {@link EXIT}
 * @example
 * exitCodeFor(new CheckpointError('x')); // 5
 */
export function exitCodeFor(error: unknown): number {
  if (!(error instanceof Error)) return EXIT.internal;
  const byName = CODES_BY_NAME[error.name] ?? CODES_BY_NAME[error.constructor.name];
  if (byName !== undefined) return byName;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && IO_CODES.has(code)) return EXIT.io;
  return EXIT.internal;
}

/**
 * One line describing an error for the terminal: `infomax: <Name>: <message>`,
 * first line only unless `verbose`, which adds the stack.
 * @example
 * formatError(new NumericError('loss is NaN at step 12'), false); // "infomax: NumericError: loss is NaN at step 12"
 */
export function formatError(error: unknown, verbose: boolean): string {
  if (!(error instanceof Error)) return `infomax: ${String(error)}`;
  if (verbose && error.stack) return `infomax: ${error.stack}`;
  const first = error.message.split('\n')[0];
  const name = error.name === 'Error' ? '' : `${error.name}: `;
  return `infomax: ${name}${first}${error.message.includes('\n') ? ' (--verbose for details)' : ''}`;
}
