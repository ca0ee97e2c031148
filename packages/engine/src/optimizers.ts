/**
 * Adam whose per-variable update is one kernel (`InfomaxAdam`, see kernels/adam.ts) where
 * the backend has it (wasm with SIMD, cpu), and tfjs's own update elsewhere. A drop-in
 * `tf.AdamOptimizer`: same class name, the same moment variables (`<name>/m`, `<name>/v`).
 * Its `getWeights` adds the two running products β1ᵗ, β2ᵗ ({@link ADAM_BETA_POWERS}), so a
 * restored optimizer continues bit for bit; `setWeights` also takes tfjs's own list.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNEL, type AdamAttrs } from './kernels/adam';
import { ConfigError } from './errors';

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

/** Adam with a fused update; construct with {@link adam}. */
export class FusedAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    if (tf.getKernel(ADAM_KERNEL, tf.getBackend()) === undefined) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const list = Array.isArray(variableGradients);
    const names = list ? (variableGradients as NamedTensor[]).map((v) => v.name) : Object.keys(variableGradients);
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
    };
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        const moment = (slot: AdamState['accumulatedFirstMoment'], suffix: string) => {
          slot[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          return slot[i]!.variable;
        };
        const m = moment(state.accumulatedFirstMoment, 'm');
        const v = moment(state.accumulatedSecondMoment, 'v');
        const gradient = list ? (variableGradients as NamedTensor[])[i].tensor : (variableGradients as Record<string, tf.Tensor>)[name];
        if (gradient == null) return;
        const g = gradient.dtype === 'float32' ? gradient : tf.cast(gradient, 'float32');
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
    return [...weights, { name: ADAM_BETA_POWERS[0], tensor: state.accBeta1.clone() }, { name: ADAM_BETA_POWERS[1], tensor: state.accBeta2.clone() }];
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

/**
 * `tf.train.adam` with a fused update on wasm and cpu (one kernel instead of ten per
 * variable); identical results to float32 rounding, and tfjs's own update elsewhere.
 * @param learningRate default 0.001
 * @param beta1 default 0.9
 * @param beta2 default 0.999
 * @param epsilon default: the backend's epsilon (tfjs's default)
 * @throws ConfigError for a learning rate or beta outside its range
 * @example
 * const optimizer = adam(1e-4);
 * optimizer.minimize(() => loss(model, batch));
 */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FusedAdam {
  const check = (name: string, x: number, ok: boolean, want: string) => {
    if (!Number.isFinite(x) || !ok) throw new ConfigError(`adam: '${name}' must be ${want}, got ${x}`);
  };
  check('learningRate', learningRate, learningRate > 0, 'a positive number');
  check('beta1', beta1, beta1 >= 0 && beta1 < 1, 'in [0, 1)');
  check('beta2', beta2, beta2 >= 0 && beta2 < 1, 'in [0, 1)');
  if (epsilon !== undefined) check('epsilon', epsilon, epsilon > 0, 'a positive number');
  return new FusedAdam(learningRate, beta1, beta2, epsilon);
}
