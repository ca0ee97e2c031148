/**
 * Adam (Kingma & Ba 2015, https://arxiv.org/abs/1412.6980) as one pass over each
 * variable, for the CPU backends. tfjs' own Adam runs ~12 separate elementwise
 * kernels per variable; with DIM's 6.4M-weight fc layer that was about a third of
 * a training step on wasm. This one reads the parameter and gradient once, updates
 * both moments and the parameter in a single JS loop, and writes the result once.
 * Same update rule and defaults as `tf.train.adam` (including ε = the backend's
 * epsilon, 1e-7 on the CPU backends), so the two are interchangeable.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from './errors';

/** A named tensor, as optimizers exchange their state. */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** Options of {@link FusedAdam}. */
export interface FusedAdamOptions {
  /** Step size. Default 1e-3. */
  learningRate?: number;
  /** Decay of the first moment. Default 0.9, in [0, 1). */
  beta1?: number;
  /** Decay of the second moment. Default 0.999, in [0, 1). */
  beta2?: number;
  /** Added to √v̂. Default: the backend's epsilon (1e-7 on cpu and wasm), as tf.train.adam. */
  epsilon?: number;
}

/**
 * A drop-in for `tf.train.adam` on the wasm and cpu backends (on GPU backends use
 * tfjs' own: this one reads every variable back to JS).
 * @example
 * const opt = new FusedAdam({ learningRate: 1e-4 });
 * opt.minimize(() => loss(model, batch));
 */
export class FusedAdam extends tf.Optimizer {
  /** Class name for tfjs serialization. */
  static get className(): string {
    return 'InfomaxFusedAdam';
  }

  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private step = 0;
  private readonly moments = new Map<string, { m: Float32Array; v: Float32Array }>();

  /** @throws ConfigError for a non-positive learning rate or a beta outside [0, 1). */
  constructor(options: FusedAdamOptions = {}) {
    super();
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? tf.backend().epsilon();
    if (!(this.learningRate > 0)) {
      throw new ConfigError(`FusedAdam: option 'learningRate' must be > 0, got ${this.learningRate}`);
    }
    for (const [k, b] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(b >= 0 && b < 1)) throw new ConfigError(`FusedAdam: option '${k}' must be in [0, 1), got ${b}`);
    }
  }

  /** Applies one Adam update with the given gradients (by variable name). */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: Array<[string, tf.Tensor]> = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor])
      : Object.entries(variableGradients);
    this.step++;
    for (const [name, gradient] of entries) {
      if (gradient == null) continue;
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) throw new ConfigError(`FusedAdam: no variable named '${name}'`);
      this.update(variable, gradient.dataSync() as Float32Array, 0);
    }
    this.incrementIterations();
  }

  /**
   * Applies one update from one flat gradient array laid out as `variables` in order
   * (how DataParallel shares gradients), without making gradient tensors.
   * @param variables the variables, in the order of `flat`
   * @param flat their gradients, concatenated `[Σ size]`
   * @throws ConfigError when `flat` is not exactly as long as the variables together
   */
  applyFlat(variables: tf.Variable[], flat: Float32Array): void {
    const total = variables.reduce((n, v) => n + v.size, 0);
    if (flat.length !== total) {
      throw new ConfigError(`FusedAdam.applyFlat: argument flat has ${flat.length} values; the variables hold ${total}`);
    }
    this.step++;
    let offset = 0;
    for (const variable of variables) {
      this.update(variable, flat, offset);
      offset += variable.size;
    }
    this.incrementIterations();
  }

  /** One fused pass over a variable: moments and parameter, reading g from `g[offset ..]`. */
  private update(variable: tf.Variable, g: Float32Array, offset: number): void {
    const c1 = 1 - Math.pow(this.beta1, this.step);
    const c2 = 1 - Math.pow(this.beta2, this.step);
    const { beta1: b1, beta2: b2, epsilon: eps, learningRate: lr } = this;
    const p = variable.dataSync() as Float32Array;
    let state = this.moments.get(variable.name);
    if (state === undefined) {
      state = { m: new Float32Array(p.length), v: new Float32Array(p.length) };
      this.moments.set(variable.name, state);
    }
    const { m, v } = state;
    const out = new Float32Array(p.length);
    for (let j = 0; j < p.length; j++) {
      const gj = g[offset + j];
      const mj = b1 * m[j] + (1 - b1) * gj;
      const vj = b2 * v[j] + (1 - b2) * gj * gj;
      m[j] = mj;
      v[j] = vj;
      out[j] = p[j] - (lr * (mj / c1)) / (Math.sqrt(vj / c2) + eps);
    }
    const next = tf.tensor(out, variable.shape, 'float32');
    variable.assign(next);
    next.dispose();
  }

  /** The step count and both moments of every variable, for checkpoints. */
  override async getWeights(): Promise<NamedTensor[]> {
    const weights: NamedTensor[] = [{ name: 'iter', tensor: tf.scalar(this.step, 'int32') }];
    for (const [name, { m, v }] of this.moments) {
      weights.push({ name: `${name}/m`, tensor: tf.tensor(m) });
      weights.push({ name: `${name}/v`, tensor: tf.tensor(v) });
    }
    return weights;
  }

  /** Restores what {@link getWeights} returned. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.moments.clear();
    for (const { name, tensor } of weightValues) {
      const data = (await tensor.data()) as Float32Array;
      if (name === 'iter') {
        this.step = data[0];
        continue;
      }
      const base = name.slice(0, -2);
      const entry = this.moments.get(base) ?? { m: new Float32Array(data.length), v: new Float32Array(data.length) };
      (name.endsWith('/m') ? entry.m : entry.v).set(data);
      this.moments.set(base, entry);
    }
  }

  /** The options, for serialization. */
  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
