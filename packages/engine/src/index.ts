/**
 * @infomax/engine: backend choice, fast CPU training kernels, seeding and model I/O.
 * @packageDocumentation
 */
export { initEngine, BACKEND_CHOICES } from './backend';
export type { BackendChoice, EngineOptions, EngineInfo, NativeCandidate, NativeLoadResult } from './backend';
export { Rng } from './random';
export type { RngState } from './random';
export { EngineError, ShapeError, ConfigError, BackendError, UnsupportedError, ModelIOError } from './errors';
export { registerEngineKernels, restoreStockKernels, stockKernel, KERNEL_BACKENDS } from './register';
export type { KernelBackend } from './register';
export { adam, adamw, ADAM_BETA_POWERS, FusedAdam } from './optimizers';
export type { AdamOptions } from './optimizers';
export { sgd, MomentumSgd } from './optimizers-sgd';
export type { SgdOptions } from './optimizers-sgd';
export { lars, Lars } from './optimizers-lars';
export type { LarsOptions } from './optimizers-lars';
export { createOptimizer, OPTIMIZER_KINDS, OPTIMIZER_KEYS, optimizerSpecSchema, optimizerConfigSchema } from './optimizer-spec';
export type { OptimizerKind, OptimizerSpec, ScheduledOptimizer } from './optimizer-spec';
export { learningRateAt, learningRates, checkSchedule, SCHEDULE_KINDS, scheduleSpecSchema, scheduleConfigSchema } from './lr-schedule';
export type { ScheduleKind, ScheduleSpec } from './lr-schedule';
export { clipByGlobalNorm, globalNorm, clipNormSchema } from './gradient-clip';
export { sumAll, sumOfSquares } from './reductions';
export { canReadSync, registerAsyncOnlyBackend } from './readback';
export { releaseTapeOnThrow } from './gradient-tape';
export { int, finite, oneOf, text, bool, list, object, byKind, optional, nullish, reject, expectedOf } from './schema/fields';
export type { Infer, InferInput, Schema, CheckContext } from './schema/fields';
export { parseConfig, jsonSchemaOf, optionFailure } from './schema/parse-config';
export type { ConfigFailure } from './schema/parse-config';
export { showValue, keyPath, findUnsafeKey, unsafeKeyMessage, UNSAFE_KEYS } from './schema/issues';
export type { ExampleSplitter, ExampleTask } from './example-parallel-protocol';
