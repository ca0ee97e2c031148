/**
 * A run folder: `config.json` (resolved), `metrics.jsonl`, `plots/`, `checkpoints/`.
 */
import { appendFileSync, existsSync, promises as fsp, statSync } from 'fs';
import * as path from 'path';
import { CheckpointError } from './errors';
import type { MetricLine } from './plots';

/**
 * Paths inside a run folder, and its append-only metrics file.
 * @example
 * const run = new RunFolder('runs/quickstart'); run.append({ kind: 'step', step: 1, loss: 0.7 });
 */
export class RunFolder {
  /** @param dir the run folder (created by the trainer) */
  constructor(readonly dir: string) {}

  /** `config.json`: the resolved config. */
  get configFile(): string {
    return path.join(this.dir, 'config.json');
  }
  /** `metrics.jsonl`: one JSON line per logged step or evaluation. */
  get metricsFile(): string {
    return path.join(this.dir, 'metrics.jsonl');
  }
  /** `plots/`: PNG charts. */
  get plotsDir(): string {
    return path.join(this.dir, 'plots');
  }
  /** `checkpoints/`: `ckpt-<step>/` folders and `latest`. */
  get checkpointsDir(): string {
    return path.join(this.dir, 'checkpoints');
  }

  /** Whether a run was started here (a config or a checkpoint exists). */
  exists(): boolean {
    return existsSync(this.configFile) || existsSync(path.join(this.checkpointsDir, 'latest'));
  }

  /** Empties the folder's run files (for `--overwrite`). */
  async clear(): Promise<void> {
    for (const f of [this.configFile, this.metricsFile, path.join(this.dir, 'eval.json')]) await fsp.rm(f, { force: true });
    for (const d of [this.plotsDir, this.checkpointsDir]) await fsp.rm(d, { recursive: true, force: true });
  }

  /** Appends one metrics line; returns the file's length afterwards (written synchronously: a checkpoint records it). */
  append(line: MetricLine): number {
    appendFileSync(this.metricsFile, `${JSON.stringify(line)}\n`);
    return this.metricsBytes();
  }

  /** Current length of `metrics.jsonl` in bytes (0 when absent). */
  metricsBytes(): number {
    try {
      return statSync(this.metricsFile).size;
    } catch {
      return 0;
    }
  }

  /** Cuts `metrics.jsonl` back to `bytes` (lines written after the checkpoint a run resumes from). */
  async truncateMetrics(bytes: number): Promise<void> {
    if (!existsSync(this.metricsFile)) {
      if (bytes > 0) throw new CheckpointError(`'${this.metricsFile}' is missing; the checkpoint expects ${bytes} bytes of it`);
      return;
    }
    await fsp.truncate(this.metricsFile, bytes);
  }

  /** Parsed metrics lines (a torn last line from a killed run is skipped). */
  async readMetrics(): Promise<MetricLine[]> {
    if (!existsSync(this.metricsFile)) return [];
    const text = await fsp.readFile(this.metricsFile, 'utf8');
    const out: MetricLine[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line) as MetricLine);
      } catch {
        // Only the last line can be torn (append-only file, process killed mid-write).
      }
    }
    return out;
  }
}
