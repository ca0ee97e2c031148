/**
 * Running one cell: a normal `infomax train` in a child process, started fresh or, when
 * its folder holds a checkpoint, with `--resume` (so a cell whose runner died continues
 * bit for bit from its last checkpoint). The trainer's exit code decides what happens
 * next: 0 records the result, 2/3/4 (and 1) fail the cell (running it again would fail
 * the same way), 5/6/130 or a signal leave it to be tried again.
 */
import { spawn } from 'child_process';
import { existsSync, openSync, closeSync, promises as fsp } from 'fs';
import * as path from 'path';
import { EXIT } from '../errors';
import { writeFileAtomic } from '../internal/engine-node';
import type { Cell } from './grid';
import { collectResult, readResult, recordResult, type CellResult } from './result';

/** What one attempt at a cell came to. */
export type CellOutcome =
  | { status: 'done'; result: CellResult; /** false when the cell already had its result */ wrote: boolean }
  | { status: 'retry' | 'failed'; code: number | null; reason: string };

/** A cell as a runner hands it out: everything a worker on another machine needs. */
export interface CellTask {
  /** The sweep's name. */
  sweep: string;
  /** The sweep's folder (absolute; the cell's run folder is `<dir>/<cell.id>`). */
  dir: string;
  cell: Cell;
}

/** Exit codes after which the cell is tried again: checkpoint/IO (storage may recover), busy (another process still holds it), interrupted. */
const RETRY_CODES: readonly number[] = [EXIT.io, EXIT.busy, EXIT.interrupted];

/** The built command; from the sources (tests through ts-jest) the build beside them. */
const CLI = existsSync(path.join(__dirname, '..', 'cli.js'))
  ? path.join(__dirname, '..', 'cli.js')
  : path.join(__dirname, '..', '..', 'dist', 'cli.js');
const GUARD = path.join(path.dirname(CLI), 'sweep', 'orphan-guard.js');

/** The run folder of a task's cell. */
export const cellDir = (task: CellTask): string => path.join(task.dir, task.cell.id);

/** Where a cell that failed for good says why (removed when it is tried again). */
export const failureFile = (dir: string): string => path.join(dir, 'failed.json');

/**
 * Runs one attempt at a cell. A cell with a recorded result is not run again.
 * @param task the cell
 * @param signal aborting it sends the run SIGTERM (it checkpoints and exits 130: outcome `retry`)
 * @returns the outcome; `done` carries the recorded result
 * @example
 * const outcome = await runCell({ sweep: 'lr', dir: '/shared/runs/lr', cell });
 */
export async function runCell(task: CellTask, signal?: AbortSignal): Promise<CellOutcome> {
  const dir = cellDir(task);
  const recorded = await readResult(dir);
  if (recorded) return { status: 'done', result: recorded, wrote: false };
  await fsp.mkdir(dir, { recursive: true });
  await fsp.rm(failureFile(dir), { force: true });
  const configFile = path.join(dir, 'cell.json');
  await writeFileAtomic(configFile, `${JSON.stringify(task.cell.config, null, 2)}\n`);
  const resume = existsSync(path.join(dir, 'checkpoints', 'latest'));
  const args = resume ? ['train', '--resume', dir] : ['train', '-c', configFile, '-o', dir, '--overwrite'];
  const log = path.join(dir, 'train.log');
  const { code, signal: killedBy } = await runChild(args, log, signal);
  if (code === EXIT.ok) {
    const { result, wrote } = await recordResult(dir, await collectResult(task.sweep, task.cell, dir));
    return { status: 'done', result, wrote };
  }
  const reason = killedBy !== null ? `killed by ${killedBy}` : `exit ${code}: ${await lastError(log)}`;
  return { status: code === null || RETRY_CODES.includes(code) ? 'retry' : 'failed', code, reason };
}

/**
 * Notes why a cell failed for good, for `--status`.
 * @example
 * if (outcome.status === 'failed') await markFailed(task, outcome);
 */
export async function markFailed(task: CellTask, outcome: CellOutcome): Promise<void> {
  if (outcome.status === 'done') return;
  await writeFileAtomic(failureFile(cellDir(task)), `${JSON.stringify({ code: outcome.code, reason: outcome.reason }, null, 2)}\n`);
}

function runChild(args: string[], log: string, signal?: AbortSignal): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const fd = openSync(log, 'a');
  // Its own process group: a Ctrl-C at the terminal reaches the runner only, which sends the
  // run one SIGTERM (a second signal would stop the trainer without its checkpoint).
  const child = spawn(process.execPath, ['-r', GUARD, CLI, ...args], { stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const stop = () => child.kill('SIGTERM');
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, killedBy) => {
      signal?.removeEventListener('abort', stop);
      resolve({ code, signal: killedBy });
    });
  });
}

/** The last `infomax: …Error: …` line of a cell's log (what the trainer said when it stopped). */
async function lastError(log: string): Promise<string> {
  const text = await fsp.readFile(log, 'utf8').catch(() => '');
  const lines = text.split('\n').filter((l) => /^infomax: (\w+Error|interrupted)/.test(l));
  return lines.length > 0 ? lines[lines.length - 1].replace(/^infomax: /, '') : `see ${log}`;
}
