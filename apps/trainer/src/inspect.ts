/**
 * `infomax inspect <run|checkpoint>`: what a checkpoint holds — config, position,
 * parameter counts — and the run's latest metrics.
 */
import { existsSync, promises as fsp } from 'fs';
import * as path from 'path';
import { loadCheckpoint } from './checkpoint';
import type { MetricLine } from './plots';
import { RunFolder } from './run-folder';

/** What {@link inspectRun} finds. */
export interface Inspection {
  checkpoint: string;
  step: number;
  epoch: number;
  position: number;
  /** Tensors and values per group (`variables`, `optimizer`, ...). */
  groups: Record<string, { tensors: number; values: number }>;
  /** Every checkpoint folder kept. */
  checkpoints: string[];
  config: unknown;
  /** Last training metrics line, last evaluation line. */
  lastStep: MetricLine | null;
  lastEval: MetricLine | null;
}

/**
 * Reads and checks (sha256) the latest checkpoint of a run, or the checkpoint folder given.
 * @throws CheckpointError when it is missing or corrupt
 * @example
 * const info = await inspectRun('runs/quickstart');
 */
export async function inspectRun(target: string): Promise<Inspection> {
  const ckpt = await loadCheckpoint(target);
  const root = path.dirname(ckpt.dir);
  const run = new RunFolder(path.dirname(root));
  const lines = await run.readMetrics();
  const last = (kind: string) => [...lines].reverse().find((l) => l.kind === kind) ?? null;
  const groups = Object.fromEntries(
    Object.entries(ckpt.groups).map(([g, ts]) => [g, { tensors: ts.length, values: ts.reduce((a, t) => a + t.values.length, 0) }]),
  );
  const checkpoints = existsSync(root)
    ? (await fsp.readdir(root)).filter((e) => /^ckpt-\d+$/.test(e)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    : [];
  return {
    checkpoint: ckpt.dir,
    step: ckpt.step,
    epoch: ckpt.epoch,
    position: ckpt.position,
    groups,
    checkpoints,
    config: ckpt.config,
    lastStep: last('step'),
    lastEval: last('eval'),
  };
}

/** Human-readable lines for an {@link Inspection}. */
export function describe(i: Inspection): string[] {
  const c = i.config as {
    objective?: { kind?: string; estimator?: string; encoder?: { kind?: string } };
    data?: { dataset?: string };
    train?: Record<string, unknown>;
    seed?: number;
  };
  const fmt = (l: MetricLine | null) =>
    l === null
      ? 'none'
      : Object.entries(l)
          .filter(([k]) => k !== 'kind')
          .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
          .join(' ');
  return [
    `checkpoint  ${i.checkpoint}`,
    `position    step ${i.step}, epoch ${i.epoch}, batch ${i.position} of that epoch`,
    `objective   ${c.objective?.kind ?? '?'} (estimator ${c.objective?.estimator ?? '-'}, encoder ${c.objective?.encoder?.kind ?? '-'}), dataset ${c.data?.dataset ?? '?'}, seed ${c.seed ?? '?'}`,
    `training    ${JSON.stringify(c.train ?? {})}`,
    `tensors     ${Object.entries(i.groups)
      .map(([g, s]) => `${g}: ${s.tensors} (${s.values.toLocaleString('en-US')} values)`)
      .join(', ')}`,
    `kept        ${i.checkpoints.join(', ')}`,
    `last step   ${fmt(i.lastStep)}`,
    `last eval   ${fmt(i.lastEval)}`,
  ];
}
