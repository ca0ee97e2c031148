/**
 * NumPy's `.npy` format, version 1.0 (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * the magic `\x93NUMPY`, the version bytes 1 0, a little-endian uint16 header length, then an
 * ASCII Python dict literal (`descr`, `fortran_order`, `shape`) padded with spaces and ended by
 * `\n` so that the data starts at a multiple of 64 bytes, then the values in C order.
 */
import { float32LittleEndian } from './little-endian';

/** Bytes before the header: magic (6), version (2), header length (2). */
const PREAMBLE = 10;
/** NumPy aligns the data to this many bytes. */
const ALIGN = 64;

/**
 * Encodes a float32 array of the given shape as a version 1.0 `.npy` file, dtype `'<f4'`, C order.
 * @param values `shape` row-major
 * @param shape dimensions (their product is `values.length`)
 * @example
 * await fsp.writeFile('emb.npy', encodeNpy(features, [count, dim])); // numpy.load('emb.npy').shape == (count, dim)
 */
export function encodeNpy(values: Float32Array, shape: readonly number[]): Buffer {
  // A one-element tuple needs its trailing comma in Python.
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const padded = Math.ceil((PREAMBLE + dict.length + 1) / ALIGN) * ALIGN - PREAMBLE;
  const header = `${dict.padEnd(padded - 1, ' ')}\n`;
  const preamble = Buffer.alloc(PREAMBLE);
  preamble.write('\x93NUMPY', 0, 'latin1');
  preamble[6] = 1;
  preamble[7] = 0;
  preamble.writeUInt16LE(header.length, 8);
  return Buffer.concat([preamble, Buffer.from(header, 'latin1'), float32LittleEndian(values)]);
}
