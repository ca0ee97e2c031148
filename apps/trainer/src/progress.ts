/**
 * Training progress: on a terminal one line redrawn in place (steps/s, ETA, loss,
 * MI); otherwise a plain log line every N steps, so logs stay readable.
 */

/** What one progress update reports. */
export interface ProgressUpdate {
  step: number;
  epoch: number;
  /** Fraction done in [0, 1] by the binding limit, or null when unknown. */
  fraction: number | null;
  /** Training steps per second over the recent window. */
  stepsPerSecond: number;
  /** Images per step (for img/s). */
  batchSize: number;
  /** Plain-number metrics of the last step (`loss`, MI estimates). */
  metrics: Record<string, number>;
}

/** Formats seconds as `m:ss` or `h:mm:ss`. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const num = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4));

/**
 * Reports progress to a stream: a redrawn bar on a TTY, else a line every `every` steps.
 * @example
 * const p = new Progress(process.stderr, 20); p.update(u); p.done();
 */
export class Progress {
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly every: number,
  ) {}

  /** Shows one update (on a non-terminal only every `every` steps). */
  update(u: ProgressUpdate): void {
    const metrics = Object.entries(u.metrics)
      .map(([k, v]) => `${k} ${num(v)}`)
      .join('  ');
    const rate = `${u.stepsPerSecond.toFixed(2)} step/s (${Math.round(u.stepsPerSecond * u.batchSize)} img/s)`;
    if (this.out.isTTY) {
      const width = 24;
      const f = u.fraction ?? 0;
      const bar =
        u.fraction === null ? '' : `[${'#'.repeat(Math.round(f * width)).padEnd(width, '.')}] ${(100 * f).toFixed(0).padStart(3)}% `;
      const eta = u.fraction === null || f <= 0 ? '' : ` ETA ${clock(this.etaSeconds(u))}`;
      const line = `${bar}step ${u.step} ep ${u.epoch}  ${rate}${eta}  ${metrics}`;
      this.out.write(`\r${line.slice(0, (this.out.columns ?? 120) - 1)}\x1b[K`);
      this.drawn = true;
    } else if (u.step % this.every === 0) {
      this.out.write(`step ${u.step}  epoch ${u.epoch}  ${rate}  ${metrics}\n`);
    }
  }

  /** Writes a message on its own line (ending the bar's line first). */
  message(line: string): void {
    this.done();
    this.out.write(`${line}\n`);
  }

  /** Ends the bar's line. */
  done(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }

  private etaSeconds(u: ProgressUpdate): number {
    const f = u.fraction ?? 0;
    return u.stepsPerSecond > 0 ? ((1 - f) / f) * (u.step / u.stepsPerSecond) : NaN;
  }
}
