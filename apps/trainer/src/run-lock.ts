/**
 * The exclusive lock of a run folder: `<run>/.lock`, created with O_EXCL and holding the
 * owner's pid, host and start time. Only one `infomax train` writes a run folder at a time;
 * a second one (new run, `--overwrite` or `--resume`) is refused before it writes anything.
 * A lock whose process is gone (same host, pid not running, or a pid reused by another
 * process) is stale and taken over. Readers (`evaluate`, `inspect`) take no lock: every
 * file they read is replaced atomically.
 */
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, RunBusyError } from './errors';

/** What a lock file holds. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** The process's start time in clock ticks since boot (Linux), to tell a reused pid; null elsewhere. */
  processStart: number | null;
  /** What holds it, e.g. `infomax train`. */
  command: string;
}

/** Name of the lock file inside a run folder. */
export const LOCK_FILE = '.lock';

/** A lock file younger than this with no readable owner is being written, not stale. */
const FRESH_MS = 5000;

/** Start time of a process (field 22 of /proc/<pid>/stat), or null where there is no /proc. */
function processStart(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return null;
  }
}

function alive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  const start = processStart(owner.pid);
  return owner.processStart === null || start === null || start === owner.processStart;
}

function readOwner(file: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return Number.isInteger(o.pid) && typeof o.host === 'string' ? o : null;
  } catch {
    return null;
  }
}

/**
 * An exclusive lock on a run folder, held until {@link RunLock.release} (or the process exits).
 * @example
 * const lock = RunLock.acquire('runs/a', 'infomax train');
 * try { ... } finally { lock.release(); }
 */
export class RunLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(
    /** The lock file. */
    readonly file: string,
    /** What it holds. */
    readonly owner: LockOwner,
  ) {
    process.once('exit', this.onExit);
  }

  /**
   * Takes the lock of `dir` (which must exist).
   * @param dir the run folder
   * @param command what takes it, shown to a refused second writer
   * @throws RunBusyError when a live process holds it (its pid, host and start time in the message); ConfigError naming `out` when the folder is not writable
   */
  static acquire(dir: string, command: string): RunLock {
    const file = path.join(dir, LOCK_FILE);
    const owner: LockOwner = {
      pid: process.pid,
      host: os.hostname(),
      since: new Date().toISOString(),
      processStart: processStart(process.pid),
      command,
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      let fd: number;
      try {
        fd = openSync(file, 'wx');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST') throw new ConfigError('out', `the run folder '${dir}' is not writable (${code ?? (e as Error).message})`);
        RunLock.clearStale(file);
        continue;
      }
      try {
        writeSync(fd, `${JSON.stringify(owner)}\n`);
      } finally {
        closeSync(fd);
      }
      return new RunLock(file, owner);
    }
    throw RunLock.busy(file, readOwner(file));
  }

  /** Moves a stale lock aside (rename: of two processes clearing it, one wins); throws if it is live. */
  private static clearStale(file: string): void {
    const owner = readOwner(file);
    let stale: boolean;
    if (owner === null) {
      let age: number;
      try {
        age = Date.now() - statSync(file).mtimeMs;
      } catch {
        return; // gone meanwhile: try again
      }
      stale = age > FRESH_MS;
    } else {
      stale = owner.host === os.hostname() && !alive(owner);
    }
    if (!stale) throw RunLock.busy(file, owner);
    try {
      renameSync(file, `${file}.stale-${process.pid}`);
      unlinkSync(`${file}.stale-${process.pid}`);
    } catch {
      // Another process cleared it first.
    }
  }

  private static busy(file: string, owner: LockOwner | null): RunBusyError {
    const dir = path.dirname(file);
    if (owner === null)
      return new RunBusyError(`'${dir}' is locked by another process that is starting now ('${file}'): wait for it, or use another --out`);
    const other = owner.host !== os.hostname();
    return new RunBusyError(
      `'${dir}' is in use by ${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.since}): ` +
        `wait for it to finish or stop it; --overwrite and --resume refuse a live run` +
        (other ? `. If that process is gone, delete '${file}'` : ''),
    );
  }

  /** Removes the lock file if it is still this process's; safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    const now = readOwner(this.file);
    if (now && now.pid === this.owner.pid && now.since === this.owner.since) {
      try {
        unlinkSync(this.file);
      } catch {
        // Already gone: nothing to release.
      }
    }
  }
}
