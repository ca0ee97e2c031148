/**
 * @infomax/objectives: Deep InfoMax (global, local, prior matching), CMC, CPC, SimCLR and
 * InfoGraph (on graphs) as compositions of views, encoders, critics and any bound of
 * @infomax/estimators.
 * @packageDocumentation
 */
export type { Batch, GraphObjective, LossResult, Objective } from './objective';
export { buildObjective, initialisationConfig, OBJECTIVE_KINDS, TRAINING_ONLY_KEYS } from './build-objective';
export { objectiveJsonSchema } from './objective-schema';
export type { ObjectiveJsonSchemaOptions } from './objective-schema';
export type { BuiltObjective } from './build-objective';
export type { ObjectiveKind, ObjectiveConfig } from './build-objective';
export { trainStep, trainStepAsync } from './train-step';
export { ObjectiveBounds, ESTIMATOR_KINDS, MASKED_ESTIMATOR_KINDS } from './estimator';
export type { StepOptions } from './train-step';
export type { ExampleSplit } from './example-split';
export type { EstimatorKind } from './estimator';
export { DimObjective, DIM_LOCAL_NEGATIVES } from './dim';
export type { DimConfig, DimLocalNegatives } from './dim';
export { CmcObjective, CMC_MODES } from './cmc';
export type { CmcConfig, CmcMode } from './cmc';
export { CMC_VIEW_KINDS } from './cmc-views';
export type { CmcViewKind, CmcViewsConfig } from './cmc-views';
export { CpcObjective, CPC_NEGATIVES } from './cpc';
export type { CpcConfig, CpcNegatives } from './cpc';
export { SimclrObjective } from './simclr';
export type { SimclrConfig } from './simclr';
export { InfographObjective } from './infograph';
export type { InfographConfig, GinPart } from './infograph';
export { PRIOR_DISTRIBUTIONS } from './dim-prior';
export type { PriorConfig, PriorDistribution } from './dim-prior';
export { ConfigError, ShapeError, NonFiniteError } from './errors';
export type { EncoderPart } from './internal/encoder-part';
