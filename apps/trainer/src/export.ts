/**
 * `infomax export <run>`: a run's encoder for use elsewhere — a tfjs layers model
 * (`model.json` + weights, `tf.loadLayersModel`), the same weights as safetensors for
 * Python, and `export.json` + `README.md` saying what goes in and what comes out.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import type { Objective } from '@infomax/objectives';
import type { TrainConfig } from './config';
import { saveModel } from './internal/engine-node';
import { openRun } from './internal/open-run';
import { encodeSafetensors, type NamedFloat32 } from './internal/safetensors';
import { checkWritable, writeOutputs } from './internal/write-outputs';
import { exportReadme, type ExportInfo, type ExportedOutput } from './internal/export-info';

export type { ExportInfo, ExportedOutput };

/** Options of {@link exportRun}. */
export interface ExportOptions {
  /** Output folder. Default `<run>/export`. */
  out?: string;
  /** Step of the checkpoint to export. Default: the latest. */
  checkpoint?: number;
  /** Backend. Default: the run's. */
  backend?: TrainConfig['backend'];
}

/** The encoders' identity layer that names an output (`InfomaxTap`): dropped from the export, which names outputs in export.json. */
const TAP_CLASS = 'InfomaxTap';

/** The files of an export. */
export const EXPORT_FILES = { model: 'model.json', safetensors: 'encoder.safetensors', info: 'export.json', readme: 'README.md' } as const;

/**
 * The encoder as a model of tfjs' own layers: each named output (`local`, `global`, `conv`,
 * `fc`, `code`) is an identity layer of our package over an inner layer's output; the export
 * takes the inner outputs themselves (each once), so loading it needs no custom classes
 * unless the encoder has others (the CPC patch encoder's reshapes, listed in `customLayers`).
 */
function portableModel(model: tf.LayersModel): { model: tf.LayersModel; outputs: Array<{ taps: string[]; tensor: tf.SymbolicTensor }> } {
  const outputs: Array<{ taps: string[]; tensor: tf.SymbolicTensor }> = [];
  model.outputs.forEach((out, i) => {
    const layer = out.sourceLayer;
    const inner = layer.getClassName() === TAP_CLASS ? (layer.inboundNodes[out.nodeIndex].inputTensors[0] as tf.SymbolicTensor) : out;
    const same = outputs.find((o) => o.tensor.id === inner.id);
    if (same) same.taps.push(model.outputNames[i]);
    else outputs.push({ taps: [model.outputNames[i]], tensor: inner });
  });
  return { model: tf.model({ inputs: model.inputs, outputs: outputs.map((o) => o.tensor), name: `${model.name}_export` }), outputs };
}

/** Images the code check feeds both paths: a few seeded uniform ones. */
const CHECK_IMAGES = 4;

/**
 * Which exported output equals the objective's representation (`code`, what `embed` and
 * `evaluate` read): `global` when the objective has no `embed`, or when its `embed` gives the
 * encoder's `global` on whole images (checked on seeded images, 1e-6 relative); else null (CMC's
 * Lab split, CPC's patch grid apply views first).
 */
function codeOutput(objective: Objective, shape: number[]): 'global' | null {
  if (!objective.embed) return 'global';
  if (objective.encoder.inputShape.join(',') !== shape.join(',')) return null;
  const rng = new Rng(0);
  const size = CHECK_IMAGES * shape.reduce((a, b) => a * b, 1);
  const gap = tf.tidy(() => {
    const x = tf.tensor4d(
      Float32Array.from({ length: size }, () => rng.uniform()),
      [CHECK_IMAGES, ...shape] as [number, number, number, number],
    );
    const code = objective.embed!(x);
    const global = objective.encoder.encode(x).global;
    if (code.shape.join(',') !== global.shape.join(',')) return tf.scalar(Infinity);
    return tf.max(tf.abs(code.sub(global))).div(tf.max(tf.abs(global)).add(1e-12));
  });
  const relative = gap.dataSync()[0];
  gap.dispose();
  return relative <= 1e-6 ? 'global' : null;
}

/** The model's weights by their saved names (those of model.json's manifest), as float32 arrays. */
async function namedWeights(model: tf.LayersModel): Promise<NamedFloat32[]> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const bytes = artifacts?.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  let offset = 0;
  return (artifacts?.weightSpecs ?? []).map((s) => {
    if (s.dtype !== 'float32') throw new Error(`export: weight '${s.name}' is ${s.dtype}; only float32 weights are exported`);
    const count = s.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(bytes.slice(offset, offset + 4 * count));
    offset += 4 * count;
    return { name: s.name, shape: s.shape, values };
  });
}

/**
 * Exports the encoder of a run's checkpoint into `out`: `model.json` + `weights.<hash>.bin`
 * (tfjs layers model: `tf.loadLayersModel`, or the engine's `loadModel`), `encoder.safetensors`
 * (the same weights, tfjs names and layouts), `export.json` and `README.md`.
 * @param target a run folder (or a checkpoint folder)
 * @returns what export.json holds, and the folder
 * @throws CheckpointError when the run or checkpoint is missing or corrupt; OutputError when `out` cannot be written
 * @example
 * const info = await exportRun('runs/quickstart', {}); // runs/quickstart/export/model.json ...
 */
export async function exportRun(target: string, o: ExportOptions = {}): Promise<ExportInfo & { dir: string }> {
  if (o.out !== undefined) await checkWritable('--out', o.out, true);
  const { objective, checkpoint, runDir } = await openRun(target, { checkpoint: o.checkpoint, backend: o.backend });
  try {
    const dir = o.out ?? path.join(runDir, 'export');
    if (o.out === undefined) await checkWritable('--out', dir, true);
    const imageShape = objective.config.inputShape as number[];
    const { model, outputs } = portableModel(objective.encoder.model);
    const weights = await namedWeights(model);
    const info: ExportInfo = {
      format: 'infomax-encoder-export/1',
      run: path.resolve(runDir),
      step: checkpoint.step,
      objective: objective.config.kind,
      encoder: objective.encoder.config as unknown as Record<string, unknown>,
      input: {
        shape: [null, ...objective.encoder.inputShape],
        imageShape,
        dtype: 'float32',
        layout: 'NHWC',
        normalisation: 'pixel / 255 (values in [0, 1]); no mean or std is subtracted',
      },
      outputs: outputs.map((out, index): ExportedOutput => ({
        index,
        name: model.outputNames[index],
        taps: out.taps,
        shape: out.tensor.shape,
      })),
      code: codeOutput(objective, imageShape),
      customLayers: [...new Set(model.layers.map((l) => l.getClassName()).filter((c) => c.startsWith('Infomax')))],
      weights: weights.map((w) => ({ name: w.name, shape: [...w.shape] })),
    };
    await saveModel(model, dir);
    const meta = {
      format: 'tfjs-layers',
      layout: 'tfjs/Keras: dense kernels [in, out], conv kernels [height, width, in, out]',
      step: String(checkpoint.step),
    };
    await writeOutputs('--out', {
      [path.join(dir, EXPORT_FILES.safetensors)]: encodeSafetensors(weights, meta),
      [path.join(dir, EXPORT_FILES.info)]: `${JSON.stringify(info, null, 2)}\n`,
      [path.join(dir, EXPORT_FILES.readme)]: exportReadme(info),
    });
    return { ...info, dir };
  } finally {
    objective.dispose();
  }
}
