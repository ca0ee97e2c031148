/**
 * The objective configs' one schema: what `buildObjective` accepts, each kind's keys and
 * defaults, and the JSON Schema editors complete an objective section with.
 */
import { byKind, jsonSchemaOf } from '@infomax/engine';
import type { ObjectiveKind } from './build-objective';
import { CMC_SCHEMA } from './cmc';
import { CPC_SCHEMA } from './cpc';
import { DIM_SCHEMA } from './dim';
import { INFOGRAPH_SCHEMA } from './infograph';
import { SIMCLR_SCHEMA } from './simclr';

/** Every objective kind's schema, in the order of `OBJECTIVE_KINDS`. */
export const OBJECTIVE_SCHEMA = byKind(
  [
    DIM_SCHEMA.describe('Deep InfoMax: local, global and prior terms (Hjelm et al. 2019).'),
    CMC_SCHEMA.describe('Contrastive Multiview Coding (Tian et al. 2020).'),
    CPC_SCHEMA.describe('Contrastive Predictive Coding on a grid of patches (van den Oord et al. 2018).'),
    SIMCLR_SCHEMA.describe("SimCLR's NT-Xent on two augmentations of each image (Chen et al. 2020)."),
    INFOGRAPH_SCHEMA.describe('InfoGraph on graphs (Sun et al. 2020).'),
  ],
  'an objective config ({ kind, ...options })',
);

/** The keys a caller may fill in from its data: each kind's input size. */
const SHAPE_KEYS = ['inputShape', 'featureSize'];

/** Options of {@link objectiveJsonSchema}. */
export interface ObjectiveJsonSchemaOptions {
  /** Leave `inputShape` / `featureSize` optional: the caller fills them in from its data (as the trainer does). Default false. */
  shapeFromData?: boolean;
  /** Kinds whose `kind` key may be left out: the caller's defaults (the trainer's `dim` for images, `infograph` for graphs). Default none. */
  defaultKinds?: readonly ObjectiveKind[];
}

/**
 * The JSON Schema (draft-07) of an objective config: one branch per kind, each with its
 * keys, their ranges and defaults, and no other key; each `augment` entry by its kind's
 * options (the @infomax/views schema). Checks across keys (a queue needs a masked
 * estimator), against the input shape (a grayscale step needs RGB) and the options of
 * encoders are left to `buildObjective`.
 * @param options what the caller fills in itself, see {@link ObjectiveJsonSchemaOptions}
 * @returns a JSON-serialisable JSON Schema whose `anyOf` holds the kinds
 * @example
 * const schema = objectiveJsonSchema({ shapeFromData: true, defaultKinds: ['dim'] });
 * new Ajv().compile(schema)({ estimator: 'nwj' }); // true: a DIM config
 */
export function objectiveJsonSchema(options: ObjectiveJsonSchemaOptions = {}): Record<string, unknown> {
  const { oneOf: kinds, ...doc } = jsonSchemaOf(OBJECTIVE_SCHEMA, {
    title: 'infomax objective config',
    description: 'An objective for buildObjective: { kind: dim | cmc | cpc | simclr | infograph, ...options }.',
  });
  const anyOf = (kinds as Array<{ properties: { kind: { const: string } }; required: string[] }>).map((branch) => {
    const optional = [
      ...(options.shapeFromData ? SHAPE_KEYS : []),
      ...((options.defaultKinds as readonly string[] | undefined)?.includes(branch.properties.kind.const) ? ['kind'] : []),
    ];
    return { ...branch, required: branch.required.filter((key) => !optional.includes(key)) };
  });
  // Kinds that may be left out overlap (an empty section fits each), so not oneOf.
  return { ...doc, anyOf };
}
