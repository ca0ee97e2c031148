/**
 * Dispatch from an image-encoder config (`{ kind, ... }`) to its validated
 * build plan; shared by `buildEncoder` and the patch encoder's inner encoder.
 */
import { alexnetPlan, resolveAlexnet } from '../alexnet';
import { dcganPlan, resolveDcgan } from '../dcgan';
import { mlpPlan, resolveMlp } from '../mlp';
import { resnetPlan, resolveResnet } from '../resnet';
import type { Plan } from './assemble';
import * as v from './validate';

const IMAGE_KINDS = ['dcgan', 'alexnet', 'resnet', 'mlp'] as const;

/** Validates an image-encoder config; errors name `fn` and `option` (prefixed to nested options). */
export function imageEncoderPlan(config: unknown, fn: string, option = 'kind'): Plan {
  const o = v.optionsObject(fn, config);
  const kind = v.oneOf(fn, option, o.kind, IMAGE_KINDS);
  switch (kind) {
    case 'dcgan':
      return dcganPlan(resolveDcgan(o, fn));
    case 'alexnet':
      return alexnetPlan(resolveAlexnet(o, fn));
    case 'resnet':
      return resnetPlan(resolveResnet(o, fn));
    case 'mlp':
      return mlpPlan(resolveMlp(o, fn));
  }
}
