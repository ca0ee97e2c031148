/**
 * Metrics as TensorBoard event files (`<run>/tensorboard/events.out.tfevents.*`), so
 * `tensorboard --logdir <run>/tensorboard` shows the curves while a run trains.
 */
import { appendFileSync, existsSync, promises as fsp } from 'fs';
import { hostname } from 'os';
import * as path from 'path';
import type { MetricLine } from '../plots';
import { encodeEvent, EVENT_FILE_VERSION } from './event-proto';
import { frameRecord } from './tfrecord';
import type { MetricsLogger } from './logger';

/**
 * Writes each metrics line as one event of scalars tagged `train/<key>` (step lines) or
 * `eval/<key>` (evaluation lines). Each run (and each resume) starts one new event file
 * holding the history first, so the folder never shows a step twice.
 * @example
 * const tb = await TensorBoardLogger.open('runs/a/tensorboard', history);
 * tb.write({ kind: 'step', step: 20, loss: 0.5 });
 */
export class TensorBoardLogger implements MetricsLogger {
  private constructor(private readonly file: string) {}

  /**
   * Replaces the folder's event files by one holding `history`.
   * @param dir the event folder (created)
   * @param history the run's metrics lines so far
   * @param now seconds since the epoch, stamped on every event written by this logger's history
   */
  static async open(dir: string, history: MetricLine[], now = Date.now() / 1000): Promise<TensorBoardLogger> {
    if (existsSync(dir)) {
      for (const f of await fsp.readdir(dir)) if (f.includes('tfevents')) await fsp.rm(path.join(dir, f));
    } else {
      await fsp.mkdir(dir, { recursive: true });
    }
    const file = path.join(dir, `events.out.tfevents.${Math.floor(now)}.${hostname()}`);
    const head = [frameRecord(encodeEvent({ wallTime: now, step: 0, fileVersion: EVENT_FILE_VERSION }))];
    for (const line of history) {
      const event = toEvent(line, now);
      if (event) head.push(event);
    }
    await fsp.writeFile(file, Buffer.concat(head));
    return new TensorBoardLogger(file);
  }

  write(line: MetricLine): void {
    const event = toEvent(line, Date.now() / 1000);
    if (event) appendFileSync(this.file, event);
  }
}

function toEvent(line: MetricLine, wallTime: number): Buffer | null {
  const value = metricEntries(line).map(([key, v]) => ({ tag: `${line.kind === 'eval' ? 'eval' : 'train'}/${key}`, simpleValue: v }));
  if (value.length === 0) return null;
  return frameRecord(encodeEvent({ wallTime, step: line.step, summary: { value } }));
}

/** The numeric metrics of a line (not its kind, step or epoch), in the line's order. */
function metricEntries(line: MetricLine): Array<[string, number]> {
  return Object.entries(line).filter(
    (e): e is [string, number] => e[0] !== 'step' && e[0] !== 'epoch' && typeof e[1] === 'number' && Number.isFinite(e[1]),
  );
}
