/**
 * The package's custom tfjs layers. Each is registered for serialisation in
 * `register.ts`, so a saved encoder loads back with `tf.loadLayersModel`.
 */
import * as tf from '@tensorflow/tfjs';

type Shape = Array<number | null>;
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

function one(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

function oneShape(shape: Shape | Shape[]): Shape {
  return Array.isArray(shape[0]) ? (shape[0] as Shape) : (shape as Shape);
}

/**
 * Identity that names a model output (`local`, `global`, `conv`, ...). It returns
 * a clone (same data, new handle) so two taps of one tensor are two tensors a
 * caller can dispose independently.
 */
export class Tap extends tf.layers.Layer {
  /** Name in saved model configs. */
  static readonly className = 'InfomaxTap';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.clone(one(inputs));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(inputShape);
  }
}

/**
 * Folds a grid of patches into the batch: `[batch, rows, cols, p, p, c]` →
 * `[batch·rows·cols, p, p, c]`, so one image encoder encodes every patch with
 * shared weights.
 */
export class PatchesToBatch extends tf.layers.Layer {
  /** Name in saved model configs. */
  static readonly className = 'InfomaxPatchesToBatch';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = one(inputs);
    return tf.reshape(x, [-1, ...x.shape.slice(3)]);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = oneShape(inputShape);
    const [b, rows, cols] = s;
    const n = b === null || rows === null || cols === null ? null : b * rows * cols;
    return [n, ...s.slice(3)];
  }
}

/** Arguments of {@link BatchToPatches}. */
export interface BatchToPatchesArgs extends LayerArgs {
  /** Patch rows per image. */
  rows: number;
  /** Patch columns per image. */
  cols: number;
}

/**
 * Inverse of {@link PatchesToBatch} for per-patch features:
 * `[batch·rows·cols, ...f]` → `[batch, rows, cols, ...f]`.
 */
export class BatchToPatches extends tf.layers.Layer {
  /** Name in saved model configs. */
  static readonly className = 'InfomaxBatchToPatches';
  readonly rows: number;
  readonly cols: number;

  constructor(args: BatchToPatchesArgs) {
    super(args);
    this.rows = args.rows;
    this.cols = args.cols;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = one(inputs);
    return tf.reshape(x, [-1, this.rows, this.cols, ...x.shape.slice(1)]);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = oneShape(inputShape);
    const n = s[0] === null ? null : s[0] / (this.rows * this.cols);
    return [n, this.rows, this.cols, ...s.slice(1)];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rows: this.rows, cols: this.cols };
  }
}
