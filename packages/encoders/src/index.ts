/**
 * @infomax/encoders: conv encoders mapping images to a local feature map and a
 * global vector (DCGAN-style, AlexNet-style, ResNet, MLP, CPC patch encoder), a
 * graph encoder (GIN) mapping graphs to node and graph vectors, and projection
 * heads. Every model is a tfjs LayersModel that saves and loads.
 * @packageDocumentation
 */
import './register';

export { Encoder, ENCODER_METADATA_KEY } from './encoder';
export type { EncoderOutput, EncodeOptions } from './encoder';
export { buildEncoder } from './build-encoder';
export { ENCODER_KINDS } from './config';
export type {
  EncoderKind,
  EncoderConfig,
  ImageEncoderConfig,
  DcganConfig,
  AlexnetConfig,
  ResnetConfig,
  MlpConfig,
  PatchConfig,
} from './config';
export { dcganEncoder } from './dcgan';
export type { DcganOptions } from './dcgan';
export { alexnetEncoder } from './alexnet';
export type { AlexnetOptions } from './alexnet';
export { resnetEncoder, RESNET_STEMS } from './resnet';
export type { ResnetOptions, ResnetStem } from './resnet';
export { mlpEncoder } from './mlp';
export type { MlpOptions } from './mlp';
export { patchEncoder } from './patch';
export type { PatchOptions } from './patch';
export { projectionHead, HEAD_BLOCK_KINDS } from './projection-head';
export type { HeadBlock, ProjectionHeadConfig } from './projection-head';
export { localHead, globalHead } from './heads';
export { GraphEncoder, GRAPH_INPUTS } from './graph-encoder';
export type { GraphInput, GraphEncoderOutput } from './graph-encoder';
export { ginEncoder } from './gin';
export type { GinOptions, GinConfig } from './gin';
export { infographHead } from './graph-heads';
export type { HeadOptions } from './heads';
export { ConfigError, ShapeError } from './errors';
