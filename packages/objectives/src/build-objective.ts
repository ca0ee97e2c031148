/**
 * `buildObjective(config)`: one entry point from a JSON config to an
 * {@link Objective}, so a checkpoint's config rebuilds what trained it.
 */
import { buildCmc, type CmcConfig } from './cmc';
import { buildCpc, type CpcConfig } from './cpc';
import { buildDim, type DimConfig } from './dim';
import { buildInfograph, type InfographConfig, type InfographObjective } from './infograph';
import { buildSimclr, type SimclrConfig } from './simclr';
import type { Infer } from '@infomax/engine';
import { parseObjectiveConfig } from './internal/config-schema';
import type { Objective } from './objective';
import { OBJECTIVE_SCHEMA } from './objective-schema';

/** Objective kinds `buildObjective` knows, declared once: the image objectives, then InfoGraph (graphs). */
export const OBJECTIVE_KINDS = ['dim', 'cmc', 'cpc', 'simclr', 'infograph'] as const;
/** One of {@link OBJECTIVE_KINDS}. */
export type ObjectiveKind = (typeof OBJECTIVE_KINDS)[number];

/** A resolved config of any objective (what `objective.config` holds). */
export type ObjectiveConfig = DimConfig | CmcConfig | CpcConfig | SimclrConfig | InfographConfig;

/**
 * What {@link buildObjective} returns for a config of kind `K`: InfoGraph's objective on
 * graphs for the literal `'infograph'`, an image {@link Objective} for any other kind.
 */
export type BuiltObjective<K extends string> = string extends K ? Objective : K extends 'infograph' ? InfographObjective : Objective;

/**
 * Per kind, the config keys that shape only training (the bound, critics, heads, prior,
 * queue, momentum, augmentations), never the encoders' initial weights nor what `embed` computes from
 * them: every part's seed is drawn before any of these keys is read. Checked key by key
 * in `init-config.spec.ts`.
 */
export const TRAINING_ONLY_KEYS: Readonly<Record<ObjectiveKind, readonly string[]>> = {
  dim: ['estimator', 'alpha', 'beta', 'gamma', 'headUnits', 'localNegatives', 'globalHidden', 'prior', 'augment', 'crossViews'],
  cmc: ['mode', 'estimator', 'temperature', 'projectionHidden', 'projectionUnits', 'queueSize', 'momentum', 'augment'],
  cpc: ['context', 'offsets', 'negatives', 'estimator', 'augment'],
  simclr: ['augment', 'projectionHidden', 'projectionUnits', 'temperature', 'estimator'],
  infograph: ['estimator', 'headUnits', 'temperature'],
};

/**
 * A config (given or resolved) without its kind's {@link TRAINING_ONLY_KEYS}. Two configs
 * with equal results have the same representation at initialisation, so one random-init
 * baseline serves both; unequal results may still (a key spelt out at its default value).
 * @example
 * initialisationConfig({ kind: 'cmc', views: { kind: 'halves' }, momentum: 0.99 }) // { kind: 'cmc', views: { kind: 'halves' } }
 */
export function initialisationConfig<T extends { kind: string }>(config: T): Partial<T> {
  const dropped: readonly string[] = TRAINING_ONLY_KEYS[config.kind as ObjectiveKind] ?? [];
  return Object.fromEntries(Object.entries(config).filter(([k]) => !dropped.includes(k))) as Partial<T>;
}

/**
 * Builds the objective a JSON config describes. Omitted keys take their defaults
 * (the filled-in config is `objective.config`; `buildObjective(JSON.parse(JSON.stringify(o.config)))`
 * builds the same objective with the same initial weights).
 *
 * - `{ kind: 'dim', inputShape }` — DIM(L) with JSD on the DCGAN encoder (see {@link DimConfig});
 * - `{ kind: 'cmc', inputShape, views: { kind: 'lab' | 'halves' | 'crops' | 'labChannels' }, mode }` — see {@link CmcConfig};
 * - `{ kind: 'cpc', inputShape, patch: { size, stride } }` — see {@link CpcConfig};
 * - `{ kind: 'simclr', inputShape, augment, temperature }` — SimCLR's NT-Xent, see {@link SimclrConfig};
 * - `{ kind: 'infograph', featureSize }` — InfoGraph on graphs, a GIN encoder (see {@link InfographConfig}):
 *   typed as a `GraphObjective` when the kind is the literal `'infograph'`.
 *
 * Hjelm et al. 2019 (DIM), https://arxiv.org/abs/1808.06670; Tian et al. 2020 (CMC),
 * https://arxiv.org/abs/1906.05849; van den Oord et al. 2018 (CPC), https://arxiv.org/abs/1807.03748;
 * Chen et al. 2020 (SimCLR), https://arxiv.org/abs/2002.05709;
 * Sun et al. 2020 (InfoGraph), https://arxiv.org/abs/1908.01000
 *
 * @param config `{ kind, inputShape: [height, width, channels], ...options }`, or for graphs `{ kind: 'infograph', featureSize, ...options }`
 * @returns the objective; its `loss(batch)` takes images `[batch, height, width, channels]`
 *   (InfoGraph's: a batch of graphs)
 * @throws ConfigError naming the key path (`prior.hidden[1]`, `encoder`) that is unknown, missing or out of range:
 *   `buildObjective: config key '<path>': expected <what>, got <value>` (the JSON Schema: {@link objectiveJsonSchema})
 * @example
 * const objective = buildObjective({ kind: 'dim', inputShape: [28, 28, 1] });
 * const optimizer = adam(1e-4); // from @infomax/engine
 * const metrics = trainStep(objective, optimizer, { images }, 0); // { loss, mi_local }
 */
export function buildObjective<K extends string>(config: { kind: K } & Record<string, unknown>): BuiltObjective<K> {
  const resolved = parseObjectiveConfig(OBJECTIVE_SCHEMA, config);
  return build(resolved) as BuiltObjective<K>;
}

function build(config: Infer<typeof OBJECTIVE_SCHEMA>): Objective | InfographObjective {
  switch (config.kind) {
    case 'dim':
      return buildDim(config);
    case 'cmc':
      return buildCmc(config);
    case 'cpc':
      return buildCpc(config);
    case 'simclr':
      return buildSimclr(config);
    case 'infograph':
      return buildInfograph(config);
  }
}
