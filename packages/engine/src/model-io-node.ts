/**
 * Save and load a tfjs LayersModel to a folder in TensorFlow.js' own format
 * (`model.json` + a binary weights file listed in its `weightsManifest`), as
 * tfjs-node's `file://` handler reads it — without needing tfjs-node.
 *
 * Atomicity: the weights go to a new file named by their content hash, then
 * `model.json` (which names that file) replaces the old one by rename. The rename
 * is the commit point: a crash at any moment leaves a `model.json` whose weights
 * file is whole. Weights files no `model.json` names are removed afterwards. The hash
 * in the name is checked on load, so a damaged weights file is refused, never loaded.
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import { ModelIOError } from './errors';
import { writeFileAtomic } from './atomic-write';

const MODEL_JSON = 'model.json';
/** A weights file named by the first 12 hex digits of its sha256. */
const HASHED_WEIGHTS = /^weights\.([0-9a-f]{12})\.bin$/;

/**
 * Saves `model` into folder `dir` (created if missing) atomically.
 * @param model any tfjs LayersModel (custom layers must be registered for serialization)
 * @param dir the folder; an existing model there is replaced
 * @returns the path of the written `model.json`
 * @throws ModelIOError naming the folder when it cannot be written
 * @example
 * await saveModel(encoder, 'runs/dim/encoder');
 * const again = await loadModel('runs/dim/encoder');
 */
export async function saveModelToDir(model: tf.LayersModel, dir: string): Promise<string> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts) throw new ModelIOError(`saveModel: the model produced no artifacts for '${dir}'`);
  const weights = new Uint8Array(
    artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData),
  );
  const hash = createHash('sha256').update(weights).digest('hex').slice(0, 12);
  const weightsFile = `weights.${hash}.bin`;
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
  try {
    await fsp.mkdir(dir, { recursive: true });
    await writeFileAtomic(path.join(dir, weightsFile), weights);
    await writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
    for (const f of await fsp.readdir(dir)) {
      if (/^weights(\.[0-9a-f]+)?\.bin$/.test(f) && f !== weightsFile) await fsp.rm(path.join(dir, f), { force: true });
    }
  } catch (e) {
    throw new ModelIOError(`saveModel: cannot write the model into '${dir}': ${(e as Error).message}`);
  }
  return path.join(dir, MODEL_JSON);
}

/**
 * Loads a model saved by {@link saveModelToDir} or by tfjs-node's `file://` handler.
 * @param dir the folder holding `model.json` (or the path of a `model.json`)
 * @throws ModelIOError naming the file when it is missing, not JSON, or its weights do not match (size, or the hash in a `weights.<hash>.bin` name)
 * @example
 * const encoder = await loadModel('runs/dim/encoder');
 */
export async function loadModelFromDir(dir: string): Promise<tf.LayersModel> {
  const jsonPath = dir.endsWith('.json') ? dir : path.join(dir, MODEL_JSON);
  const base = path.dirname(jsonPath);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(await fsp.readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (e) {
    throw new ModelIOError(`loadModel: cannot read '${jsonPath}' as a tfjs model.json: ${(e as Error).message}`);
  }
  if (modelJson === null || typeof modelJson !== 'object' || modelJson.modelTopology == null) {
    throw new ModelIOError(`loadModel: '${jsonPath}' has no 'modelTopology': expected a tfjs layers-model model.json`);
  }
  const handler: tf.io.IOHandler = {
    load: () =>
      tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const file = path.join(base, p);
            let buf: Buffer;
            try {
              buf = await fsp.readFile(file);
            } catch (e) {
              throw new ModelIOError(`loadModel: weights file '${file}' named in '${jsonPath}' cannot be read: ${(e as Error).message}`);
            }
            const named = HASHED_WEIGHTS.exec(path.basename(p));
            if (named && createHash('sha256').update(buf).digest('hex').slice(0, 12) !== named[1]) {
              throw new ModelIOError(
                `loadModel: weights file '${file}' is corrupt: its sha256 does not start with the ${named[1]} in its name`,
              );
            }
            buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
          }
        }
        const data = tf.io.concatenateArrayBuffers(buffers);
        const expected = specs.reduce(
          (n, s) => n + tf.util.sizeFromShape(s.shape) * (s.dtype === 'float32' || s.dtype === 'int32' ? 4 : 1),
          0,
        );
        if (data.byteLength !== expected) {
          throw new ModelIOError(`loadModel: weights of '${jsonPath}' are ${data.byteLength} bytes; its manifest expects ${expected}`);
        }
        return [specs, data];
      }),
  };
  try {
    return await tf.loadLayersModel(handler);
  } catch (e) {
    if (e instanceof ModelIOError) throw e;
    throw new ModelIOError(`loadModel: '${jsonPath}' is not a loadable tfjs layers model: ${(e as Error).message}`);
  }
}
