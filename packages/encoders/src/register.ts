/**
 * Registers the package's custom layer and initializer classes with tfjs'
 * serialisation, so `tf.loadLayersModel` (and the engine's `loadModel`) can
 * rebuild a saved encoder or head. The package's only side effect; listed under
 * `sideEffects` in package.json and imported by `index.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import { BatchToPatches, PatchesToBatch, Tap } from './internal/layers';
import { NeighbourSum, SegmentSum } from './internal/graph-layers';
import { NoisyIdentity } from './internal/noisy-identity';

tf.serialization.registerClass(Tap);
tf.serialization.registerClass(PatchesToBatch);
tf.serialization.registerClass(BatchToPatches);
tf.serialization.registerClass(NeighbourSum);
tf.serialization.registerClass(SegmentSum);
tf.serialization.registerClass(NoisyIdentity as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
