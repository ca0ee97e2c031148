/**
 * Dispatch from an image-encoder config (`{ kind, ... }`) to its validated
 * build plan; shared by `buildEncoder` and the patch encoder's inner encoder.
 */
import { object, oneOf } from '@infomax/engine';
import { alexnetPlan, resolveAlexnet } from '../alexnet';
import { dcganPlan, resolveDcgan } from '../dcgan';
import { mlpPlan, resolveMlp } from '../mlp';
import { resnetPlan, resolveResnet } from '../resnet';
import type { Plan } from './assemble';
import { parseOptions } from './options';

const IMAGE_KINDS = ['dcgan', 'alexnet', 'resnet', 'mlp'] as const;
const KIND = object({ kind: oneOf(IMAGE_KINDS) }, { loose: true });

/** Validates an image-encoder config; errors name `fn` and the option's key path below `at`. */
export function imageEncoderPlan(config: unknown, fn: string, at: string[] = []): Plan {
  switch (parseOptions(fn, KIND, config, at).kind) {
    case 'dcgan':
      return dcganPlan(resolveDcgan(config, fn, at));
    case 'alexnet':
      return alexnetPlan(resolveAlexnet(config, fn, at));
    case 'resnet':
      return resnetPlan(resolveResnet(config, fn, at));
    case 'mlp':
      return mlpPlan(resolveMlp(config, fn, at));
  }
}
