/**
 * A run folder: `config.json` (resolved), `metrics.jsonl`, `plots/`, `checkpoints/`.
 */
import { createHash } from 'crypto';
import { appendFileSync, existsSync, promises as fsp, statSync } from 'fs';
import * as path from 'path';
import { CheckpointError, ConfigError } from './errors';
import type { MetricLine } from './plots';
import { LOGGER_PATHS, type MetricsLogger } from './loggers/logger';

/**
 * Paths inside a run folder, and its append-only metrics file.
 * @example
 * const run = new RunFolder('runs/quickstart'); run.append({ kind: 'step', step: 1, loss: 0.7 });
 */
export class RunFolder {
  private loggers: MetricsLogger[] = [];

  /** @param dir the run folder (created by the trainer) */
  constructor(readonly dir: string) {}

  /** Feeds every line appended from now on to `loggers` too (see `openLoggers`). */
  attach(loggers: MetricsLogger[]): void {
    this.loggers = loggers;
  }

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

  /** Empties the folder's run files (for `--overwrite`, and for a run that failed before its first step); the lock stays. */
  async clear(): Promise<void> {
    for (const f of [this.configFile, this.metricsFile, path.join(this.dir, 'eval.json'), path.join(this.dir, LOGGER_PATHS.csv)]) {
      await fsp.rm(f, { force: true });
    }
    for (const d of [this.plotsDir, this.checkpointsDir, path.join(this.dir, LOGGER_PATHS.tensorboard)])
      await fsp.rm(d, { recursive: true, force: true });
  }

  /**
   * Makes sure the folder exists, before any data is loaded: creates it and missing parents
   * (taking its lock next is the test that it is writable).
   * @returns the first folder this call created (to remove if the run fails early), or null
   * @throws ConfigError naming `out` when a file stands in its path or it cannot be created
   */
  async prepare(): Promise<string | null> {
    let created: string | null;
    try {
      created = await makeDirs(path.resolve(this.dir));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ConfigError(
        'out',
        `cannot create the run folder '${this.dir}' (${code ?? (e as Error).message})` +
          (code === 'EEXIST' || code === 'ENOTDIR' ? ': a file stands in its path' : ''),
      );
    }
    return created;
  }

  /** Appends one metrics line; returns the file's length afterwards (written synchronously: a checkpoint records it). */
  append(line: MetricLine): number {
    appendFileSync(this.metricsFile, `${JSON.stringify(line)}\n`);
    for (const logger of this.loggers) logger.write(line);
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

  /** Length and sha256 of `metrics.jsonl` as it stands (a checkpoint records both). */
  async metricsDigest(): Promise<{ bytes: number; sha256: string }> {
    const text = existsSync(this.metricsFile) ? await fsp.readFile(this.metricsFile) : Buffer.alloc(0);
    return { bytes: text.length, sha256: createHash('sha256').update(text).digest('hex') };
  }

  /**
   * Cuts `metrics.jsonl` back to the `bytes` a checkpoint recorded (dropping lines written
   * after it), once its first `bytes` are checked against the recorded sha256. Never pads.
   * @throws CheckpointError when the file is missing, shorter, or its kept part differs
   */
  async truncateMetrics(bytes: number, sha256: string): Promise<void> {
    const text = existsSync(this.metricsFile) ? await fsp.readFile(this.metricsFile) : null;
    if (text === null) {
      if (bytes > 0) throw new CheckpointError(`'${this.metricsFile}' is missing; the checkpoint expects ${bytes} bytes of it`);
      return;
    }
    if (text.length < bytes)
      throw new CheckpointError(`'${this.metricsFile}' holds ${text.length} bytes; the checkpoint expects at least ${bytes}: it was cut`);
    if (createHash('sha256').update(text.subarray(0, bytes)).digest('hex') !== sha256) {
      throw new CheckpointError(
        `'${this.metricsFile}': its first ${bytes} bytes differ from those the checkpoint recorded: the history was edited`,
      );
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

/**
 * `mkdir -p` one level at a time from the nearest existing ancestor. Node's recursive mkdir
 * never returns for a path under /proc (each level answers ENOENT, then EEXIST, and it retries).
 * @returns the first folder created, or null when `dir` existed
 */
async function makeDirs(dir: string): Promise<string | null> {
  const missing: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      const st = await fsp.stat(d);
      if (!st.isDirectory()) throw Object.assign(new Error(`'${d}' is a file`), { code: d === dir ? 'EEXIST' : 'ENOTDIR' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(d) === d) throw e;
      missing.unshift(d);
    }
  }
  for (const d of missing) await fsp.mkdir(d);
  return missing[0] ?? null;
}
