/**
 * The trainer's config schema: a YAML or JSON file plus flags that override it,
 * validated by one schema into a typed config with every default resolved here, once.
 * Unknown keys and bad values throw a ConfigError naming the key path; the same schema
 * gives editors a JSON Schema of the file.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  bool,
  expectedOf,
  finite,
  int,
  jsonSchemaOf,
  list,
  nullish,
  object,
  oneOf,
  parseConfig,
  reject,
  text,
  type CheckContext,
  type Infer,
} from '@infomax/engine';
import { objectiveJsonSchema } from '@infomax/objectives';
import { ConfigError } from './errors';
import { LOGGERS, type LoggerKind } from './loggers/logger';
import { deepMerge, setPath, type Raw } from './internal/key-paths';
import { DEFAULT_LEARNING_RATE, optimizerSchema, scheduleSchema } from './optimizer-config';

/** Datasets `data.dataset` accepts, declared once. */
export const DATASETS = ['digits', 'fashion-mnist', 'idx', 'cifar10', 'cifar100', 'stl10', 'folder', 'synthetic', 'tu'] as const;
/** One of {@link DATASETS}. */
export type DatasetName = (typeof DATASETS)[number];
/** Backends `backend` accepts (those of `initEngine`). */
export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
/** Encoder outputs a probe can read. */
export const PROBE_LAYERS = ['conv', 'fc', 'code'] as const;
/** One of {@link PROBE_LAYERS}. */
export type ProbeLayer = (typeof PROBE_LAYERS)[number];

/** Datasets that read a folder: `data.path` is required. */
const NEEDS_PATH: readonly DatasetName[] = ['idx', 'cifar10', 'cifar100', 'stl10', 'folder', 'tu'];
/** Objective kinds that train on graphs (`data.dataset: tu`); every other kind trains on images. */
const GRAPH_OBJECTIVES: readonly string[] = ['infograph'];

/**
 * Steps of a run that names no limit (the quick start): a fixed count, so the same command
 * gives the same numbers on every machine; it takes 2–4 minutes of training on one core.
 */
export const QUICK_START_STEPS = 400;

// One line per key: its type, range, default and documentation. `nullish`: absent or null is the default.
const dataSchema = object({
  dataset: nullish(oneOf(DATASETS), 'digits').describe(
    'Dataset kind. Default digits (the bundled 10,000 MNIST digits, 8,000 / 2,000); tu: graphs in the TU format (InfoGraph).',
  ),
  path: nullish(text(), null).describe(
    'Folder for idx, cifar10, cifar100, stl10, folder, and a TU graph folder or .zip for tu; optional for fashion-mnist.',
  ),
  size: nullish(int(4, 1024), null).describe(
    "folder only: output size in pixels (square). Default: the folder's most common size, scaled to at most 256 px a side.",
  ),
  channels: nullish(oneOf([1, 3] as const, { what: '1 or 3' }), null).describe(
    'folder / synthetic: 1 or 3 channels. Default: folder as stored, synthetic 1.',
  ),
  count: nullish(int(10), 1000).describe('synthetic only: images generated (80% train / 20% test).'),
  pattern: nullish(oneOf(['grating', 'blobs'] as const), 'grating').describe('synthetic only: the pattern that encodes the class.'),
  trainLimit: nullish(int(1), null).describe(
    'Use n training images: a seeded class-balanced subset (the same number of every class), never the first n. Default all.',
  ),
  testLimit: nullish(int(1), null).describe('Use n test images, chosen as for trainLimit. Default all.'),
}).transform((d, ctx) =>
  d.path === null && NEEDS_PATH.includes(d.dataset)
    ? reject(ctx, ['path'], `a folder: dataset '${d.dataset}' reads its files from data.path (flag --data-path)`, d.path)
    : d,
);

const trainSchema = object({
  batchSize: nullish(int(2, 65536), 64).describe('Images per step.'),
  learningRate: nullish(finite({ above: 0 }), null).describe(
    "The optimizer's (base) learning rate, whatever its kind. Default 1e-4 for adam and adamw (DIM's), 0.01 for sgd, 0.1 for lars.",
  ),
  steps: nullish(int(1), null).describe(
    `Stop after this many steps. Default ${QUICK_START_STEPS} when neither epochs nor timeBudget is given.`,
  ),
  epochs: nullish(int(1), null).describe('Stop after this many epochs.'),
  timeBudget: nullish(finite({ above: 0 }), null).describe(
    "Stop once this many seconds of training have passed (the result then depends on the machine's speed).",
  ),
  threads: nullish(int(1, 64), null).describe(
    "Threads for infomax's wasm kernels: each large kernel call of a step (GEMM, im2col, the optimizer's update) is split " +
      'over them, every part computed as one thread computes it, so the results do not depend on the count (bit for bit). ' +
      'More than 1 needs the wasm backend. Default: the cores up to 2 (docs/benchmarks/trainer.md); evaluate, embed and export ' +
      "use the run's count too. Not part of the model.",
  ),
  // A run with no limit is the quick start: a fixed number of steps.
}).transform((t) => ({ ...t, steps: t.steps ?? (t.epochs === null && t.timeBudget === null ? QUICK_START_STEPS : null) }));

const checkpointSchema = object({
  every: nullish(int(0), 500).describe('Steps between checkpoints; 0: only at the end.'),
  keep: nullish(int(1, 1000), 2).describe('Checkpoints kept (the last ones).'),
});

const logSchema = object({
  every: nullish(int(1), 20).describe('Steps between metrics lines.'),
  loggers: nullish(z.union([list(oneOf(LOGGERS)), z.string().transform(parseLoggerList)], { error: `a list of ${LOGGERS.join(', ')}` }), [
    ...LOGGERS,
  ])
    .transform((kinds) => [...new Set(kinds)])
    .describe(
      `Views of metrics.jsonl kept live: csv (metrics.csv), tensorboard (tensorboard/ event files); a list, or a comma-separated string ('none': none). Default both.`,
    ),
});

const evalSchema = object({
  every: nullish(int(0), 0).describe('Steps between evaluations; 0 evaluates only at the end.'),
  layer: nullish(oneOf(PROBE_LAYERS), 'code').describe('Encoder output the probe reads (code: the 64-d global vector).'),
  probeEpochs: nullish(int(1, 10000), 100).describe(
    'Epochs of the softmax-regression probe (10 epochs gave 88.5 %, 30 gave 90.3 %, 100 gave 90.9 % on the same codes).',
  ),
  randomInit: nullish(bool(), true).describe('At the end, also probe the same encoder at its random initialisation.'),
  knn: nullish(bool(), false).describe('Also report kNN (k=20, cosine) accuracy.'),
});

/** The run config's schema: every key, its default, its message and its JSON Schema. */
const configSchema = object({
  seed: nullish(int(0, 2 ** 31 - 1), 0).describe('Seed of every random choice (weights, data order, views).'),
  backend: nullish(oneOf(BACKENDS), 'auto').describe('tfjs backend; auto: tfjs-node-gpu → tfjs-node → wasm → cpu.'),
  out: nullish(text(), 'runs/quickstart').describe('Run folder.'),
  data: nullish(dataSchema, {}).describe('Which images to train and evaluate on.'),
  objective: nullish(object({ kind: nullish(text(), null) }, { loose: true, what: 'an object with a kind' }), {}).describe(
    'The objective: { kind: dim | cmc | cpc | simclr | infograph, ... }, checked by @infomax/objectives. Default DIM(L), JSD, DCGAN; infograph for data.dataset tu, which takes only graph objectives.',
  ),
  train: nullish(trainSchema, {}).describe('How long and how to optimise; training stops at the first limit reached.'),
  optimizer: nullish(optimizerSchema, {}),
  schedule: nullish(scheduleSchema, {}),
  checkpoint: nullish(checkpointSchema, {}).describe('Checkpointing.'),
  log: nullish(logSchema, {}).describe('Metrics logging; metrics.jsonl is always written: it is the run record.'),
  eval: nullish(evalSchema, {}).describe('Evaluation by a linear probe.'),
}).transform((c, ctx) => {
  // The learning rate's default depends on the optimizer; cosine's floor must stay below it.
  const learningRate = c.train.learningRate ?? DEFAULT_LEARNING_RATE[c.optimizer.kind];
  if (c.schedule.kind === 'cosine' && (c.schedule.minLr ?? 0) > learningRate) {
    return reject(ctx, ['schedule', 'minLr'], `a number in [0, train.learningRate = ${learningRate}]`, c.schedule.minLr);
  }
  // Graphs (tu) take graph objectives only, every graph, and the graph vector's cross-validated probe.
  const graphs = c.data.dataset === 'tu';
  const kind = c.objective.kind ?? (graphs ? 'infograph' : 'dim');
  if (graphs !== GRAPH_OBJECTIVES.includes(kind)) {
    return reject(
      ctx,
      ['objective', 'kind'],
      graphs
        ? `a graph objective (${GRAPH_OBJECTIVES.join(', ')}): '${kind}' trains on images, but data.dataset 'tu' holds graphs`
        : `an image objective: '${kind}' trains on graphs, but data.dataset '${c.data.dataset}' holds images (use data.dataset 'tu' with data.path)`,
      kind,
    );
  }
  if (graphs) {
    for (const key of ['trainLimit', 'testLimit', 'size', 'channels'] as const) {
      if (c.data[key] !== null)
        return reject(
          ctx,
          ['data', key],
          "no value for data.dataset 'tu': every graph trains, and the probe cross-validates over all of them",
          c.data[key],
        );
    }
    if (c.eval.layer !== 'code') return reject(ctx, ['eval', 'layer'], "'code' for data.dataset 'tu' (the graph vector)", c.eval.layer);
    if (c.eval.knn)
      return reject(ctx, ['eval', 'knn'], "false for data.dataset 'tu': graphs are probed by a cross-validated linear probe", c.eval.knn);
  }
  return { ...c, objective: { ...c.objective, kind }, train: { ...c.train, learningRate } };
});

/** Which images to train and evaluate on. */
export type DataConfig = Infer<typeof dataSchema>;
/** How long and how to optimise. Training stops at the first limit reached. */
export type OptimConfig = Omit<Infer<typeof trainSchema>, 'learningRate'> & { learningRate: number };
/** Metrics logging. `metrics.jsonl` is always written: it is the run's record. */
export type LogConfig = Infer<typeof logSchema>;
/** Evaluation settings. */
export type EvalConfig = Infer<typeof evalSchema>;
/** The resolved config of a training run (see each key's description in {@link runConfigJsonSchema}). */
export type TrainConfig = Omit<Infer<typeof configSchema>, 'objective'> & { objective: Raw & { kind: string } };

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
  const config = parseConfig(configSchema, raw, (at, message) => new ConfigError(at, message));
  return validateObjective ? { ...config, objective: validateObjective(config.objective) } : config;
}

/**
 * The JSON Schema of a run config file, for editors' completion and checks
 * (`# yaml-language-server: $schema=<path>/run.schema.json` on a YAML file's first line).
 * @returns a draft-07 JSON Schema; `infomax schema` prints it, `apps/trainer/run.schema.json` holds it
 * @example
 * JSON.stringify(runConfigJsonSchema(), null, 2);
 */
export function runConfigJsonSchema(): Record<string, unknown> {
  const doc = jsonSchemaOf(configSchema, {
    title: 'infomax run config',
    description: 'A run of `infomax train -c <file>`: every key is optional.',
  });
  // The objective section is checked by @infomax/objectives once the data is loaded: its schema,
  // less what the run fills in (the data's input size; the kind, dim or infograph by dataset).
  const properties = doc.properties as Record<string, Record<string, unknown>>;
  const { anyOf: kinds } = objectiveJsonSchema({ shapeFromData: true, defaultKinds: ['dim', 'infograph'] });
  properties.objective = { description: properties.objective.description, default: {}, anyOf: [...(kinds as object[]), { type: 'null' }] };
  return doc;
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
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError('', `config file '${file}' must hold an object (key: value lines)`);
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

/** `log.loggers` from the flag: comma-separated kinds, `none` for none. */
function parseLoggerList(value: string, ctx: CheckContext): LoggerKind[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'none');
  const bad = items.findIndex((v) => !(LOGGERS as readonly string[]).includes(v));
  return bad < 0 ? (items as LoggerKind[]) : reject(ctx, [bad], expectedOf(oneOf(LOGGERS)), items[bad]);
}
