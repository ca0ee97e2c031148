/**
 * The decoded-image cache of {@link loadImageFolder}: one file holding a whole
 * decoded dataset, so a second run skips decoding. Layout: `IMXD`, uint32 LE
 * format version, uint32 LE header length, a JSON header, `count` int32 LE
 * labels, then the `[count, height, width, channels]` pixels.
 */
import { randomBytes } from 'crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'fs/promises';
import * as path from 'path';
import { createDataset, type ImageDataset } from '../dataset';

const MAGIC = 'IMXD';
const VERSION = 1;

interface Header {
  key: string;
  name: string;
  count: number;
  height: number;
  width: number;
  channels: number;
  classes: string[];
}

/**
 * The cached dataset in `file` if it was written for `key`; `undefined` when
 * the file is absent, stale (other key) or damaged — the caller then decodes again.
 */
export async function readDecodedCache(file: string, key: string): Promise<ImageDataset | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return undefined;
  }
  try {
    if (bytes.toString('latin1', 0, 4) !== MAGIC || bytes.readUInt32LE(4) !== VERSION) return undefined;
    const headerLength = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as Header;
    if (header.key !== key) return undefined;
    const labelsAt = 12 + headerLength;
    const imagesAt = labelsAt + 4 * header.count;
    const pixels = header.count * header.height * header.width * header.channels;
    if (bytes.length !== imagesAt + pixels) return undefined;
    const labels = new Int32Array(header.count);
    for (let i = 0; i < header.count; i++) labels[i] = bytes.readInt32LE(labelsAt + 4 * i);
    return createDataset({ ...header, labels, images: new Uint8Array(bytes.subarray(imagesAt)) });
  } catch {
    return undefined;
  }
}

/** Writes `dataset` to `file` for `key`, atomically (temp file + rename). */
export async function writeDecodedCache(file: string, key: string, dataset: ImageDataset): Promise<void> {
  const header: Header = {
    key,
    name: dataset.name,
    count: dataset.count,
    height: dataset.height,
    width: dataset.width,
    channels: dataset.channels,
    classes: [...(dataset.classes ?? [])],
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(VERSION, 4);
  prefix.writeUInt32LE(json.length, 8);
  const labels = Buffer.alloc(4 * dataset.count);
  for (let i = 0; i < dataset.count; i++) labels.writeInt32LE(dataset.labels[i], 4 * i);
  await mkdir(path.dirname(file), { recursive: true });
  // A temp name no other writer can pick (not randomness that affects results).
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.part`;
  try {
    await writeFile(temp, Buffer.concat([prefix, json, labels, dataset.images]));
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
