import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../errors';
import { poolAxes } from '../internal/layout';
import { checkChoice } from '../internal/validate';
import { dv } from './dv';
import { infoNce } from './info-nce';
import { interpolated } from './interpolated';
import { jsd, JSD_REPORTS, type JsdReport } from './jsd';
import { Mine } from './mine';
import { nwj } from './nwj';
import { smile } from './smile';
import { tuba } from './tuba';
import type { BoundResult, NegativeOptions, PoolOptions } from './types';

/** Bound names a config or a command line accepts, declared once. */
export const BOUND_KINDS = ['jsd', 'infonce', 'dv', 'nwj', 'smile', 'mine', 'tuba', 'interpolated'] as const;
/**
 * The bounds {@link NamedBound.apply} takes `poolLocations` ({@link PoolOptions}) for.
 * InfoNCE, DV and SMILE log their negatives' mean and pool it; JSD, NWJ and TUBA (no
 * baseline here) average the negatives' terms alike, every location has as many, so
 * their per-location numbers are the pooled ones. MINE keeps a moving average per location.
 */
export const POOLED_BOUND_KINDS = ['infonce', 'dv', 'smile', 'jsd', 'nwj', 'tuba'] as const;
/** Of {@link POOLED_BOUND_KINDS}, those whose plain form already gives the pooled numbers. */
const POOLED_AS_THEY_ARE: ReadonlySet<string> = new Set(['jsd', 'nwj', 'tuba']);
/** One of {@link BOUND_KINDS}. */
export type BoundKind = (typeof BOUND_KINDS)[number];

/**
 * A bound chosen by name, with the state it carries between steps: one per place a
 * training loop scores pairs (each has its own MINE moving average).
 *
 * - `jsd` trains with the f-GAN Jensen–Shannon value and reports NWJ on the same critic;
 * - `smile` clips at τ = 5 and trains with JSD (Song & Ermon's setting);
 * - `mine` is DV with MINE's bias-corrected gradient (decay 0.9); outside training
 *   (`training: false`) it reads DV without moving its average;
 * - `tuba` and `interpolated` (I_α, α = 0.01) take the constant baseline a ≡ 1: a
 *   baseline learned per row needs a network on x, which a caller with one passes to
 *   {@link tuba} / {@link interpolated} directly. `interpolated` uses in-batch
 *   negatives only (no mask, positive mask or queue).
 *
 * Poole et al. 2019, "On Variational Bounds of Mutual Information", https://arxiv.org/abs/1905.06922;
 * Belghazi et al. 2018 (MINE), https://arxiv.org/abs/1801.04062; Song & Ermon 2020 (SMILE),
 * https://arxiv.org/abs/1910.06222; Hjelm et al. 2019 (JSD), https://arxiv.org/abs/1808.06670
 *
 * @example
 * const bound = new NamedBound('mine');
 * optimizer.minimize(() => bound.apply(critic.scores(x, y)).loss, false, critic.variables);
 * const saved = bound.state(); // MINE's moving average, for a checkpoint
 * bound.dispose();
 */
export class NamedBound {
  private readonly mine: Mine | null;

  /**
   * @param kind one of {@link BOUND_KINDS}
   * @param fn the caller's name, for error messages
   * @param options `jsdReport`: the estimate `jsd` reports (default `'nwj'`; `'dv'` stays finite where scores are large)
   * @throws ConfigError for an unknown kind or report
   */
  constructor(
    readonly kind: BoundKind,
    private readonly fn = 'NamedBound',
    private readonly options: { jsdReport?: JsdReport } = {},
  ) {
    checkChoice(fn, 'bound', kind, BOUND_KINDS);
    checkChoice(fn, 'jsdReport', options.jsdReport ?? 'nwj', JSD_REPORTS);
    this.mine = kind === 'mine' ? new Mine() : null;
  }

  /**
   * The estimate (nats) and the loss to minimise on scores in the shared layout.
   * @param scores `[B, B]` or `[B, B, L]`, `scores[i, k] = T(x_i, y_k)`, positives on the diagonal
   *   (or rectangular with `positiveMask`)
   * @param negatives see {@link NegativeOptions}; `poolLocations` ({@link POOLED_BOUND_KINDS} only) see {@link PoolOptions}
   * @param options `training` (default true): false leaves MINE's moving average alone
   * @returns `{ estimate, loss }` scalars the caller owns
   * @throws ConfigError for `interpolated` with negative options, or `poolLocations` with a bound outside {@link POOLED_BOUND_KINDS}; ShapeError from the bound
   */
  apply(scores: tf.Tensor, negatives: NegativeOptions & PoolOptions = {}, { training = true } = {}): BoundResult {
    if (negatives.poolLocations && !(POOLED_BOUND_KINDS as readonly string[]).includes(this.kind)) {
      throw new ConfigError(
        `${this.fn}: option 'poolLocations' (negatives at every location) is taken by ${POOLED_BOUND_KINDS.map((k) => `'${k}'`).join(', ')}; ` +
          `bound '${this.kind}' has no such form: tile the scores instead`,
      );
    }
    // These bounds do not read the option: checked here, their plain numbers are the pooled ones.
    if (POOLED_AS_THEY_ARE.has(this.kind)) poolAxes(this.fn, scores, negatives);
    switch (this.kind) {
      case 'jsd':
        return jsd(scores, { ...negatives, report: this.options.jsdReport ?? 'nwj' });
      case 'infonce':
        return infoNce(scores, negatives);
      case 'dv':
        return dv(scores, negatives);
      case 'nwj':
        return nwj(scores, negatives);
      case 'smile':
        return smile(scores, negatives);
      case 'mine':
        return training ? (this.mine as Mine).bound(scores, negatives) : dv(scores, negatives);
      case 'tuba':
        return tuba(scores, negatives);
      case 'interpolated': {
        const given = Object.keys(negatives).filter((k) => negatives[k as keyof NegativeOptions] !== undefined);
        if (given.length > 0) {
          throw new ConfigError(
            `${this.fn}: bound 'interpolated' takes in-batch negatives only (square scores); this caller passes ${given.map((k) => `'${k}'`).join(', ')}: choose another bound`,
          );
        }
        return interpolated(scores);
      }
    }
  }

  /** MINE's state (see {@link Mine.state}); null for the other bounds, which keep none. */
  state(): tf.Tensor1D | null {
    return this.mine?.state() ?? null;
  }

  /** Puts back what {@link state} returned (MINE only; a no-op otherwise). @throws ShapeError for a wrongly shaped state */
  load(state: tf.Tensor): void {
    this.mine?.load(state);
  }

  /** Frees MINE's moving average. */
  dispose(): void {
    this.mine?.dispose();
  }
}
