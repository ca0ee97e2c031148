/**
 * Metrics as one CSV file (`<run>/metrics.csv`), for spreadsheets and `pandas.read_csv`:
 * a column per key ever logged, blank where a line lacks it.
 */
import { appendFileSync, renameSync, writeFileSync } from 'fs';
import type { MetricLine } from '../plots';
import { writeFileAtomic } from '../internal/engine-node';
import type { MetricsLogger } from './logger';

const FIRST = ['kind', 'step', 'epoch'];

/**
 * Appends a row per metrics line; a line with a key not yet in the header rewrites the
 * file (atomically) with the wider header, as step and evaluation lines differ.
 * @example
 * const csv = await CsvLogger.open('runs/a/metrics.csv', history);
 * csv.write({ kind: 'eval', step: 400, testAccuracy: 0.91 });
 */
export class CsvLogger implements MetricsLogger {
  private constructor(
    private readonly file: string,
    private readonly rows: MetricLine[],
    private columns: string[],
  ) {}

  /** Writes the file afresh from `history`. */
  static async open(file: string, history: MetricLine[]): Promise<CsvLogger> {
    const logger = new CsvLogger(file, [...history], columnsOf(history, []));
    await writeFileAtomic(file, logger.render());
    return logger;
  }

  write(line: MetricLine): void {
    this.rows.push(line);
    const columns = columnsOf([line], this.columns);
    if (columns.length === this.columns.length) {
      appendFileSync(this.file, row(line, this.columns));
      return;
    }
    this.columns = columns;
    // Synchronously, so the next append lands after the rewrite.
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, this.render());
    renameSync(tmp, this.file);
  }

  private render(): string {
    return `${this.columns.join(',')}\n${this.rows.map((r) => row(r, this.columns)).join('')}`;
  }
}

function columnsOf(lines: MetricLine[], known: string[]): string[] {
  const columns = known.length > 0 ? [...known] : [...FIRST];
  for (const line of lines) for (const key of Object.keys(line)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

function row(line: MetricLine, columns: string[]): string {
  return `${columns.map((c) => cell(line[c])).join(',')}\n`;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
