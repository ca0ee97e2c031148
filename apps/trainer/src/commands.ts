/**
 * The glue between parsed flags and the commands: flags become config keys,
 * results become printed lines. Each function returns the exit code.
 */
import { existsSync } from 'fs';
import { initEngine } from '@infomax/engine';
import { applyOverrides, readConfigFile, resolveConfig, PROBE_LAYERS, BACKENDS } from './config';
import { readState } from './checkpoint';
import { CheckpointError } from './errors';
import { estimateCsv, estimateGaussian, readCsv } from './estimate';
import { evaluateRun } from './evaluate';
import { describe, inspectRun } from './inspect';
import { ESTIMATE_BOUNDS, ESTIMATE_CRITICS } from './internal/critic-fit';
import { int, oneOf, opt, positive } from './internal/validate';
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
  threads: 'train.threads',
  seed: 'seed',
  backend: 'backend',
  checkpointEvery: 'checkpoint.every',
  logEvery: 'log.every',
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
  const r = await evaluateRun(run, {
    layer: opt(opts.layer, undefined, (v) => oneOf('layer', v, PROBE_LAYERS)),
    probeEpochs: opt(opts.probeEpochs, 100, (v) => int('probe-epochs', v, 1, 100000)),
    backend: opt(opts.backend, undefined, (v) => oneOf('backend', v, BACKENDS)),
    output: opts.output as string | undefined,
  });
  const pct = (v: number | undefined) => `${(100 * (v ?? NaN)).toFixed(1)}%`;
  io.stdout.write(`${r.dim}-d ${r.layer} at step ${r.step} on ${r.dataset}: linear probe ${pct(r.testAccuracy)} ` +
    `(train ${pct(r.trainAccuracy)}), kNN k=20 cosine ${pct(r.knnAccuracy)}; held-out ${Object.entries(r.heldOut).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}; written to ${r.output}\n`);
}

async function estimateEngine(backend: unknown): Promise<void> {
  await initEngine({ backend: opt(backend, 'wasm' as const, (v) => oneOf('backend', v, BACKENDS)), log: null });
}

/** `infomax estimate gaussian`: prints the staircase table. */
export async function runEstimateGaussian(opts: Record<string, unknown>, io: CommandIo = process): Promise<void> {
  const o = {
    dim: opt(opts.dim, 5, (v) => int('dim', v, 1, 4096)),
    levels: ((opts.levels as string[] | undefined) ?? ['1', '2', '4']).map((s) => positive('levels', Number(s) || s)),
    bounds: ((opts.bounds as string[] | undefined) ?? ['dv', 'nwj', 'infonce']).map((b) => oneOf('bounds', b, ESTIMATE_BOUNDS)),
    critic: opt(opts.critic, 'separable' as const, (v) => oneOf('critic', v, ESTIMATE_CRITICS)),
    steps: opt(opts.steps, 600, (v) => int('steps', v, 1)),
    batchSize: opt(opts.batch, 64, (v) => int('batch', v, 2, 65536)),
    learningRate: opt(opts.lr, 1e-3, (v) => positive('lr', v)),
    seed: opt(opts.seed, 0, (v) => int('seed', v, 0)),
  };
  await estimateEngine(opts.backend);
  io.stdout.write(`Gaussian MI staircase: d=${o.dim}, batch ${o.batchSize}, ${o.steps} steps, ${o.critic} critic (estimate: mean ± sd of the last quarter)\n`);
  io.stdout.write(`${'bound'.padEnd(9)}${'true MI'.padStart(9)}${'estimate'.padStart(10)}${'± sd'.padStart(8)}\n`);
  await estimateGaussian(o, (r) =>
    io.stdout.write(`${r.bound.padEnd(9)}${r.truth.toFixed(2).padStart(9)}${r.estimate.toFixed(3).padStart(10)}${r.std.toFixed(3).padStart(8)}\n`));
}

/** `infomax estimate csv <file>`. */
export async function runEstimateCsv(file: string, opts: Record<string, unknown>, io: CommandIo = process): Promise<void> {
  const o = {
    x: opts.x as string[],
    y: opts.y as string[],
    bound: opt(opts.bound, 'nwj' as const, (v) => oneOf('bound', v, ESTIMATE_BOUNDS)),
    critic: opt(opts.critic, 'separable' as const, (v) => oneOf('critic', v, ESTIMATE_CRITICS)),
    steps: opt(opts.steps, 500, (v) => int('steps', v, 1)),
    batchSize: opt(opts.batch, 128, (v) => int('batch', v, 2, 65536)),
    learningRate: opt(opts.lr, 5e-4, (v) => positive('lr', v)),
    seed: opt(opts.seed, 0, (v) => int('seed', v, 0)),
  };
  const table = await readCsv(file);
  await estimateEngine(opts.backend);
  const r = await estimateCsv(table, o);
  const ksg = r.ksg === null ? '' : `; KSG (k=3) reference ${r.ksg.toFixed(3)} nats`;
  io.stdout.write(`I(${o.x.join(',')}; ${o.y.join(',')}) ≈ ${r.estimate.toFixed(3)} nats (${(r.estimate / Math.LN2).toFixed(3)} bits), ` +
    `${o.bound} bound, ${o.critic} critic, ${r.rows} rows${ksg}\n`);
}

/** `infomax inspect <target>`. */
export async function runInspect(target: string, opts: Record<string, unknown>, io: CommandIo = process): Promise<void> {
  const info = await inspectRun(target);
  io.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : `${describe(info).join('\n')}\n`);
}
