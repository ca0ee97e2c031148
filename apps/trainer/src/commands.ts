/**
 * The glue between parsed flags and the commands: flags become config keys,
 * results become printed lines. Each function returns the exit code.
 */
import { existsSync } from 'fs';
import { finite, initEngine, int, list, oneOf, optional, text } from '@infomax/engine';
import { applyOverrides, readConfigFile, resolveConfig, PROBE_LAYERS, BACKENDS } from './config';
import { readState } from './checkpoint';
import { CheckpointError } from './errors';
import { estimateCsv, estimateGaussian, readCsv } from './estimate';
import { embedRun } from './embed';
import { evaluateRun } from './evaluate';
import { PROBE_KINDS } from './evaluation';
import { exportRun } from './export';
import { describe, inspectRun } from './inspect';
import { ESTIMATE_BOUNDS, ESTIMATE_CRITICS } from './internal/critic-fit';
import { parseFlags } from './internal/flags';
import { train } from './train';

/** Where a command writes (the CLI's streams, or a test's). */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Flag → config key path, declared once. */
const TRAIN_FLAGS: Record<string, string> = {
  out: 'out',
  objective: 'objective.kind',
  estimator: 'objective.estimator',
  encoder: 'objective.encoder.kind',
  views: 'objective.views.kind',
  dataset: 'data.dataset',
  dataPath: 'data.path',
  trainLimit: 'data.trainLimit',
  testLimit: 'data.testLimit',
  epochs: 'train.epochs',
  steps: 'train.steps',
  timeBudget: 'train.timeBudget',
  batchSize: 'train.batchSize',
  lr: 'train.learningRate',
  optimizer: 'optimizer.kind',
  clipNorm: 'optimizer.clipNorm',
  schedule: 'schedule.kind',
  warmupSteps: 'schedule.warmupSteps',
  seed: 'seed',
  backend: 'backend',
  checkpointEvery: 'checkpoint.every',
  threads: 'train.threads',
  logEvery: 'log.every',
  loggers: 'log.loggers',
  evalEvery: 'eval.every',
  layer: 'eval.layer',
};

/** `infomax train`: resolve the config (file, flags; on resume the run's config.json), train, print the summary line. */
export async function runTrain(opts: Record<string, unknown>, verbose: boolean, io: CommandIo = process): Promise<number> {
  const resume = opts.resume !== undefined && opts.resume !== false;
  if (typeof opts.resume === 'string') opts.out = opts.resume;
  const overrides = Object.fromEntries(Object.entries(TRAIN_FLAGS).map(([flag, key]) => [key, opts[flag]]));
  let base = opts.config ? await readConfigFile(opts.config as string) : {};
  if (resume) {
    const out = (opts.out as string | undefined) ?? (base.out as string | undefined) ?? resolveConfig({}).out;
    if (!existsSync(out)) throw new CheckpointError(`--resume: '${out}' does not exist: there is no run to continue`);
    // A resumed run keeps the config its checkpoint recorded (config.json is a copy for people);
    // flags (e.g. a longer --steps) override it.
    base = { ...(await readState(out)).state.config, out };
  }
  const config = resolveConfig(applyOverrides(base, overrides, (opts.set as string[] | undefined) ?? []));
  const result = await train(config, { resume, overwrite: opts.overwrite === true, log: io.stderr });
  if (verbose) io.stderr.write(`infomax: ${JSON.stringify(result.evaluation ?? {})}\n`);
  if (result.summary) io.stdout.write(`${result.summary}\n`);
  return result.code;
}

/** `infomax evaluate <run>`. */
export async function runEvaluate(run: string, opts: Record<string, unknown>, io: CommandIo = process): Promise<void> {
  const f = parseFlags(
    {
      layer: oneOf(PROBE_LAYERS).optional(),
      'probe-epochs': optional(int(1, 100000), 100),
      probe: oneOf(PROBE_KINDS).optional(),
      checkpoint: int(0).optional(),
      backend: oneOf(BACKENDS).optional(),
    },
    opts,
  );
  const r = await evaluateRun(run, {
    layer: f.layer,
    probeEpochs: f['probe-epochs'],
    probe: f.probe,
    checkpoint: f.checkpoint,
    backend: f.backend,
    output: opts.output as string | undefined,
  });
  const pct = (v: number | undefined) => `${(100 * (v ?? NaN)).toFixed(1)}%`;
  // A run on graphs has a cross-validated probe only: no kNN, no held-out loss.
  const rest =
    r.knnAccuracy === undefined
      ? ''
      : `, kNN k=20 cosine ${pct(r.knnAccuracy)}; held-out ${Object.entries(r.heldOut)
          .map(([k, v]) => `${k} ${v.toFixed(3)}`)
          .join(', ')}`;
  io.stdout.write(
    `${r.dim}-d ${r.layer} at step ${r.step} on ${r.dataset}: ${r.probe} probe ${pct(r.testAccuracy)} (train ${pct(r.trainAccuracy)})${rest}; written to ${r.output}\n`,
  );
}

/** `infomax embed <run>`. */
export async function runEmbed(run: string, opts: Record<string, unknown>, io: CommandIo = process): Promise<void> {
  const f = parseFlags(
    {
      layer: oneOf(PROBE_LAYERS).optional(),
      checkpoint: int(0).optional(),
      backend: oneOf(BACKENDS).optional(),
      pca: int(1).optional(),
      'pca-from': text().optional(),
    },
    opts,
  );
  const r = await embedRun(run, {
    input: opts.input as string,
    out: opts.out as string,
    layer: f.layer,
    checkpoint: f.checkpoint,
    backend: f.backend,
    resize: opts.resize === true,
    pca: f.pca,
    pcaFrom: f['pca-from'],
  });
  const reduced = r.pca === null ? '' : `, PCA ${r.pca.fromDim} → ${r.dim} keeping ${(100 * r.pca.kept).toFixed(1)}% of the variance`;
  io.stdout.write(
    `${r.rows} images → ${r.rows}×${r.dim} float32 (${r.layer}, step ${r.step}${reduced}); written to ${r.files.join(' and ')}\n`,
  );
}

/** `infomax export <run>`. */
export async function runExport(run: string, opts: Record<string, unknown>, io: CommandIo = process): Promise<void> {
  const f = parseFlags({ checkpoint: int(0).optional(), backend: oneOf(BACKENDS).optional() }, opts);
  const r = await exportRun(run, { out: opts.out as string | undefined, checkpoint: f.checkpoint, backend: f.backend });
  const outputs = r.outputs.map((o) => `${o.index}: ${o.taps.join('/')} [${o.shape.slice(1)}]`).join(', ');
  io.stdout.write(
    `encoder of step ${r.step} exported to ${r.dir} (model.json, encoder.safetensors, export.json, README.md); outputs ${outputs}` +
      `${r.code === null ? '' : `; code = ${r.code}`}\n`,
  );
}

async function estimateEngine(opts: Record<string, unknown>): Promise<void> {
  await initEngine({ backend: parseFlags({ backend: optional(oneOf(BACKENDS), 'wasm') }, opts).backend, log: null });
}

/** Flags both `estimate` commands take, with each command's defaults. */
function trainingFlags(defaults: { steps: number; batch: number; lr: number }) {
  return {
    critic: optional(oneOf(ESTIMATE_CRITICS), 'separable'),
    steps: optional(int(1), defaults.steps),
    batch: optional(int(2, 65536), defaults.batch),
    lr: optional(finite({ above: 0 }), defaults.lr),
    seed: optional(int(0), 0),
  };
}

/** `infomax estimate gaussian`: prints the staircase table. */
export async function runEstimateGaussian(opts: Record<string, unknown>, io: CommandIo = process): Promise<void> {
  const levels = (opts.levels as string[] | undefined)?.map((s) => Number(s) || s);
  const f = parseFlags(
    {
      dim: optional(int(1, 4096), 5),
      levels: optional(list(finite({ above: 0 }), { min: 1 }), [1, 2, 4]),
      bounds: optional(list(oneOf(ESTIMATE_BOUNDS), { min: 1 }), ['dv', 'nwj', 'infonce']),
      ...trainingFlags({ steps: 600, batch: 64, lr: 1e-3 }),
    },
    { ...opts, levels },
  );
  const o = { ...f, batchSize: f.batch, learningRate: f.lr };
  await estimateEngine(opts);
  io.stdout.write(
    `Gaussian MI staircase: d=${o.dim}, batch ${o.batchSize}, ${o.steps} steps, ${o.critic} critic (estimate: mean ± sd of the last quarter)\n`,
  );
  io.stdout.write(`${'bound'.padEnd(9)}${'true MI'.padStart(9)}${'estimate'.padStart(10)}${'± sd'.padStart(8)}\n`);
  await estimateGaussian(o, (r) =>
    io.stdout.write(
      `${r.bound.padEnd(9)}${r.truth.toFixed(2).padStart(9)}${r.estimate.toFixed(3).padStart(10)}${r.std.toFixed(3).padStart(8)}\n`,
    ),
  );
}

/** `infomax estimate csv <file>`. */
export async function runEstimateCsv(file: string, opts: Record<string, unknown>, io: CommandIo = process): Promise<void> {
  const f = parseFlags({ bound: optional(oneOf(ESTIMATE_BOUNDS), 'nwj'), ...trainingFlags({ steps: 500, batch: 128, lr: 5e-4 }) }, opts);
  const o = { ...f, x: opts.x as string[], y: opts.y as string[], batchSize: f.batch, learningRate: f.lr };
  const table = await readCsv(file);
  await estimateEngine(opts);
  const r = await estimateCsv(table, o);
  const ksg = r.ksg === null ? '' : `; KSG (k=3) reference ${r.ksg.toFixed(3)} nats`;
  io.stdout.write(
    `I(${o.x.join(',')}; ${o.y.join(',')}) ≈ ${r.estimate.toFixed(3)} nats (${(r.estimate / Math.LN2).toFixed(3)} bits), ` +
      `${o.bound} bound, ${o.critic} critic, ${r.rows} rows${ksg}\n`,
  );
}

/** `infomax inspect <target>`. */
export async function runInspect(target: string, opts: Record<string, unknown>, io: CommandIo = process): Promise<void> {
  const info = await inspectRun(target);
  io.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : `${describe(info).join('\n')}\n`);
}
