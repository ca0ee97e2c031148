/**
 * A cell's result: its final metrics and probe accuracies, read from its run folder's
 * `metrics.jsonl` and recorded once, as `<cell>/result.json`. The record is created with
 * a hard link from a complete temp file, which fails if the name exists: of two processes
 * finishing the same cell (a job handed out again after its worker was presumed dead),
 * one records and the other finds the record.
 */
import { existsSync, promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckpointError } from '../errors';
import { RunFolder } from '../run-folder';
import type { Cell } from './grid';

/** What a finished cell reports (the sweep's summary is made of these). */
export interface CellResult {
  /** The sweep's name. */
  sweep: string;
  /** The cell's id. */
  cell: string;
  /** Axis key path → value (see {@link Cell.diff}). */
  diff: Record<string, unknown>;
  /** Steps trained. */
  step: number;
  /** The last logged step's metrics (`loss`, `mi_*`, …). */
  metrics: Record<string, number>;
  /** The final evaluation: `testAccuracy`, `trainAccuracy`, `test_*` held-out estimates, `randomInitTestAccuracy`, `knnAccuracy` where run. */
  evaluation: Record<string, number>;
  /** Who recorded it and when; differs between runs of the same cell, so the summary leaves it out. */
  recorded: { host: string; pid: number; at: string };
}

/** `linear probe 91.3% at step 400`. */
export const probeText = (r: CellResult): string => `linear probe ${(100 * r.evaluation.testAccuracy).toFixed(1)}% at step ${r.step}`;

/** The file a cell's result is recorded in. */
export const resultFile = (cellDir: string): string => path.join(cellDir, 'result.json');

/**
 * Reads a cell's recorded result, or null when it has none.
 * @throws CheckpointError when the file is not JSON
 * @example
 * const r = await readResult('runs/lr/seed-0'); // r?.evaluation.testAccuracy
 */
export async function readResult(cellDir: string): Promise<CellResult | null> {
  const file = resultFile(cellDir);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as CellResult;
  } catch (e) {
    throw new CheckpointError(
      `'${file}' is not a readable result (${(e as Error).message.split('\n')[0]}): delete it to run the cell again`,
    );
  }
}

/**
 * Reads the final metrics of a finished run folder into a result.
 * @throws CheckpointError when the run has no final evaluation line (it did not finish)
 * @example
 * const result = await collectResult('lr', cell, 'runs/lr/seed-0');
 */
export async function collectResult(sweep: string, cell: Cell, cellDir: string): Promise<CellResult> {
  const lines = await new RunFolder(cellDir).readMetrics();
  const lastEval = [...lines].reverse().find((l) => l.kind === 'eval');
  const lastStep = [...lines].reverse().find((l) => l.kind === 'step');
  if (lastEval === undefined)
    throw new CheckpointError(`'${path.join(cellDir, 'metrics.jsonl')}' has no evaluation line: the run did not finish`);
  const numbers = (line: Record<string, unknown> | undefined, drop: string[]) =>
    Object.fromEntries(Object.entries(line ?? {}).filter(([k, v]) => !drop.includes(k) && typeof v === 'number')) as Record<string, number>;
  return {
    sweep,
    cell: cell.id,
    diff: cell.diff,
    step: lastEval.step,
    metrics: numbers(lastStep, ['step', 'epoch', 'ms']),
    evaluation: numbers(lastEval, ['step', 'epoch']),
    recorded: { host: os.hostname(), pid: process.pid, at: new Date().toISOString() },
  };
}

/**
 * Records a result unless the cell has one.
 * @returns the recorded result and whether this call wrote it
 * @example
 * const { wrote } = await recordResult(dir, await collectResult('lr', cell, dir)); // false: another process recorded it first
 */
export async function recordResult(cellDir: string, result: CellResult): Promise<{ result: CellResult; wrote: boolean }> {
  const file = resultFile(cellDir);
  const tmp = `${file}.tmp-${os.hostname()}-${process.pid}`;
  const handle = await fsp.open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(result, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fsp.link(tmp, file);
    return { result, wrote: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return { result: (await readResult(cellDir)) as CellResult, wrote: false };
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}
