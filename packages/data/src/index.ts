/**
 * `@infomax/data`: image datasets held as bytes (bundled MNIST digits, IDX
 * files, CIFAR-10/100 and STL-10 binaries, image folders decoded by sharp,
 * synthetic patterns), TU graph datasets, checked downloads, seeded batch streams
 * of tfjs tensors and stratified cross-validation folds.
 *
 * @packageDocumentation
 */
export { DatasetError, DATASET_ERROR_CODES, type DatasetErrorCode } from './errors';
export { createDataset, subset, split, type ImageDataset, type TrainTest, type SplitOptions } from './dataset';
export { stratifiedSubset, type StratifiedSubsetOptions } from './stratified-subset';
export { loadBundledDigits, DIGIT_CLASSES, type BundledDigitsOptions } from './bundled-digits';
export { readIdx, loadIdxPair, loadIdxFolder, type IdxArray, type IdxOptions } from './idx';
export { loadFashionMnist, findFashionMnist, FASHION_MNIST_CLASSES, FASHION_MNIST_DEBIAN_DIR } from './fashion-mnist';
export { download, type DownloadOptions } from './download';
export {
  downloadIdxDataset,
  IDX_DATASET_NAMES,
  IDX_SOURCES,
  type IdxDatasetName,
  type IdxSource,
  type DownloadIdxOptions,
} from './idx-downloads';
export { loadCifar10, loadCifar100, CIFAR10_CLASSES, type Cifar100Options } from './cifar';
export { loadStl10, STL10_CLASSES, type Stl10Options, type Stl10Parts } from './stl10';
export { loadImageFolder, IMAGE_EXTENSIONS, type ImageFolderOptions } from './image-folder';
export { syntheticDataset, gratingPeriod, SYNTHETIC_PATTERNS, type SyntheticPattern, type SyntheticOptions } from './synthetic';
export { batchStream, stepsPerEpoch, type Batch, type BatchStreamOptions, type Standardize } from './batch-stream';
export { featureHistogram, NODE_FEATURE_KINDS, type GraphDataset, type NodeFeatureKind } from './graph-dataset';
export { loadTuDataset, type TuDatasetOptions } from './tu-dataset';
export { gatherGraphs, graphBatch, graphBatchStream, type GraphBatch, type GraphBatchArrays } from './graph-batch';
export type { BatchOrderOptions } from './internal/batch-plan';
export { stratifiedFolds, type Fold, type StratifiedFoldsOptions } from './stratified-folds';
