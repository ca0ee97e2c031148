/**
 * The sweep's side of a BullMQ queue on Redis: check the server answers, put the cells
 * without a result on the queue (one job per cell, its id `<sweep>/<cell>`, so a cell is
 * queued once however often the sweep is submitted), and follow them until each has a
 * result or has failed. Workers (`infomax worker`) take the jobs; run folders live on
 * storage every machine sees, at the same path.
 */
import IORedis from 'ioredis';
import { Queue, type JobType } from 'bullmq';
import { existsSync, promises as fsp } from 'fs';
import * as path from 'path';
import { ConfigError, QueueBusyError, QueueError } from '../errors';
import { failureFile, type CellTask } from './cell';
import type { Sweep } from './grid';
import { readResult, resultFile, type CellResult } from './result';

/** The one queue every sweep and worker uses (one sweep at a time per Redis database). */
export const QUEUE_NAME = 'infomax-sweep';

/** Job states that are not finished. */
const UNFINISHED: JobType[] = ['wait', 'active', 'delayed', 'prioritized', 'waiting-children'];

/** BullMQ connection options for a `redis://` URL (workers need no retry limit per request). */
export const connectionOf = (url: string) => ({ url, maxRetriesPerRequest: null });

/**
 * Checks that `url` is a Redis URL and that its server answers, within 3 s.
 * @throws ConfigError naming `--queue` for a URL that is not `redis://` or `rediss://`; QueueError when the server cannot be reached
 * @example
 * await checkQueue('redis://127.0.0.1:6379');
 */
export async function checkQueue(url: string): Promise<void> {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:')
    throw new ConfigError('--queue', `expected redis://host:port (or rediss://), got '${url}'`);
  const client = new IORedis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    disconnectTimeout: 50,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let failure = '';
  client.on('error', (e: Error) => (failure ||= e.message));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new QueueError(
      `cannot reach Redis at ${url} (${failure || (e as Error).message}): start it (redis-server --port <port>) or check --queue`,
    );
  } finally {
    client.disconnect();
  }
}

/**
 * Opens the sweep queue; close it when done.
 * @example
 * const queue = openQueue('redis://127.0.0.1:6379'); try { … } finally { await queue.close(); }
 */
export const openQueue = (url: string): Queue<CellTask, CellResult> =>
  new Queue<CellTask, CellResult>(QUEUE_NAME, { connection: connectionOf(url) });

/**
 * Puts every cell without a result on the queue. A cell already queued (waiting, running)
 * is left as it is; one whose job finished but has no result (folder deleted) or failed is queued afresh.
 * @param attempts tries per cell while its runs end in a retryable way
 * @returns how many cells were queued now, and how many have a result already
 * @throws QueueBusyError when the queue holds unfinished cells of another sweep
 * @example
 * const { queued } = await submitSweep(queue, sweep, url, 3);
 */
export async function submitSweep(
  queue: Queue<CellTask, CellResult>,
  sweep: Sweep,
  url: string,
  attempts: number,
): Promise<{ queued: number; done: number }> {
  const unfinished = await queue.getJobs(UNFINISHED);
  const other = unfinished.find((j) => j.data.sweep !== sweep.name || j.data.dir !== sweep.dir);
  if (other) {
    const count = unfinished.filter((j) => j.data.sweep === other.data.sweep && j.data.dir === other.data.dir).length;
    throw new QueueBusyError(
      `the queue at ${url} holds ${count} unfinished cell(s) of sweep '${other.data.sweep}' (${other.data.dir}): ` +
        `wait for them, or give this sweep another Redis database (${url.replace(/\/\d*$/, '')}/1)`,
    );
  }
  let queued = 0;
  let done = 0;
  for (const cell of sweep.cells) {
    if (existsSync(resultFile(path.join(sweep.dir, cell.id)))) {
      done += 1;
      continue;
    }
    const jobId = `${sweep.name}/${cell.id}`;
    const existing = await queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed') continue;
      await existing.remove();
    }
    await fsp.rm(failureFile(path.join(sweep.dir, cell.id)), { force: true });
    await queue.add('cell', { sweep: sweep.name, dir: sweep.dir, cell }, { jobId, attempts, backoff: { type: 'fixed', delay: 1000 } });
    queued += 1;
  }
  return { queued, done };
}

/** Where a cell stands. */
export type CellState = 'done' | 'running' | 'waiting' | 'failed';

/**
 * Each cell's state from the queue (a recorded result is `done` whatever the queue says).
 * @returns state and, for a failed job, its reason, by cell id
 * @example
 * (await queueStates(queue, sweep)).get('seed-0'); // { state: 'running' }
 */
export async function queueStates(
  queue: Queue<CellTask, CellResult>,
  sweep: Sweep,
): Promise<Map<string, { state: CellState; reason?: string }>> {
  const states = new Map<string, { state: CellState; reason?: string }>();
  for (const cell of sweep.cells) {
    if (await readResult(path.join(sweep.dir, cell.id))) {
      states.set(cell.id, { state: 'done' });
      continue;
    }
    const job = await queue.getJob(`${sweep.name}/${cell.id}`);
    const state = job ? await job.getState() : 'unknown';
    if (state === 'failed') states.set(cell.id, { state: 'failed', reason: job?.failedReason });
    else states.set(cell.id, { state: state === 'active' ? 'running' : 'waiting' });
  }
  return states;
}

/**
 * Follows the queued cells until each has a result or has failed, calling `onCell` once per cell as it gets there.
 * @param signal stops following (the cells go on on the workers)
 * @example
 * await followSweep(queue, sweep, (id, state) => console.log(state, id));
 */
export async function followSweep(
  queue: Queue<CellTask, CellResult>,
  sweep: Sweep,
  onCell: (id: string, state: 'done' | 'failed', reason?: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const open = new Set(sweep.cells.map((c) => c.id));
  while (open.size > 0 && !signal?.aborted) {
    const states = await queueStates(queue, sweep);
    for (const id of [...open]) {
      const s = states.get(id);
      if (s?.state === 'done' || s?.state === 'failed') {
        open.delete(id);
        onCell(id, s.state, s.reason);
      }
    }
    if (open.size > 0) await new Promise((r) => setTimeout(r, 500));
  }
}
