/**
 * The glue between the `sweep` and `worker` flags and the runners. Each function returns
 * the exit code: 0 when every cell has its result, 130 when stopped by a signal, else the
 * exit code of the first failed cell (in grid order).
 */
import * as os from 'os';
import { int, optional } from '@infomax/engine';
import { ConfigError, EXIT } from '../errors';
import { parseFlags } from '../internal/flags';
import type { CommandIo } from '../commands';
import { readSweep, type Sweep } from './grid';
import { runLocal } from './local-runner';
import { checkQueue, followSweep, openQueue, queueStates, submitSweep } from './queue';
import { writeSummary } from './report';
import { folderStates, statusLines } from './status';
import { runWorker } from './worker';

/** An AbortSignal that SIGINT / SIGTERM abort (listeners removed by `release`). */
function onSignals(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

const line = (io: CommandIo) => (s: string) => void io.stderr.write(`${s}\n`);

/**
 * `infomax sweep <file>`: run (embedded or on a queue), `--status` or `--report`.
 * @throws ConfigError for a bad sweep file or option; QueueError, QueueBusyError for the queue
 * @example
 * process.exitCode = await runSweep('grid.yaml', { concurrency: 2 });
 */
export async function runSweep(file: string, opts: Record<string, unknown>, io: CommandIo = process): Promise<number> {
  const { concurrency, attempts } = parseFlags(
    { concurrency: optional(int(1, 1024), os.availableParallelism()), attempts: optional(int(1, 100), 3) },
    opts,
  );
  const url = opts.queue as string | undefined;
  if (opts.detach && url === undefined) throw new ConfigError('--detach', 'needs --queue: the embedded runner runs the cells itself');
  const sweep = await readSweep(file, opts.out as string | undefined);
  if (url !== undefined) await checkQueue(url);
  if (opts.status) {
    const states = url === undefined ? folderStates(sweep) : await withQueue(url, (q) => queueStates(q, sweep));
    io.stdout.write(`${statusLines(sweep, states).join('\n')}\n`);
    return EXIT.ok;
  }
  if (opts.report) return report(sweep, io);
  const { signal, release } = onSignals();
  try {
    if (url === undefined) {
      io.stderr.write(`infomax: sweep ${sweep.name}: ${sweep.cells.length} cells in ${sweep.dir}, ${concurrency} at a time\n`);
      await runLocal(sweep, { concurrency, attempts, log: line(io), signal });
    } else {
      const stop = await withQueue(url, async (q) => {
        const { queued, done } = await submitSweep(q, sweep, url, attempts);
        io.stderr.write(
          `infomax: sweep ${sweep.name}: ${done} of ${sweep.cells.length} cells done, ${queued} queued now on ${url}; ` +
            `run folders in ${sweep.dir} (every worker must see it): infomax worker --queue ${url}\n`,
        );
        if (opts.detach) return true;
        let finished = 0;
        await followSweep(
          q,
          sweep,
          (id, state, reason) => {
            finished += 1;
            io.stderr.write(
              `[${finished}/${sweep.cells.length}] ${state === 'done' ? 'done' : 'FAILED'} ${id}${reason ? `: ${reason}` : ''}\n`,
            );
          },
          signal,
        );
        return false;
      });
      if (stop) return EXIT.ok;
    }
  } finally {
    release();
  }
  if (signal.aborted) {
    io.stderr.write(
      url === undefined
        ? `infomax: sweep ${sweep.name} stopped; run the same command to continue (finished cells are kept, stopped ones resume)\n`
        : `infomax: stopped following sweep ${sweep.name}; its cells go on on the workers (--status --queue ${url} shows them)\n`,
    );
    return EXIT.interrupted;
  }
  return report(sweep, io);
}

/** Writes the summary; prints it and says which cells failed. */
async function report(sweep: Sweep, io: CommandIo): Promise<number> {
  const summary = await writeSummary(sweep);
  io.stdout.write(summary.markdown);
  io.stderr.write(`infomax: ${summary.done} of ${summary.total} cells done; summary in ${summary.files.join(', ')}\n`);
  const states = folderStates(sweep);
  const failed = sweep.cells.map((c) => states.get(c.id)).find((s) => s?.state === 'failed');
  if (failed) return failed.code ?? EXIT.internal;
  return EXIT.ok;
}

async function withQueue<T>(url: string, use: (q: ReturnType<typeof openQueue>) => Promise<T>): Promise<T> {
  const queue = openQueue(url);
  try {
    return await use(queue);
  } finally {
    await queue.close();
  }
}

/**
 * `infomax worker --queue <url>`: runs cells until SIGINT / SIGTERM.
 * @throws QueueError when Redis cannot be reached
 * @example
 * await runWorkerCommand({ queue: 'redis://127.0.0.1:6379', concurrency: 2 });
 */
export async function runWorkerCommand(opts: Record<string, unknown>, io: CommandIo = process): Promise<number> {
  const url = opts.queue as string;
  const f = parseFlags(
    { concurrency: optional(int(1, 1024), os.availableParallelism()), 'stall-timeout': optional(int(1, 86400), 30) },
    opts,
  );
  const { concurrency, 'stall-timeout': stallSeconds } = f;
  await checkQueue(url);
  const { signal, release } = onSignals();
  try {
    await runWorker(url, { concurrency, stallSeconds, log: line(io), signal });
  } finally {
    release();
  }
  return EXIT.ok;
}
