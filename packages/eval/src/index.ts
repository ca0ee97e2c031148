/**
 * @infomax/eval: frozen-feature evaluation of a representation (linear probe,
 * MLP probe, kNN, standardisation, PCA with k components, batched feature extraction).
 * @packageDocumentation
 */
export { linearProbe, PROBE_SCHEDULES } from './linear-probe';
export type { LinearProbeOptions, LinearProbeResult, ProbeSchedule } from './linear-probe';
export { tunedLinearProbe, DEFAULT_WEIGHT_DECAYS } from './tuned-linear-probe';
export type { TunedLinearProbeOptions, TunedLinearProbeResult, ValidationScore } from './tuned-linear-probe';
export { mlpProbe } from './mlp-probe';
export type { MlpProbeOptions, MlpProbeResult } from './mlp-probe';
export { knn, KNN_METRICS } from './knn';
export type { KnnOptions, KnnResult, KnnMetric } from './knn';
export { standardize, STD_FLOOR } from './standardize';
export type { Standardized } from './standardize';
export { pca, pcaTransform, PCA_SOLVERS } from './pca';
export type { PcaBasis, PcaFit, PcaOptions, PcaSolver } from './pca';
export { extractFeatures } from './extract-features';
export { ShapeError, ConfigError, LabelError, NonFiniteError } from './errors';
export type { LabelledSplits } from './internal/validate';
