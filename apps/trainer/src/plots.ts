/**
 * PNG plots of a run: loss, MI estimates, probe accuracy beside the MI estimate,
 * and a 2-D PCA scatter of test codes coloured by label. Charts are SVG drawn by
 * hand and rasterised by sharp.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { lineChart, scatterChart, type Series } from './internal/svg';

/** One line of `metrics.jsonl`: a training step or an evaluation. */
export type MetricLine = { kind: 'step' | 'eval'; step: number } & Record<string, number | string | null>;

/**
 * Rasterises an SVG to a PNG file (temp file + rename, so a reader never sees half a PNG).
 * @example
 * await writePng('<svg .../>', 'runs/a/plots/loss.png');
 */
export async function writePng(svg: string, file: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await sharp(Buffer.from(svg)).png().toFile(tmp);
  await fsp.rename(tmp, file);
}

/** Legend names of the accuracy keys of eval lines. */
const ACCURACY_LABELS: Record<string, string> = {
  trainAccuracy: 'linear probe, train',
  testAccuracy: 'linear probe, test',
  knnAccuracy: 'kNN k=20, test',
  randomInitTestAccuracy: 'random init, test',
};

/** Keys of a step line that are not metrics. */
const NOT_METRICS = new Set(['kind', 'step', 'epoch', 'ms', 'loss']);

/**
 * Draws `loss.png`, `mi.png` and (when evaluations exist) `probe.png` from metrics lines.
 * @param lines parsed `metrics.jsonl`
 * @param dir the run's `plots/` folder
 * @returns the files written
 * @example
 * await plotMetrics(lines, 'runs/a/plots');
 */
export async function plotMetrics(lines: MetricLine[], dir: string): Promise<string[]> {
  const steps = lines.filter((l) => l.kind === 'step');
  const evals = lines.filter((l) => l.kind === 'eval');
  const curve = (rows: MetricLine[], key: string): Series => ({
    name: key,
    points: rows.filter((r) => typeof r[key] === 'number').map((r) => [r.step, r[key] as number]),
  });
  const written: string[] = [];
  const draw = async (name: string, svg: string) => {
    const file = path.join(dir, name);
    await writePng(svg, file);
    written.push(file);
  };
  if (steps.length > 0) {
    await draw('loss.png', lineChart('training loss', 'step', 'loss', [curve(steps, 'loss')]));
    const miKeys = [...new Set(steps.flatMap((s) => Object.keys(s).filter((k) => !NOT_METRICS.has(k) && typeof s[k] === 'number')))];
    if (miKeys.length > 0)
      await draw(
        'mi.png',
        lineChart(
          'MI estimates (training batches)',
          'step',
          'nats',
          miKeys.map((k) => curve(steps, k)),
        ),
      );
  }
  // One evaluation is a point, not a curve: its numbers are in metrics.jsonl and the summary line.
  if (evals.length > 1) {
    const accKeys = [...new Set(evals.flatMap((e) => Object.keys(e).filter((k) => k.endsWith('Accuracy') && typeof e[k] === 'number')))];
    await draw(
      'probe.png',
      lineChart(
        'probe accuracy at each evaluation',
        'step',
        'accuracy (%)',
        accKeys.map((k) => {
          const s = curve(evals, k);
          return { name: ACCURACY_LABELS[k] ?? k, points: s.points.map(([x, y]) => [x, 100 * y] as [number, number]) };
        }),
      ),
    );
    const miKeys = [
      ...new Set(
        evals.flatMap((e) => Object.keys(e).filter((k) => k.startsWith('test_') && k !== 'test_loss' && typeof e[k] === 'number')),
      ),
    ];
    if (miKeys.length > 0) {
      await draw(
        'probe-mi.png',
        lineChart(
          'held-out MI estimate at each evaluation (compare probe.png)',
          'step',
          'nats',
          miKeys.map((k) => curve(evals, k)),
        ),
      );
    }
  }
  return written;
}

/**
 * Draws `pca.png`: test codes projected on their first two principal components, coloured by label.
 * @param points `[n, 2]` projected codes
 * @param labels `[n]`
 * @param classes class names
 * @param explained variance fraction of each component
 * @example
 * await plotPca(points, labels, ['0', '1'], [0.3, 0.2], 'runs/a/plots/pca.png', 'code');
 */
export async function plotPca(
  points: Float32Array,
  labels: Int32Array,
  classes: readonly string[],
  explained: readonly number[],
  file: string,
  layer: string,
): Promise<void> {
  const pct = (v: number | undefined) => `${(100 * (v ?? 0)).toFixed(1)}%`;
  await writePng(
    scatterChart(
      `PCA of test ${layer} features`,
      `PC1 (${pct(explained[0])} of variance)`,
      `PC2 (${pct(explained[1])})`,
      points,
      labels,
      classes,
    ),
    file,
  );
}
