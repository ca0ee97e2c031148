/**
 * @infomax/views: seeded, pure tensor functions that turn an image batch into the
 * views an objective pairs — patch grids and sequences, halves, colour channels,
 * augmentations — composable with `multiView`.
 * @packageDocumentation
 */
export type { View } from './types';
export { multiView } from './multi-view';
export { patchGrid, patchGridInverse } from './patch-grid';
export type { PatchGridOptions } from './patch-grid';
export { patchSequence, sequenceTargets } from './patch-sequence';
export type { PatchSequence, PatchSequenceOptions, SequenceTargetsOptions } from './patch-sequence';
export { halves, HALVES_AXES } from './halves';
export type { HalvesAxis, HalvesOptions } from './halves';
export { rgbToLab, labToRgb, labSplit, LAB_SCALES, CMC_LAB_RANGES } from './lab';
export type { LabScale, LabSplitOptions } from './lab';
export { rgbToYCbCr } from './ycbcr';
export { channelSplit } from './channel-split';
export type { ChannelSplitOptions } from './channel-split';
export { randomResizedCrop, RANDOM_RESIZED_CROP_SCHEMA, CROP_SCALE_SCHEMA } from './random-resized-crop';
export type { RandomResizedCropOptions, CropBox } from './random-resized-crop';
export { horizontalFlip, HORIZONTAL_FLIP_SCHEMA } from './horizontal-flip';
export type { HorizontalFlipOptions } from './horizontal-flip';
export { colorJitter, COLOR_JITTER_SCHEMA } from './color-jitter';
export type { ColorJitterOptions } from './color-jitter';
export { randomGrayscale, RANDOM_GRAYSCALE_SCHEMA } from './random-grayscale';
export type { RandomGrayscaleOptions } from './random-grayscale';
export { gaussianNoise, GAUSSIAN_NOISE_SCHEMA } from './gaussian-noise';
export type { GaussianNoiseOptions } from './gaussian-noise';
export { augment, AUGMENT_KINDS, AUGMENT_STEP_SCHEMA, AUGMENT_STEPS_SCHEMA } from './augment';
export type { AugmentKind, AugmentOptions, AugmentStep } from './augment';
export type { SeedOrRng } from './internal/seed';
export { ShapeError, ConfigError } from './errors';
