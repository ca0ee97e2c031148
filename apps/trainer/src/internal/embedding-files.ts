/**
 * The files `infomax embed` writes: one row of float32 values per image as `.npy` (with an
 * `.index.csv` of the rows' sources beside it), `.csv` or `.jsonl` (each row carrying its source).
 */
import { ConfigError } from '../errors';
import { encodeNpy } from './npy';

/** Output formats, by file extension. */
export const EMBED_FORMATS = ['npy', 'csv', 'jsonl'] as const;
/** One of {@link EMBED_FORMATS}. */
export type EmbedFormat = (typeof EMBED_FORMATS)[number];

/** Rows of embeddings and where each came from. */
export interface EmbeddingRows {
  /** `[count, dim]` row-major. */
  values: Float32Array;
  dim: number;
  /** `[count]` sources (file paths, row numbers). */
  sources: readonly string[];
  /** `[count]` labels; -1 for none. */
  labels: Int32Array;
}

/** Rows encoded per chunk: bounds the size of each intermediate string. */
const CHUNK_ROWS = 1024;

/**
 * The format an output path asks for, by its extension.
 * @throws ConfigError naming --out when the extension is not .npy, .csv or .jsonl
 */
export function embedFormat(out: string): EmbedFormat {
  const ext = /\.([a-z]+)$/i.exec(out)?.[1]?.toLowerCase();
  if (!(EMBED_FORMATS as readonly string[]).includes(ext ?? '')) {
    throw new ConfigError('', `--out '${out}': expected a file ending in ${EMBED_FORMATS.map((f) => `.${f}`).join(', ')}`);
  }
  return ext as EmbedFormat;
}

/** The index file written beside a `.npy` file: `emb.npy` → `emb.index.csv`. */
export function indexPath(out: string): string {
  return out.replace(/\.npy$/i, '.index.csv');
}

/** The PCA fit written beside an output reduced by `--pca`: `emb.npy` → `emb.pca.json`. */
export function pcaPath(out: string): string {
  return out.replace(/\.(npy|csv|jsonl)$/i, '.pca.json');
}

/** The shortest decimal that reads back (as float32) to the same float32 value. */
export function float32Text(v: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const s = Number(v.toPrecision(digits));
    if (Math.fround(s) === v) return String(s);
  }
  return String(Number(v.toPrecision(9)));
}

/** A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function encodeRows(rows: EmbeddingRows, header: string, line: (i: number, values: string[]) => string): Buffer {
  const count = rows.sources.length;
  const parts: Buffer[] = header === '' ? [] : [Buffer.from(header)];
  for (let first = 0; first < count; first += CHUNK_ROWS) {
    const lines: string[] = [];
    for (let i = first; i < Math.min(count, first + CHUNK_ROWS); i++) {
      lines.push(line(i, Array.from(rows.values.subarray(i * rows.dim, (i + 1) * rows.dim), float32Text)));
    }
    parts.push(Buffer.from(`${lines.join('\n')}\n`));
  }
  return Buffer.concat(parts);
}

/**
 * The bytes of each file `format` writes, keyed by path: `out` itself, and for `.npy` its index.
 * @example
 * for (const [file, bytes] of Object.entries(encodeEmbeddings('emb.npy', 'npy', rows))) await writeFileAtomic(file, bytes);
 */
export function encodeEmbeddings(out: string, format: EmbedFormat, rows: EmbeddingRows): Record<string, Buffer> {
  const label = (i: number) => (rows.labels[i] < 0 ? '' : String(rows.labels[i]));
  switch (format) {
    case 'npy':
      return {
        [out]: encodeNpy(rows.values, [rows.sources.length, rows.dim]),
        [indexPath(out)]: encodeRows({ ...rows, dim: 0 }, 'row,source,label\n', (i) => `${i},${csvField(rows.sources[i])},${label(i)}`),
      };
    case 'csv': {
      const header = `source,label,${Array.from({ length: rows.dim }, (_, j) => `e${j}`).join(',')}\n`;
      return { [out]: encodeRows(rows, header, (i, v) => `${csvField(rows.sources[i])},${label(i)},${v.join(',')}`) };
    }
    case 'jsonl':
      return {
        [out]: encodeRows(
          rows,
          '',
          (i, v) =>
            `{"source":${JSON.stringify(rows.sources[i])},"label":${rows.labels[i] < 0 ? 'null' : rows.labels[i]},"embedding":[${v.join(',')}]}`,
        ),
      };
  }
}
