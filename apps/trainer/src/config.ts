/**
 * The trainer's config schema: a YAML or JSON file plus flags that override it,
 * validated by hand into a typed config with every default resolved here, once.
 * Unknown keys and bad values throw a ConfigError naming the key path.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './errors';
import { bool, deepMerge, fail, int, oneOf, opt, positive, section, setPath, text, type Raw } from './internal/validate';

/** Datasets `data.dataset` accepts, declared once. */
export const DATASETS = ['digits', 'fashion-mnist', 'idx', 'cifar10', 'cifar100', 'stl10', 'folder', 'synthetic'] as const;
/** One of {@link DATASETS}. */
export type DatasetName = (typeof DATASETS)[number];
/** Backends `backend` accepts (those of `initEngine`). */
export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
/** Encoder outputs a probe can read. */
export const PROBE_LAYERS = ['conv', 'fc', 'code'] as const;
/** One of {@link PROBE_LAYERS}. */
export type ProbeLayer = (typeof PROBE_LAYERS)[number];

/** Which images to train and evaluate on. */
export interface DataConfig {
  /** Dataset kind. Default `'digits'` (the bundled 10,000 MNIST digits, 8,000 / 2,000). */
  dataset: DatasetName;
  /** Folder for `idx`, `cifar10`, `cifar100`, `stl10`, `folder`; optional for `fashion-mnist`. Default null. */
  path: string | null;
  /** `folder` only: output size in pixels (square). Default null (the folder's most common size, scaled to at most 256 px a side). */
  size: number | null;
  /** `folder` / `synthetic`: 1 or 3 channels. Default null (folder: as stored; synthetic: 1). */
  channels: 1 | 3 | null;
  /** `synthetic` only: images generated (80% train / 20% test). Default 1000. */
  count: number;
  /** `synthetic` only: the pattern that encodes the class. Default `'grating'`. */
  pattern: 'grating' | 'blobs';
  /** Use n training images: a seeded class-balanced subset (the same number of every class), never the first n. Default null (all). */
  trainLimit: number | null;
  /** Use n test images, chosen as for `trainLimit`. Default null (all). */
  testLimit: number | null;
}

/** How long and how to optimise. Training stops at the first limit reached. */
export interface OptimConfig {
  /** Images per step. Default 64. */
  batchSize: number;
  /** Adam learning rate. Default 1e-4 (DIM's). */
  learningRate: number;
  /** Stop after this many steps. Default {@link QUICK_START_STEPS} when neither epochs nor timeBudget is given, else null. */
  steps: number | null;
  /** Stop after this many epochs. Default null. */
  epochs: number | null;
  /** Stop once this many seconds of training have passed. Default null. A budget makes the result depend on the machine's speed. */
  timeBudget: number | null;
  /**
   * Threads that share each step (the per-example part split by images; results equal one
   * thread's up to float summation order). Range 1–64; 1 is the one-thread step; more need an
   * objective that splits (dim without batch norm) and the wasm or cpu backend. Default null:
   * the machine's cores up to the cap the benchmark supports (today 1: docs/benchmarks/trainer.md).
   * Not part of the model: a run may resume with another count.
   */
  threads: number | null;
}

/** The resolved config of a training run. */
export interface TrainConfig {
  /** Seed of every random choice (weights, data order, views). Default 0. */
  seed: number;
  /** tfjs backend. Default `'auto'` (tfjs-node-gpu → tfjs-node → wasm → cpu). */
  backend: (typeof BACKENDS)[number];
  /** Run folder. Default `'runs/quickstart'`. */
  out: string;
  /** See {@link DataConfig}. */
  data: DataConfig;
  /** The objective's own config `{ kind, ... }`, handed to `buildObjective` (which validates the rest). Default `{ kind: 'dim' }` (DIM(L), JSD, DCGAN). */
  objective: Raw & { kind: string };
  /** See {@link OptimConfig}. */
  train: OptimConfig;
  /** Checkpoint every `every` steps (0: only at the end); keep the last `keep`. Defaults 500 and 2. */
  checkpoint: { every: number; keep: number };
  /** Log a metrics line every `every` steps. Default 20. */
  log: { every: number };
  /** Probe every `every` steps (0: only at the end) on `layer`; `randomInit` also probes the untrained encoder. */
  eval: EvalConfig;
}

/** Evaluation settings. */
export interface EvalConfig {
  /** Steps between evaluations; 0 evaluates only at the end. Default 0. */
  every: number;
  /** Encoder output the probe reads. Default `'code'` (the 64-d global vector). */
  layer: ProbeLayer;
  /** Epochs of the softmax-regression probe. Default 100 (converged: 10 epochs gave 88.5 %, 30 gave 90.3 %, 100 gave 90.9 % on the same codes). */
  probeEpochs: number;
  /** At the end, also probe the same encoder at its random initialisation. Default true. */
  randomInit: boolean;
  /** Also report kNN (k=20, cosine) accuracy. Default false during training. */
  knn: boolean;
}

/**
 * Steps of a run that names no limit (the quick start): a fixed count, so the same command
 * gives the same numbers on every machine; it takes 2–4 minutes of training on one core.
 */
export const QUICK_START_STEPS = 400;

const TOP = ['seed', 'backend', 'out', 'data', 'objective', 'train', 'checkpoint', 'log', 'eval'] as const;
const DATA = ['dataset', 'path', 'size', 'channels', 'count', 'pattern', 'trainLimit', 'testLimit'] as const;
const TRAIN = ['batchSize', 'learningRate', 'steps', 'epochs', 'timeBudget', 'threads'] as const;
const EVAL = ['every', 'layer', 'probeEpochs', 'randomInit', 'knn'] as const;

/**
 * Validates a raw config object (file merged with flags) and resolves every default.
 * @param raw parsed YAML/JSON, possibly partial
 * @param validateObjective checks `objective` beyond its kind (the objectives package's validator); receives the raw section
 * @returns the typed config
 * @throws ConfigError naming the key path of the first bad or unknown key
 * @example
 * resolveConfig({ train: { epochs: 2 } }).train.steps; // null (400 when no limit is given)
 */
export function resolveConfig(raw: unknown, validateObjective?: (objective: Raw) => Raw & { kind: string }): TrainConfig {
  const top = section('', raw, TOP);
  const d = section('data', top.data, DATA);
  const dataset = opt(d.dataset, 'digits' as DatasetName, (v) => oneOf('data.dataset', v, DATASETS));
  const dataPath = opt(d.path, null, (v) => text('data.path', v));
  if (dataPath === null && ['idx', 'cifar10', 'cifar100', 'stl10', 'folder'].includes(dataset)) {
    throw new ConfigError('data.path', `dataset '${dataset}' needs a folder: give data.path (flag --data-path)`);
  }
  const channels = opt(d.channels, null, (v) => (v === 1 || v === 3 ? v : fail('data.channels', '1 or 3', v)));
  const data: DataConfig = {
    dataset,
    path: dataPath,
    size: opt(d.size, null, (v) => int('data.size', v, 4, 1024)),
    channels,
    count: opt(d.count, 1000, (v) => int('data.count', v, 10)),
    pattern: opt(d.pattern, 'grating' as const, (v) => oneOf('data.pattern', v, ['grating', 'blobs'] as const)),
    trainLimit: opt(d.trainLimit, null, (v) => int('data.trainLimit', v, 1)),
    testLimit: opt(d.testLimit, null, (v) => int('data.testLimit', v, 1)),
  };

  const t = section('train', top.train, TRAIN);
  const epochs = opt(t.epochs, null, (v) => int('train.epochs', v, 1));
  const timeBudget = opt(t.timeBudget, null, (v) => positive('train.timeBudget', v));
  const train: OptimConfig = {
    batchSize: opt(t.batchSize, 64, (v) => int('train.batchSize', v, 2, 65536)),
    learningRate: opt(t.learningRate, 1e-4, (v) => positive('train.learningRate', v)),
    // A run with no limit is the quick start: a fixed number of steps.
    steps: opt(t.steps, epochs === null && timeBudget === null ? QUICK_START_STEPS : null, (v) => int('train.steps', v, 1)),
    epochs,
    timeBudget,
    threads: opt(t.threads, null, (v) => int('train.threads', v, 1, 64)),
  };

  const c = section('checkpoint', top.checkpoint, ['every', 'keep']);
  const l = section('log', top.log, ['every']);
  const e = section('eval', top.eval, EVAL);
  const given = top.objective ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) fail('objective', 'an object with a kind', given);
  const objectiveRaw: Raw = { kind: 'dim', ...(given as Raw) };
  text('objective.kind', objectiveRaw.kind);
  const objective = validateObjective ? validateObjective(objectiveRaw) : (objectiveRaw as Raw & { kind: string });

  return {
    seed: opt(top.seed, 0, (v) => int('seed', v, 0, 2 ** 31 - 1)),
    backend: opt(top.backend, 'auto' as const, (v) => oneOf('backend', v, BACKENDS)),
    out: opt(top.out, 'runs/quickstart', (v) => text('out', v)),
    data,
    objective,
    train,
    checkpoint: {
      every: opt(c.every, 500, (v) => int('checkpoint.every', v, 0)),
      keep: opt(c.keep, 2, (v) => int('checkpoint.keep', v, 1, 1000)),
    },
    log: { every: opt(l.every, 20, (v) => int('log.every', v, 1)) },
    eval: {
      every: opt(e.every, 0, (v) => int('eval.every', v, 0)),
      layer: opt(e.layer, 'code' as ProbeLayer, (v) => oneOf('eval.layer', v, PROBE_LAYERS)),
      probeEpochs: opt(e.probeEpochs, 100, (v) => int('eval.probeEpochs', v, 1, 10000)),
      randomInit: opt(e.randomInit, true, (v) => bool('eval.randomInit', v)),
      knn: opt(e.knn, false, (v) => bool('eval.knn', v)),
    },
  };
}

/**
 * Reads a config file: YAML (`.yaml`, `.yml`) or JSON (anything else parses as YAML too, which JSON is a subset of).
 * @throws ConfigError when the file cannot be read or parsed
 * @example
 * const raw = await readConfigFile('examples/dim.yaml');
 */
export async function readConfigFile(file: string): Promise<Raw> {
  let source: string;
  try {
    source = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError('', `cannot read config file '${file}': ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = path.extname(file) === '.json' ? JSON.parse(source) : parseYaml(source);
  } catch (e) {
    throw new ConfigError('', `cannot parse config file '${file}': ${(e as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError('', `config file '${file}' must hold an object (key: value lines)`);
  return parsed as Raw;
}

/**
 * Applies `--set key.path=value` overrides (value parsed as a YAML scalar or flow value) and the named flags.
 * @param base the file's config
 * @param overrides flag values by key path (already typed) — applied after `sets`
 * @param sets raw `key.path=value` strings
 * @throws ConfigError for a `--set` without `=`
 * @example
 * applyOverrides({}, { 'train.steps': 10 }, ['objective.estimator=nwj']);
 */
export function applyOverrides(base: Raw, overrides: Record<string, unknown>, sets: readonly string[] = []): Raw {
  const over: Raw = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new ConfigError('', `--set expects key.path=value, got '${s}'`);
    setPath(over, s.slice(0, eq).trim(), parseYaml(s.slice(eq + 1)));
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) setPath(over, key, value);
  return deepMerge(base, over);
}
