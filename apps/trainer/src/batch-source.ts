/**
 * What the training loop steps on: one epoch of a dataset's batches in a seeded order,
 * images or graphs, at the same positions (the epoch's seed and the batch within it) so
 * that checkpoints and bit-exact resume work alike for both.
 */
import * as tf from '@tensorflow/tfjs';
import { batchStream, graphBatchStream } from '@infomax/data';
import type { Batch } from '@infomax/objectives';
import type { LoadedData } from './datasets';
import type { LoadedGraphs } from './graph-data';

/** One batch as the objective's step takes it; `dispose` frees its tensors. */
export interface StepBatch {
  /** Images `{ images: [batch, height, width, channels] }`, or a graph batch for a graph objective. */
  input: Batch;
  dispose(): void;
}

/** Where one epoch's batches are read from. */
export interface BatchSource {
  /** Items an epoch visits (training images, or every graph). */
  readonly count: number;
  /** What an item is called in messages. */
  readonly unit: 'images' | 'graphs';
  /** The data in words for the run's first line, e.g. `8000 images 28×28×1`. */
  readonly description: string;
  /** The shape keys `buildObjective` needs: `inputShape` for images, `featureSize` for graphs. */
  readonly shape: { inputShape: number[] } | { featureSize: number };
  /** Batches one epoch yields at this batch size. */
  batchesPerEpoch(batchSize: number): number;
  /** One epoch's batches in the order `seed` gives, the first `startStep` skipped without being built. */
  epoch(options: { batchSize: number; seed: number; startStep: number }): AsyncGenerator<StepBatch, void, undefined>;
}

/**
 * The batch source of loaded data: training images (each epoch's last, smaller batch
 * dropped), or every graph (only a last batch of one graph dropped: it has no negative).
 * @param data images from `loadData`, or graphs from `loadGraphData`
 * @example
 * const source = batchSource(await loadData(config.data, 0));
 * for await (const b of source.epoch({ batchSize: 64, seed: 7, startStep: 0 })) { step(b.input); b.dispose(); }
 */
export function batchSource(data: LoadedData | LoadedGraphs): BatchSource {
  return 'graphs' in data ? graphSource(data) : imageSource(data);
}

function imageSource({ train }: LoadedData): BatchSource {
  return {
    count: train.count,
    unit: 'images',
    description: `${train.count} images ${[train.height, train.width, train.channels].join('×')}`,
    shape: { inputShape: [train.height, train.width, train.channels] },
    batchesPerEpoch: (batchSize) => Math.floor(train.count / batchSize),
    async *epoch({ batchSize, seed, startStep }) {
      for await (const b of batchStream(train, { batchSize, seed, epochs: 1, dropLast: true, startStep })) {
        yield { input: { images: b.images }, dispose: () => tf.dispose([b.images, b.labels]) };
      }
    },
  };
}

function graphSource({ graphs }: LoadedGraphs): BatchSource {
  const dropLast = (batchSize: number) => graphs.count % batchSize === 1;
  return {
    count: graphs.count,
    unit: 'graphs',
    description: `${graphs.count} graphs, ${graphs.featureSize} node features`,
    shape: { featureSize: graphs.featureSize },
    batchesPerEpoch: (batchSize) => (dropLast(batchSize) ? Math.floor : Math.ceil)(graphs.count / batchSize),
    async *epoch({ batchSize, seed, startStep }) {
      for (const b of graphBatchStream(graphs, { batchSize, seed, epochs: 1, dropLast: dropLast(batchSize), startStep })) {
        // A graph objective's loss takes the graph batch where an image objective takes images.
        yield { input: b as unknown as Batch, dispose: () => tf.dispose(b) };
      }
    },
  };
}
