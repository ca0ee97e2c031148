/**
 * Metrics loggers. `metrics.jsonl` is a run's record (checkpoints hold its length and
 * hash); CSV and TensorBoard are views of it, rebuilt from it whenever a run starts or
 * resumes, then fed each new line, so they can never disagree with it.
 */
import * as path from 'path';
import type { MetricLine } from '../plots';
import { CsvLogger } from './csv-logger';
import { TensorBoardLogger } from './tensorboard-logger';

/** Loggers `log.loggers` accepts, beside `metrics.jsonl` (always written). */
export const LOGGERS = ['csv', 'tensorboard'] as const;
/** One of {@link LOGGERS}. */
export type LoggerKind = (typeof LOGGERS)[number];

/** A sink of metrics lines, fed as `metrics.jsonl` is appended. */
export interface MetricsLogger {
  /** Records one line (synchronously: the next line may follow at once). */
  write(line: MetricLine): void;
}

/** Where each logger writes inside a run folder. */
export const LOGGER_PATHS: Record<LoggerKind, string> = { csv: 'metrics.csv', tensorboard: 'tensorboard' };

/**
 * Opens the loggers of a run, each rebuilt from the metrics so far.
 * @param dir the run folder
 * @param kinds which loggers
 * @param history the run's metrics lines (after a resume's truncation)
 * @example
 * const sinks = await openLoggers('runs/a', ['csv', 'tensorboard'], await run.readMetrics());
 */
export async function openLoggers(dir: string, kinds: readonly LoggerKind[], history: MetricLine[]): Promise<MetricsLogger[]> {
  const open: Record<LoggerKind, () => Promise<MetricsLogger>> = {
    csv: () => CsvLogger.open(path.join(dir, LOGGER_PATHS.csv), history),
    tensorboard: () => TensorBoardLogger.open(path.join(dir, LOGGER_PATHS.tensorboard), history),
  };
  const out: MetricsLogger[] = [];
  for (const kind of new Set(kinds)) out.push(await open[kind]());
  return out;
}
