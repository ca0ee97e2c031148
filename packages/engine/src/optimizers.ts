/**
 * Adam and AdamW whose per-variable update is one kernel (`InfomaxAdam`, see kernels/adam.ts)
 * where the backend has it (wasm with SIMD, cpu), and tfjs's own update elsewhere. A drop-in
 * `tf.AdamOptimizer`: same class name, the same moment variables (`<name>/m`, `<name>/v`).
 * Its `getWeights` adds the two running products β1ᵗ, β2ᵗ ({@link ADAM_BETA_POWERS}), so a
 * restored optimizer continues bit for bit; `setWeights` also takes tfjs's own list.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNEL, type AdamAttrs } from './kernels/adam';
import { ConfigError } from './errors';
import { gradientList } from './gradient-clip';
import { object } from './schema/fields';
import {
  adamEpsilon,
  adamWeightDecay,
  adamwWeightDecay,
  beta1,
  beta2,
  clipNorm,
  learningRate,
  parseOptimizerOptions,
} from './optimizer-fields';

/** The tfjs AdamOptimizer fields this class shares (private in tfjs's typings). */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
}

/** One `{ name, tensor }` of `applyGradients`' list form. */
type NamedTensor = { name: string; tensor: tf.Tensor };
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** Names under which {@link FusedAdam.getWeights} stores the running products β1ᵗ and β2ᵗ. */
export const ADAM_BETA_POWERS = ['adam/accBeta1', 'adam/accBeta2'] as const;

/** Options of {@link adam} and {@link adamw}. */
export interface AdamOptions {
  /** Step size. Default 0.001. A schedule may change it between steps (`optimizer.learningRate = …`). */
  learningRate?: number;
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to √v̂. Default: the backend's epsilon (tfjs's default). */
  epsilon?: number;
  /** Decoupled weight decay λ ≥ 0: each step first scales every weight by 1 − lr·λ (PyTorch's AdamW). Default 0 (`adam`), 0.01 (`adamw`). */
  weightDecay?: number;
  /** Clip the gradients to this global L2 norm first (see `clipByGlobalNorm`). Default: no clipping. */
  clipNorm?: number;
}

/** Adam (and AdamW) with a fused update; construct with {@link adam} or {@link adamw}. */
export class FusedAdam extends tf.AdamOptimizer {
  /** The step size of the next update; a schedule sets it before each step. */
  declare public learningRate: number;

  constructor(
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon?: number,
    readonly weightDecay = 0,
    readonly clipNorm?: number,
  ) {
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(variableGradients: Gradients): void {
    // 1 − lr·λ rounded to float32 as both paths multiply by it; exactly 1 without decay.
    const keep = Math.fround(1 - this.learningRate * this.weightDecay);
    if (tf.getKernel(ADAM_KERNEL, tf.getBackend()) === undefined) {
      tf.tidy(() => {
        const list = gradientList(variableGradients, this.clipNorm);
        if (keep !== 1) {
          for (const { name, tensor } of list)
            if (tensor) tf.engine().registeredVariables[name].assign(tf.mul(tf.engine().registeredVariables[name], keep));
        }
        super.applyGradients(list as NamedTensor[]);
      });
      return;
    }
    const state = this as unknown as AdamState;
    // tfjs computes 1 − βᵗ in float32 from the float32 accumulators; so do we.
    const oneMinusAccBeta1 = Math.fround(1 - state.accBeta1.dataSync()[0]);
    const oneMinusAccBeta2 = Math.fround(1 - state.accBeta2.dataSync()[0]);
    const attrs: AdamAttrs = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      oneMinusAccBeta1,
      oneMinusAccBeta2,
      keep,
    };
    tf.tidy(() => {
      gradientList(variableGradients, this.clipNorm).forEach(({ name, tensor: g }, i) => {
        const value = tf.engine().registeredVariables[name];
        const moment = (slot: AdamState['accumulatedFirstMoment'], suffix: string) => {
          slot[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          return slot[i]!.variable;
        };
        const m = moment(state.accumulatedFirstMoment, 'm');
        const v = moment(state.accumulatedSecondMoment, 'v');
        if (g === null) return;
        const [w2, m2, v2] = tf.engine().runKernel(ADAM_KERNEL, { w: value, g, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(m2);
        v.assign(v2);
        value.assign(w2);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  /** tfjs's weights (iterations, then every m, then every v), then β1ᵗ and β2ᵗ as float32 scalars. */
  override async getWeights(): Promise<NamedTensor[]> {
    const state = this as unknown as AdamState;
    const weights = await super.getWeights();
    return [
      ...weights,
      { name: ADAM_BETA_POWERS[0], tensor: state.accBeta1.clone() },
      { name: ADAM_BETA_POWERS[1], tensor: state.accBeta2.clone() },
    ];
  }

  /**
   * Restores {@link getWeights}' list. tfjs recomputes βᵗ as `pow(β, t + 1)`, which differs
   * from the running float32 product by an ulp after some steps and so moves every later
   * update: the stored products, where present, replace it.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const powers = weightValues.filter((w) => (ADAM_BETA_POWERS as readonly string[]).includes(w.name));
    await super.setWeights(weightValues.filter((w) => !powers.includes(w)));
    const state = this as unknown as AdamState;
    for (const { name, tensor } of powers) {
      const target = name === ADAM_BETA_POWERS[0] ? state.accBeta1 : state.accBeta2;
      if (tensor.size !== 1) throw new ConfigError(`adam.setWeights: '${name}' must be a scalar, got shape [${tensor.shape}]`);
      tf.tidy(() => target.assign(tf.reshape(tf.cast(tensor, 'float32'), [])));
    }
  }
}

/** The options of {@link adam} and {@link adamw}: ranges and defaults (they differ only in the weight decay's). */
const ADAM_FIELDS = { learningRate: learningRate(0.001), beta1, beta2, epsilon: adamEpsilon, clipNorm };
const ADAM_OPTIONS = object({ ...ADAM_FIELDS, weightDecay: adamWeightDecay });
const ADAMW_OPTIONS = object({ ...ADAM_FIELDS, weightDecay: adamwWeightDecay });

function make(kind: string, schema: typeof ADAM_OPTIONS, options: unknown): FusedAdam {
  const o = parseOptimizerOptions(kind, schema, options);
  return new FusedAdam(o.learningRate, o.beta1, o.beta2, o.epsilon, o.weightDecay, o.clipNorm);
}

/**
 * `tf.train.adam` with a fused update on wasm and cpu (one kernel instead of ten per
 * variable); identical results to float32 rounding, and tfjs's own update elsewhere.
 * Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980.
 * @param options see {@link AdamOptions}; a number is the learning rate (other fields default)
 * @throws ConfigError `adam: option '<key>': expected <what>, got <value>` for an option outside its range or an unknown one
 * @example
 * const optimizer = adam({ learningRate: 1e-4 });
 * optimizer.minimize(() => loss(model, batch));
 */
export function adam(options: AdamOptions | number = {}): FusedAdam {
  return make('adam', ADAM_OPTIONS, typeof options === 'number' ? { learningRate: options } : options);
}

/**
 * AdamW: Adam with decoupled weight decay, each step w ← w·(1 − lr·λ) then the Adam update
 * (PyTorch's form; with a schedule the decay follows the learning rate), in the same fused
 * kernel as {@link adam}. Loshchilov & Hutter 2019, "Decoupled Weight Decay
 * Regularization", arXiv:1711.05101.
 * @param options see {@link AdamOptions}; `weightDecay` defaults to 0.01
 * @throws ConfigError `adamw: option '<key>': expected <what>, got <value>`
 * @example
 * const optimizer = adamw({ learningRate: 1e-3, weightDecay: 0.05 });
 */
export function adamw(options: AdamOptions = {}): FusedAdam {
  return make('adamw', ADAMW_OPTIONS, options);
}
