/**
 * SGD with momentum (heavy ball, or Nesterov's), L2 weight decay and global-norm clipping,
 * whose per-variable update is one kernel (`InfomaxSgd`, see kernels/sgd.ts) on wasm and
 * cpu and the same arithmetic in tfjs ops elsewhere. Its slots are one momentum buffer per
 * variable (`<name>/momentum`), restored bit for bit by `setWeights`.
 */
import * as tf from '@tensorflow/tfjs';
import { SGD_KERNEL, type SgdAttrs } from './kernels/sgd';
import { gradientList } from './gradient-clip';
import { object } from './schema/fields';
import { clipNorm, l2Decay, learningRate, nesterov, nesterovNeedsMomentum, parseOptimizerOptions, sgdMomentum } from './optimizer-fields';

type NamedTensor = { name: string; tensor: tf.Tensor };
type Gradients = Parameters<tf.Optimizer['applyGradients']>[0];

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** Step size, > 0. Default 0.01. A schedule may change it between steps (`optimizer.learningRate = …`). */
  learningRate?: number;
  /** μ in [0, 1). Default 0 (plain SGD). */
  momentum?: number;
  /** Nesterov's direction g + μ·b instead of b (needs momentum > 0). Default false. */
  nesterov?: boolean;
  /** λ ≥ 0: L2 decay added to every gradient (g + λ·w). Default 0. */
  weightDecay?: number;
  /** Clip the gradients to this global L2 norm first (see `clipByGlobalNorm`). Default: no clipping. */
  clipNorm?: number;
}

/** What one variable's step uses: g' = (gradient + weightDecay·w)·scale. */
export interface SgdDirection {
  gradient: tf.Tensor;
  weightDecay: number;
  scale: number;
}

/** SGD with momentum and a fused update; construct with {@link sgd} (or `lars`, which extends it). */
export class MomentumSgd extends tf.Optimizer {
  static className = 'InfomaxSgd';
  /** The step size of the next update; a schedule sets it before each step. */
  learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly clipNorm?: number;
  private buffers: Array<{ originalName: string; variable: tf.Variable } | undefined> = [];

  constructor(options: Required<Omit<SgdOptions, 'clipNorm'>> & Pick<SgdOptions, 'clipNorm'>) {
    super();
    this.learningRate = options.learningRate;
    this.momentum = options.momentum;
    this.nesterov = options.nesterov;
    this.weightDecay = options.weightDecay;
    this.clipNorm = options.clipNorm;
  }

  /**
   * One variable's gradient as the update takes it (inside the step's tidy); LARS rescales it
   * here. `readable`: the backend reads synchronously (the fused path), so a scale may be a number.
   */
  protected direction(_weight: tf.Variable, gradient: tf.Tensor, _readable: boolean): SgdDirection {
    return { gradient, weightDecay: this.weightDecay, scale: 1 };
  }

  override applyGradients(variableGradients: Gradients): void {
    const fused = tf.getKernel(SGD_KERNEL, tf.getBackend()) !== undefined;
    tf.tidy(() => {
      gradientList(variableGradients, this.clipNorm).forEach(({ name, tensor }, i) => {
        const w = tf.engine().registeredVariables[name];
        this.buffers[i] ??= { originalName: `${name}/momentum`, variable: tf.tidy(() => tf.zerosLike(w).variable(false)) };
        if (tensor === null) return;
        const b = this.buffers[i]!.variable;
        const { gradient: g, weightDecay, scale } = this.direction(w, tensor, fused);
        const attrs: SgdAttrs = { learningRate: this.learningRate, momentum: this.momentum, weightDecay, scale, nesterov: this.nesterov };
        const [w2, b2] = fused
          ? (tf.engine().runKernel(SGD_KERNEL, { w, g, b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[])
          : stockStep(w, g, b, attrs);
        b.assign(b2);
        w.assign(w2);
      });
    });
    this.incrementIterations();
  }

  /** The iteration count, then every momentum buffer (in the order of the variables). */
  override async getWeights(): Promise<NamedTensor[]> {
    const buffers = this.buffers.filter((b) => b !== undefined).map((b) => ({ name: b.originalName, tensor: b.variable }));
    return [await this.saveIterations(), ...buffers];
  }

  /** Restores {@link getWeights}' list (the tensors become the optimizer's; do not dispose them after). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const slots = await this.extractIterations(weightValues);
    tf.dispose(this.buffers.filter((b) => b !== undefined).map((b) => b.variable));
    this.buffers = slots.map((s) => ({ originalName: s.name, variable: s.tensor.variable(false) }));
  }

  override dispose(): void {
    tf.dispose(this.buffers.filter((b) => b !== undefined).map((b) => b.variable));
    this.buffers = [];
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { learningRate, momentum, nesterov, weightDecay } = this;
    return { learningRate, momentum, nesterov, weightDecay, ...(this.clipNorm === undefined ? {} : { clipNorm: this.clipNorm }) };
  }
}

/** The kernel's arithmetic in tfjs ops, in its order (backends without the kernel). */
function stockStep(w: tf.Tensor, g: tf.Tensor, b: tf.Tensor, a: SgdAttrs): [tf.Tensor, tf.Tensor] {
  const gi = tf.mul(tf.add(g, tf.mul(w, a.weightDecay)), a.scale);
  const bi = tf.add(tf.mul(b, a.momentum), gi);
  const d = a.nesterov ? tf.add(gi, tf.mul(bi, a.momentum)) : bi;
  return [tf.add(w, tf.mul(d, -a.learningRate)), bi];
}

/** The fields of {@link sgd}'s options (LARS adds its own, with another learning rate and momentum). */
export const SGD_FIELDS = { learningRate: learningRate(0.01), momentum: sgdMomentum, nesterov, weightDecay: l2Decay, clipNorm };
const SGD_OPTIONS = object(SGD_FIELDS).transform(nesterovNeedsMomentum);

/**
 * SGD with momentum, PyTorch's formula: g' = g + λ·w, b ← μ·b + g', w ← w − lr·(nesterov ? g' + μ·b : b),
 * fused into one kernel per variable on wasm and cpu. Nesterov's variant: Sutskever et al. 2013,
 * "On the importance of initialization and momentum in deep learning" (ICML).
 * @param options see {@link SgdOptions}
 * @throws ConfigError `sgd: option '<key>': expected <what>, got <value>` (nesterov without momentum too)
 * @example
 * const optimizer = sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
 * optimizer.minimize(() => loss(model, batch));
 */
export function sgd(options: SgdOptions = {}): MomentumSgd {
  return new MomentumSgd(parseOptimizerOptions('sgd', SGD_OPTIONS, options));
}
