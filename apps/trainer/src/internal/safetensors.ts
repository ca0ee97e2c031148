/**
 * The safetensors format (https://github.com/huggingface/safetensors, "Format"): an 8-byte
 * little-endian unsigned header length N, N bytes of JSON header — per tensor
 * `{ dtype, shape, data_offsets: [begin, end) }` relative to the data, plus an optional
 * `__metadata__` map of strings to strings — then the tensors' bytes, little-endian, C order,
 * packed without gaps. The header is padded with spaces to a multiple of 8 bytes, so the data
 * starts aligned.
 */
import { float32LittleEndian } from './little-endian';

/** A named float32 tensor. */
export interface NamedFloat32 {
  name: string;
  shape: readonly number[];
  values: Float32Array;
}

/**
 * Encodes float32 tensors (dtype `F32`) in the given order, with string metadata.
 * @throws Error when a name repeats or `__metadata__`, or a tensor's values do not fill its shape
 * @example
 * await fsp.writeFile('encoder.safetensors', encodeSafetensors([{ name: 'dense/kernel', shape: [64, 10], values }], { format: 'tfjs' }));
 */
export function encodeSafetensors(tensors: readonly NamedFloat32[], metadata: Record<string, string>): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const data: Buffer[] = [];
  let offset = 0;
  for (const t of tensors) {
    if (t.name in header) throw new Error(`encodeSafetensors: the name '${t.name}' is taken`);
    if (t.values.length !== t.shape.reduce((a, b) => a * b, 1)) {
      throw new Error(
        `encodeSafetensors: '${t.name}' holds ${t.values.length} values, its shape [${t.shape}] needs ${t.shape.reduce((a, b) => a * b, 1)}`,
      );
    }
    const bytes = float32LittleEndian(t.values);
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    data.push(bytes);
    offset += bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const text = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, ' ')]);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([size, text, ...data]);
}
