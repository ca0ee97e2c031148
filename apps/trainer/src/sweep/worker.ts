/**
 * `infomax worker`: takes cells from the sweep queue and runs each in a child process
 * (`runCell`), returning the cell's result as the job's result. A worker that dies
 * stops renewing its jobs' locks; after `stallSeconds` another worker's stall check puts
 * those jobs back, and whoever takes one resumes the cell from its checkpoint (the dead
 * worker's run stops itself and checkpoints as soon as it notices its parent is gone).
 */
import * as os from 'os';
import { UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { markFailed, runCell, type CellTask } from './cell';
import { connectionOf, QUEUE_NAME } from './queue';
import { probeText, type CellResult } from './result';

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** Cells run at once. */
  concurrency: number;
  /** Seconds without a sign of life after which a worker's cells are given to others (its lock duration). */
  stallSeconds: number;
  /** One line per event. */
  log: (line: string) => void;
  /** Stops the worker: its running cells checkpoint and go back on the queue, then it closes. */
  signal: AbortSignal;
}

/**
 * Runs a worker until `signal` aborts.
 * @param url the Redis URL (checked beforehand with `checkQueue`)
 * @example
 * await runWorker('redis://127.0.0.1:6379', { concurrency: 2, stallSeconds: 30, log: console.log, signal });
 */
export async function runWorker(url: string, options: WorkerOptions): Promise<void> {
  const { log, signal } = options;
  const me = `${os.hostname()}:${process.pid}`;
  const worker = new Worker<CellTask, CellResult>(
    QUEUE_NAME,
    async (job, token) => {
      const task = job.data;
      const id = `${task.sweep}/${task.cell.id}`;
      log(
        `${me} took ${id} (try ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1}${job.stalledCounter > 0 ? `, after ${job.stalledCounter} stalled` : ''})`,
      );
      const outcome = await runCell(task, signal);
      if (outcome.status === 'done') {
        log(`${me} ${outcome.wrote ? 'recorded' : 'found recorded'} ${id}: ${probeText(outcome.result)}`);
        return outcome.result;
      }
      if (signal.aborted) {
        // Stopped by our own shutdown: back to the queue without using up a try.
        log(`${me} handed back ${id} (${outcome.reason})`);
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const last = outcome.status === 'failed' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      log(`${me} ${last ? 'FAILED' : 'will retry'} ${id}: ${outcome.reason}`);
      if (last) await markFailed(task, { ...outcome, status: 'failed' });
      throw outcome.status === 'failed' ? new UnrecoverableError(outcome.reason) : new Error(outcome.reason);
    },
    {
      connection: connectionOf(url),
      concurrency: options.concurrency,
      lockDuration: options.stallSeconds * 1000,
      stalledInterval: options.stallSeconds * 1000,
      // A cell whose worker died is put back each time; its tries are what limit it.
      maxStalledCount: 1000,
    },
  );
  worker.on('error', (e) => log(`${me} queue error: ${e.message}`));
  log(`${me} waiting for cells on ${url} (queue ${QUEUE_NAME}, ${options.concurrency} at a time)`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await worker.close();
  log(`${me} stopped`);
}
