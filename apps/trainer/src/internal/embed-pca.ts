/**
 * The PCA step of `infomax embed`: `--pca k` fits the k leading principal axes of the
 * embedded rows and writes their coordinates, saving the fit as `<out>.pca.json`;
 * `--pca-from <file>` projects on a fit saved that way, so that other images land in the
 * same k-dimensional space.
 */
import { promises as fsp } from 'fs';
import { finite, int, list, object, oneOf, parseConfig, type Infer } from '@infomax/engine';
import { pca, pcaTransform } from '@infomax/eval';
import { PROBE_LAYERS, type ProbeLayer } from '../config';
import { ConfigError } from '../errors';

/** The JSON file `--pca` writes beside the output: enough to project other rows, `(x − mean)·componentsᵀ` (NumPy: `(x - mean) @ components.T`). */
const PCA_FILE = object({
  k: int(1),
  dim: int(1),
  layer: oneOf(PROBE_LAYERS),
  step: int(0),
  rows: int(1),
  mean: list(finite(), { min: 1 }),
  components: list(list(finite(), { min: 1 }), { min: 1 }),
  explainedVariance: list(finite({ min: 0 })),
  explainedVarianceRatio: list(finite({ min: 0, max: 1 })),
});
/** A saved fit: the contents of a `.pca.json` file. */
export type PcaFile = Infer<typeof PCA_FILE>;

/** Embeddings after the PCA step, and the fit to save (none when it was read from a file). */
export interface ReducedEmbeddings {
  /** `[rows, k]` row-major. */
  values: Float32Array;
  /** The fit: written to `<out>.pca.json` after `--pca`, read from `--pca-from`. */
  fit: PcaFile;
}

/**
 * Fits `k` principal axes on the rows and projects them (`--pca k`).
 * @param features `[rows, dim]` row-major embeddings
 * @param about the encoder output and checkpoint step, recorded in the fit
 * @throws ConfigError naming --pca when k exceeds min(rows, dim)
 * @example
 * const { values, fit } = await fitEmbeddingPca(features, 64, 16, { layer: 'code', step: 600 }); // values [rows, 16]
 */
export async function fitEmbeddingPca(
  features: Float32Array,
  dim: number,
  k: number,
  about: { layer: ProbeLayer; step: number },
): Promise<ReducedEmbeddings> {
  const rows = features.length / dim;
  if (k > Math.min(rows, dim)) {
    throw new ConfigError('', `--pca ${k}: expected at most min(images, values per row) = min(${rows}, ${dim}) = ${Math.min(rows, dim)}`);
  }
  const f = await pca(features, dim, { k });
  const nested = Array.from({ length: k }, (_, r) => Array.from(f.components.subarray(r * dim, (r + 1) * dim)));
  return {
    values: f.points,
    fit: {
      k,
      dim,
      ...about,
      rows,
      mean: Array.from(f.mean),
      components: nested,
      explainedVariance: Array.from(f.explainedVariance),
      explainedVarianceRatio: Array.from(f.explainedVarianceRatio),
    },
  };
}

/**
 * Reads a fit saved by `--pca` (`--pca-from`), checked for shape before any image is embedded.
 * @throws ConfigError naming --pca-from and the file when it cannot be read or parsed, or its arrays disagree with k and dim
 * @example
 * const fit = await readEmbeddingPca('train.pca.json');
 */
export async function readEmbeddingPca(file: string): Promise<PcaFile> {
  const fail = (message: string) => new ConfigError('', `--pca-from '${file}': ${message}`);
  let raw: unknown;
  try {
    raw = JSON.parse(await fsp.readFile(file, 'utf8'));
  } catch (e) {
    throw fail(`cannot read it as JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const fit = parseConfig(PCA_FILE, raw, (at, message) => fail(at === '' ? message : `${at}: ${message}`));
  if (fit.mean.length !== fit.dim || fit.components.length !== fit.k || fit.components.some((c) => c.length !== fit.dim)) {
    throw fail(`expected mean of ${fit.dim} values and components of ${fit.k} rows × ${fit.dim} values (k × dim)`);
  }
  return fit;
}

/**
 * Projects rows on a saved fit (`--pca-from`).
 * @param features `[rows, dim]` row-major embeddings, dim = `fit.dim`
 * @throws ConfigError naming --pca-from when the rows have another width than the fit
 * @example
 * const values = await applyEmbeddingPca(features, 64, await readEmbeddingPca('train.pca.json'), 'train.pca.json');
 */
export async function applyEmbeddingPca(features: Float32Array, dim: number, fit: PcaFile, file: string): Promise<Float32Array> {
  if (dim !== fit.dim) {
    throw new ConfigError('', `--pca-from '${file}' projects ${fit.dim}-value rows (${fit.layer}); these have ${dim}`);
  }
  return pcaTransform({ k: fit.k, dim, mean: fit.mean, components: fit.components.flat() }, features);
}
