/**
 * @infomax/estimators: mutual-information bounds on one score layout, critics,
 * negative sampling and reference estimators.
 * @packageDocumentation
 */
export { dv } from './bounds/dv';
export type { DvOptions } from './bounds/dv';
export { nwj } from './bounds/nwj';
export type { NwjOptions } from './bounds/nwj';
export { jsd, JSD_REPORTS } from './bounds/jsd';
export type { JsdOptions, JsdReport } from './bounds/jsd';
export { infoNce } from './bounds/info-nce';
export type { InfoNceOptions } from './bounds/info-nce';
export { tuba } from './bounds/tuba';
export type { TubaOptions } from './bounds/tuba';
export { interpolated } from './bounds/interpolated';
export type { InterpolatedOptions } from './bounds/interpolated';
export { smile, SMILE_TRAINING } from './bounds/smile';
export type { SmileOptions, SmileTraining } from './bounds/smile';
export { Mine } from './bounds/mine';
export type { MineOptions } from './bounds/mine';
export { ntXent, twoViewScores, twoViewNegatives } from './bounds/nt-xent';
export type { NtXentOptions } from './bounds/nt-xent';
export { NamedBound, BOUND_KINDS, POOLED_BOUND_KINDS } from './bounds/named-bound';
export type { BoundKind } from './bounds/named-bound';
export type { BoundResult, NegativeOptions, PoolOptions } from './bounds/types';

export { separableCritic } from './critics/separable-critic';
export type { SeparableCriticOptions } from './critics/separable-critic';
export { bilinearCritic } from './critics/bilinear-critic';
export type { BilinearCriticOptions } from './critics/bilinear-critic';
export { concatCritic } from './critics/concat-critic';
export type { ConcatCriticOptions } from './critics/concat-critic';
export { CRITIC_ACTIVATIONS } from './critics/types';
export type { Critic, CriticActivation, CriticBaseOptions } from './critics/types';

export { shuffleNegatives, derangement, permuteRows } from './negatives/shuffle';
export { MemoryQueue } from './negatives/memory-queue';
export { membershipMask } from './negatives/membership';
export type { MemoryQueueOptions } from './negatives/memory-queue';

export { gaussianMi, rhoForMi, correlatedGaussian, gaussianLogRatio } from './reference/gaussian';
export type { GaussianSample } from './reference/gaussian';
export { discreteMi, klDivergence, jsDivergence } from './reference/discrete';
export type { LogBaseOptions } from './reference/discrete';
export { ksgMi } from './reference/ksg';
export type { KsgOptions } from './reference/ksg';

export { ShapeError, ConfigError, NonFiniteError } from './errors';
