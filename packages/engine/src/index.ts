/**
 * @infomax/engine: backend choice, fast CPU training kernels, seeding and model I/O.
 * @packageDocumentation
 */
export { initEngine, BACKEND_CHOICES } from './backend';
export type { BackendChoice, EngineOptions, EngineInfo, NativeCandidate, NativeLoadResult } from './backend';
export { Rng } from './random';
export type { RngState } from './random';
export {
  EngineError,
  ShapeError,
  ConfigError,
  BackendError,
  UnsupportedError,
  ModelIOError,
} from './errors';
export { registerEngineKernels, restoreStockKernels, stockKernel, KERNEL_BACKENDS } from './register';
export type { KernelBackend } from './register';
export { adam, ADAM_BETA_POWERS, FusedAdam } from './optimizers';
export { canReadSync, registerAsyncOnlyBackend } from './readback';
export { releaseTapeOnThrow } from './gradient-tape';
export type { ExampleSplitter, ExampleTask } from './example-parallel-protocol';
