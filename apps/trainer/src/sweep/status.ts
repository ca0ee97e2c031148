/**
 * Where each cell of a sweep stands, from its run folder: `done` (a recorded result),
 * `failed` (`failed.json`, written when a cell failed for good), `running` (its run
 * folder's lock is held by a live process, or by one on another machine) or `waiting`.
 */
import { existsSync, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LOCK_FILE } from '../run-lock';
import { failureFile } from './cell';
import type { Sweep } from './grid';
import type { CellState } from './queue';
import { resultFile } from './result';

/** A cell's state and, when it failed, why. */
export interface CellStatus {
  state: CellState;
  reason?: string;
  /** A failed cell's last exit code (null: killed by a signal). */
  code?: number | null;
}

/**
 * Each cell's state from the files of its run folder.
 * @example
 * const states = folderStates(await readSweep('grid.yaml')); // Map { 'lr-0.001_seed-0' => { state: 'done' }, … }
 */
export function folderStates(sweep: Sweep): Map<string, CellStatus> {
  return new Map(
    sweep.cells.map((c): [string, CellStatus] => {
      const dir = path.join(sweep.dir, c.id);
      if (existsSync(resultFile(dir))) return [c.id, { state: 'done' }];
      const failure = readJson(failureFile(dir));
      if (failure) return [c.id, { state: 'failed', reason: failure.reason as string, code: failure.code as number | null }];
      return [c.id, { state: lockHeld(path.join(dir, LOCK_FILE)) ? 'running' : 'waiting' }];
    }),
  );
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Whether a run folder's lock has a live owner (one on another host is taken as live). */
function lockHeld(file: string): boolean {
  const owner = readJson(file);
  if (owner === null) return false;
  if (owner.host !== os.hostname()) return true;
  try {
    process.kill(owner.pid as number, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The status lines: one per cell (`done     lr-0.001_seed-0`), then the counts.
 * @example
 * statusLines(sweep, folderStates(sweep)).join('\n');
 */
export function statusLines(sweep: Sweep, states: Map<string, CellStatus>): string[] {
  const lines = sweep.cells.map((c) => {
    const s = states.get(c.id) ?? { state: 'waiting' };
    return `${s.state.padEnd(8)} ${c.id}${s.reason ? `: ${s.reason}` : ''}`;
  });
  const count = (state: CellState) => [...states.values()].filter((s) => s.state === state).length;
  lines.push(
    `${sweep.name}: ${count('done')} done, ${count('running')} running, ${count('waiting')} waiting, ${count('failed')} failed of ${sweep.cells.length} cells (${sweep.dir})`,
  );
  return lines;
}
