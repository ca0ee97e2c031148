/**
 * The trainer as a library: the {@link Trainer} loop with its callbacks, the config
 * schema, the data loaders and the run folder that `infomax train` is built from.
 * @example
 * import { Trainer, resolveConfig, loadData } from '@infomax/trainer';
 */
export { startPosition, Trainer, type Stop, type StepEvent, type EvalEvent, type TrainerCallback, type TrainerParts } from './trainer';
export { metricsRecord, progressLine, runPlots, stopOnSignal } from './callbacks';
export { train, type TrainOptions, type TrainResult } from './train';
export { resolveConfig, readConfigFile, applyOverrides, type TrainConfig } from './config';
export { loadData, type LoadedData } from './datasets';
export { loadGraphData, type LoadedGraphs } from './graph-data';
export { batchSource, type BatchSource } from './batch-source';
export { RunFolder } from './run-folder';
export { openLoggers, LOGGERS, type LoggerKind, type MetricsLogger } from './loggers/logger';
export { loadCheckpoint, type TrainingPosition } from './checkpoint';
