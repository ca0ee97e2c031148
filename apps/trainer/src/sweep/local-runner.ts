/**
 * The embedded runner: a pool of N child processes on this machine, no server. Each
 * cell is tried up to `attempts` times while its runs end in a retryable way (see
 * `runCell`); a retried cell resumes from its checkpoint.
 */
import { markFailed, runCell, type CellOutcome, type CellTask } from './cell';
import type { Sweep } from './grid';
import { runPool } from './pool';
import { probeText } from './result';

/** Options of {@link runLocal}. */
export interface LocalOptions {
  /** Cells run at once (each one process). */
  concurrency: number;
  /** Tries per cell while its runs end in a retryable way (checkpoint/IO error, busy, interrupted, killed). */
  attempts: number;
  /** One line per event (a cell done, retried, failed). */
  log: (line: string) => void;
  /** Stops the pool: running cells checkpoint and stop, no new cell starts. */
  signal?: AbortSignal;
}

/**
 * Runs every cell of `sweep` without a recorded result.
 * @returns each cell's last outcome, by cell id (cells never started when stopped are absent)
 * @example
 * const outcomes = await runLocal(sweep, { concurrency: 2, attempts: 3, log: console.log });
 */
export async function runLocal(sweep: Sweep, options: LocalOptions): Promise<Map<string, CellOutcome>> {
  const outcomes = new Map<string, CellOutcome>();
  const tasks = sweep.cells.map((cell) => ({ sweep: sweep.name, dir: sweep.dir, cell }));
  await runPool(
    tasks,
    options.concurrency,
    async (task) => {
      const outcome = await tryCell(task, options);
      outcomes.set(task.cell.id, outcome);
      options.log(`[${outcomes.size}/${sweep.cells.length}] ${describe(task, outcome)}`);
    },
    options.signal,
  );
  return outcomes;
}

async function tryCell(task: CellTask, options: LocalOptions): Promise<CellOutcome> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await runCell(task, options.signal);
    if (outcome.status === 'retry' && attempt < options.attempts && !options.signal?.aborted) {
      options.log(`retry ${task.cell.id} (${outcome.reason}), attempt ${attempt + 1} of ${options.attempts}`);
      await new Promise((r) => setTimeout(r, 1000 * attempt));
      continue;
    }
    if (outcome.status === 'done' || options.signal?.aborted) return outcome;
    const failed: CellOutcome =
      outcome.status === 'retry' ? { ...outcome, status: 'failed', reason: `${outcome.reason} (${attempt} attempts)` } : outcome;
    await markFailed(task, failed);
    return failed;
  }
}

/** One line for a cell's outcome: `done <id>: linear probe 91.3% at step 400`, `FAILED <id>: exit 4: …`. */
function describe(task: CellTask, outcome: CellOutcome): string {
  if (outcome.status !== 'done') return `${outcome.status === 'retry' ? 'stopped' : 'FAILED'} ${task.cell.id}: ${outcome.reason}`;
  return `${outcome.wrote ? 'done' : 'had'} ${task.cell.id}: ${probeText(outcome.result)}`;
}
