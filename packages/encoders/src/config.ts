/**
 * Encoder configs: plain JSON objects `{ kind, ...options }` that
 * `buildEncoder` turns into an {@link Encoder}, and that travel inside a saved
 * model's metadata.
 */
import type { AlexnetOptions } from './alexnet';
import type { DcganOptions } from './dcgan';
import type { MlpOptions } from './mlp';
import type { PatchOptions } from './patch';
import type { ResnetOptions } from './resnet';

/** Encoder kinds `buildEncoder` knows, declared once. */
export const ENCODER_KINDS = ['dcgan', 'alexnet', 'resnet', 'mlp', 'patch'] as const;
/** One of {@link ENCODER_KINDS}. */
export type EncoderKind = (typeof ENCODER_KINDS)[number];

/** Config of the DCGAN-style encoder. */
export type DcganConfig = { kind: 'dcgan' } & DcganOptions;
/** Config of the AlexNet-style encoder. */
export type AlexnetConfig = { kind: 'alexnet' } & AlexnetOptions;
/** Config of the ResNet encoder. */
export type ResnetConfig = { kind: 'resnet' } & ResnetOptions;
/** Config of the MLP encoder. */
export type MlpConfig = { kind: 'mlp' } & MlpOptions;
/** Config of the CPC patch encoder. */
export type PatchConfig = { kind: 'patch' } & PatchOptions;

/** Configs of encoders that take whole images `[batch, H, W, C]`. */
export type ImageEncoderConfig = DcganConfig | AlexnetConfig | ResnetConfig | MlpConfig;
/** Any encoder config. */
export type EncoderConfig = ImageEncoderConfig | PatchConfig;
