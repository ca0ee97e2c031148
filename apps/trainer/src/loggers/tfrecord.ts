/**
 * TFRecord framing, the container of TensorBoard's event files: each record is
 * `uint64 length (LE) · uint32 masked-crc32c(length) · data · uint32 masked-crc32c(data)`.
 * The checksums come from `@aws-crypto/crc32c`; the mask is TensorFlow's
 * (`lib/hash/crc32c.h`: rotate right by 15, add 0xa282ead8).
 */
import { crc32c } from '@aws-crypto/crc32c';
import { CheckpointError } from '../errors';

const MASK_DELTA = 0xa282ead8;

/** TensorFlow's masked CRC-32C of `data`. */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data);
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}

/**
 * One record, framed.
 * @example
 * appendFileSync('events.out.tfevents.1.host', frameRecord(eventBytes));
 */
export function frameRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(16 + data.length);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(data, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}

/**
 * The records of a TFRecord file, each checked against both checksums. A torn last
 * record (a writer killed mid-append) ends the list; any other damage throws.
 * @param bytes the file's contents
 * @param file its name, for error messages
 * @throws CheckpointError naming the file and the offset of a record whose checksum fails
 * @example
 * const records = readRecords(readFileSync(f), f);
 */
export function readRecords(bytes: Uint8Array, file: string): Uint8Array[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const records: Uint8Array[] = [];
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < 12) break;
    if (buf.readUInt32LE(at + 8) !== maskedCrc32c(buf.subarray(at, at + 8))) {
      throw new CheckpointError(`'${file}': the length checksum of the record at byte ${at} does not match`);
    }
    const length = Number(buf.readBigUInt64LE(at));
    if (buf.length - at < 16 + length) break;
    const data = buf.subarray(at + 12, at + 12 + length);
    if (buf.readUInt32LE(at + 12 + length) !== maskedCrc32c(data)) {
      throw new CheckpointError(`'${file}': the data checksum of the record at byte ${at} does not match`);
    }
    records.push(data);
    at += 16 + length;
  }
  return records;
}
